/**
 * The ReplicaSet controller, for every ReplicaSet in the store (the Deployment controller's and
 * clients' own): keeps `spec.replicas` non-terminating pods made from the template (named
 * `<rs>-<5 chars>`, owned by the ReplicaSet, placed on a node by spreading), deletes surplus pods
 * (not ready first, then newest), keeps `status`, and garbage-collects: the pods of a deleted
 * ReplicaSet, and a ReplicaSet whose controlling Deployment is gone, are deleted.
 * https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/
 */
import type { KubeObject } from '../kube/store.ts';
import { firstOf } from '../log.ts';
import type { ClusterState } from './cluster-state.ts';
import { ownerRef, REF } from './kube-objects.ts';
import { controllerOf, deleteGracefully, schedulePodStart, startDelayOf } from './pod-lifecycle.ts';
import { FOREIGN_POD, newPodSim, type PodSim, suffix } from './pod-sim.ts';
import { workloadFor } from './workload-controller.ts';

const MANAGER = { fieldManager: 'kube-controller-manager' };

export const podsOf = (s: ClusterState, rsKey: string): PodSim[] =>
  [...s.pods.values()].filter((p) => p.rsKey === rsKey);

export function reconcileReplicaSet(s: ClusterState, key: string, now: number): void {
  const [namespace, name] = key.split('/') as [string, string];
  const rs = s.store.get(REF.replicaSets, namespace, name);
  const owned = podsOf(s, key);
  if (!rs || ownerGone(s, rs)) {
    if (rs) s.self(() => s.store.delete(REF.replicaSets, namespace, name));
    for (const p of owned) if (!p.terminating) deleteGracefully(s, p);
    return;
  }
  if (rs.metadata.deletionTimestamp) return;
  const live = owned.filter((p) => !p.terminating);
  const want = typeof rs.spec?.replicas === 'number' ? rs.spec.replicas : 1;
  if (live.length < want) {
    const created: PodSim[] = [];
    for (let i = live.length; i < want; i++) created.push(createPod(s, rs, now));
    if (!s.warm)
      s.log.info(
        {
          ...s.logFields(),
          workload: workloadFor(s, rs).key,
          replicaSet: key,
          pods: firstOf(created.map((p) => `${p.name} ${p.ip}`)),
        },
        `replicaset controller created ${created.length} pod(s) to keep ${want} replicas`,
      );
  } else if (live.length > want) {
    // As the controller ranks them: not ready before ready, then the newest first.
    const victims = [...live]
      .sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt)
      .slice(0, live.length - want);
    for (const p of victims) deleteGracefully(s, p);
  }
  writeStatus(s, rs, key);
}

/** A ReplicaSet controlled by a Deployment that no longer exists (a different uid counts as gone). */
function ownerGone(s: ClusterState, rs: KubeObject): boolean {
  const ref = (rs.metadata.ownerReferences ?? []).find((r: any) => r?.controller === true && r.kind === 'Deployment');
  if (!ref) return false;
  return s.store.get(REF.deployments, rs.metadata.namespace, ref.name)?.metadata.uid !== ref.uid;
}

/** The status the ReplicaSet controller writes (Go's omitempty drops zero counts but `replicas`). */
export function replicaSetStatus(pods: readonly PodSim[], generation: number): Record<string, number> {
  const live = pods.filter((p) => !p.terminating);
  const ready = live.filter((p) => p.ready).length;
  return {
    replicas: live.length,
    ...(live.length ? { fullyLabeledReplicas: live.length } : {}),
    ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
    observedGeneration: generation,
  };
}

function writeStatus(s: ClusterState, rs: KubeObject, key: string): void {
  const status = replicaSetStatus(podsOf(s, key), rs.metadata.generation ?? 1);
  if (JSON.stringify(rs.status ?? {}) === JSON.stringify(status)) return;
  s.self(() => s.store.update(REF.replicaSets, { ...rs, status }, { subresource: 'status', ...MANAGER }));
  const dep = controllerOf(rs, 'Deployment');
  if (dep) s.deploymentsDirty.add(`${rs.metadata.namespace}/${dep}`);
}

/**
 * Creates one pod of a ReplicaSet from its template. While the world builds its initial state
 * (`s.warm`) the pod starts at once, with its readiness-gate conditions True if its workload was
 * registered at start (see initial-registration.ts).
 */
function createPod(s: ClusterState, rs: KubeObject, now: number): PodSim {
  const namespace = rs.metadata.namespace ?? 'default';
  const rsKey = `${namespace}/${rs.metadata.name}`;
  const tpl = rs.spec?.template ?? {};
  const spec: Record<string, any> = tpl.spec ?? {};
  const w = workloadFor(s, rs);
  let name = '';
  do name = `${rs.metadata.name}-${suffix(s.rng)}`;
  while (s.pods.has(`${namespace}/${name}`));
  const place = s.place((p) => p.rsKey === rsKey);
  const containers: any[] = spec.containers ?? [];
  const delay = w.fromScenario ? w.def.startDelayMs : startDelayOf(spec, FOREIGN_POD.startDelayMs);
  const p = newPodSim(
    {
      name,
      namespace,
      uid: '',
      ip: place.ip,
      nodeName: place.node.name,
      zone: place.node.zone,
      hostIP: place.node.internalIp,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      gates: (spec.readinessGates ?? []).map((g: { conditionType: string }) => g.conditionType),
      containers: containers.map((c) => ({ name: c?.name ?? 'app', image: c?.image ?? '' })),
      containerPorts: containers.flatMap((c) => c?.ports ?? []),
      rsKey,
      workload: w,
      createdAt: now,
      startAt: s.warm ? now : now + delay,
    },
    s.overrides,
  );
  if (s.warm) {
    p.started = true;
    p.startedAt = now;
  }
  const gatesTrue = s.warm && w.gatesTrueAtStart === true && p.gates.length > 0;
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${rs.metadata.name}-`,
      namespace,
      labels: p.labels,
      ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
      ownerReferences: [ownerRef(rs)],
    },
    spec: { ...spec, nodeName: p.nodeName },
    ...(gatesTrue
      ? {
          status: {
            conditions: p.gates.map((type) => ({
              type,
              status: 'True',
              lastTransitionTime: null,
              lastProbeTime: null,
            })),
          },
        }
      : {}),
  };
  s.track(p);
  const created = s.self(() => s.store.create(REF.pods, obj, { keepStatus: true, ...MANAGER }));
  p.uid = created.metadata.uid ?? '';
  schedulePodStart(s, p);
  return p;
}
