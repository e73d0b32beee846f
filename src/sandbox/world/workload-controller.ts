/**
 * The scenario's workloads in a cluster: each becomes a Deployment in the store, run by the same
 * Deployment and ReplicaSet controllers as any Deployment a client applies; the workload definition
 * says how its pods behave (error rate, latency, start delay). Pods of a Deployment the scenario does
 * not define behave as FOREIGN_POD says.
 */
import type { KubeObject } from '../kube/store.ts';
import type { WorkloadDef } from '../scenario/types.ts';
import type { ClusterState } from './cluster-state.ts';
import { deploymentObject, podTemplate, REF } from './kube-objects.ts';
import { controllerOf } from './pod-lifecycle.ts';
import { FOREIGN_POD, type WorkloadSim } from './pod-sim.ts';

const imageOf = (w: WorkloadDef) => `registry.sandbox.local/${w.name}:1.0.0`;

/** Creates a scenario workload's Deployment; the controllers make its ReplicaSet and pods. */
export function createWorkload(s: ClusterState, w: WorkloadDef, gatesTrueAtStart: boolean): WorkloadSim {
  const sim: WorkloadSim = { def: w, key: `${w.namespace}/${w.name}`, fromScenario: true, gatesTrueAtStart };
  s.workloads.set(sim.key, sim);
  s.self(() => s.store.create(REF.deployments, deploymentObject(w, podTemplate(w, imageOf(w)))));
  s.deploymentsDirty.add(sim.key);
  return sim;
}

/**
 * The workload a ReplicaSet's pods belong to: its Deployment's (the scenario's, or one derived from
 * a client's Deployment), or, for a ReplicaSet without a Deployment, one of its own.
 */
export function workloadFor(s: ClusterState, rs: KubeObject): WorkloadSim {
  const namespace = rs.metadata.namespace ?? 'default';
  const name = controllerOf(rs, 'Deployment') ?? rs.metadata.name;
  const key = `${namespace}/${name}`;
  let w = s.workloads.get(key);
  if (!w) {
    const spec = rs.spec?.template?.spec ?? {};
    const containers: any[] = spec.containers ?? [];
    w = {
      key,
      fromScenario: false,
      def: {
        name,
        namespace,
        replicas: rs.spec?.replicas ?? 1,
        labels: { ...(rs.spec?.template?.metadata?.labels ?? {}) },
        containerPorts: containers.flatMap((c) => c?.ports ?? []),
        readinessGates: (spec.readinessGates ?? []).map((g: { conditionType: string }) => g.conditionType),
        errorRate: FOREIGN_POD.errorRate,
        latencyMs: FOREIGN_POD.latencyMs,
        startDelayMs: FOREIGN_POD.startDelayMs,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      },
    };
    s.workloads.set(key, w);
  }
  return w;
}
