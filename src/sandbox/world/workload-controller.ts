/**
 * The Deployment-like controller: per workload a Deployment and one ReplicaSet owning its pods;
 * keeps `spec.replicas` non-terminating pods (terminating ones do not count, so a deleted pod is
 * replaced at once), scales down not-ready then newest pods first, deletes the pods of a deleted
 * Deployment, and keeps Deployment/ReplicaSet status up to date.
 */

import type { WatchEvent } from '../kube/store.ts';
import { firstOf } from '../log.ts';
import type { WorkloadDef } from '../scenario/types.ts';
import type { ClusterState } from './cluster-state.ts';
import { deploymentObject, podTemplate, REF, replicaSetObject } from './kube-objects.ts';
import { deleteGracefully, schedulePodStart } from './pod-lifecycle.ts';
import { newPodSim, type PodSim, podTemplateHash, suffix, type WorkloadSim } from './pod-sim.ts';

const imageOf = (w: WorkloadDef) => `registry.sandbox.local/${w.name}:1.0.0`;

export function createWorkload(s: ClusterState, w: WorkloadDef): WorkloadSim {
  const template = podTemplate(w, imageOf(w));
  const hash = podTemplateHash(`${s.name}/${w.namespace}/${w.name}/${JSON.stringify(template)}`);
  const dep = s.store.create(REF.deployments, deploymentObject(w, template));
  const rsName = `${w.name}-${hash}`;
  const rs = s.store.create(REF.replicaSets, replicaSetObject(w, rsName, hash, template, dep));
  const sim: WorkloadSim = {
    def: w,
    key: `${w.namespace}/${w.name}`,
    replicas: w.replicas,
    hash,
    rsName,
    rsOwner: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: rsName,
      uid: rs.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
    deleted: false,
  };
  s.workloads.set(sim.key, sim);
  return sim;
}

export function reconcileWorkload(s: ClusterState, w: WorkloadSim, now: number): void {
  if (w.deleted) return;
  const live = [...s.pods.values()].filter((p) => p.workload === w && !p.terminating);
  const created: PodSim[] = [];
  for (let i = live.length; i < w.replicas; i++) created.push(createPod(s, w, now));
  if (created.length) {
    s.log.info(
      { ...s.logFields(), workload: w.key, pods: firstOf(created.map((p) => `${p.name} ${p.ip}`)) },
      `deployment controller created ${created.length} pod(s) to keep ${w.replicas} replicas`,
    );
  }
  if (live.length > w.replicas) {
    // Scale down: the newest (not yet ready first) go, as a ReplicaSet picks them.
    const victims = live
      .sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt)
      .slice(0, live.length - w.replicas);
    for (const p of victims) deleteGracefully(s, p);
  }
  writeWorkloadStatus(s, w);
}

function writeWorkloadStatus(s: ClusterState, w: WorkloadSim): void {
  const all = [...s.pods.values()].filter((p) => p.workload === w && !p.terminating);
  const ready = all.filter((p) => p.ready).length;
  const status = {
    observedGeneration: 0,
    replicas: all.length,
    updatedReplicas: all.length,
    readyReplicas: ready,
    availableReplicas: ready,
    ...(all.length - ready > 0 ? { unavailableReplicas: all.length - ready } : {}),
  };
  s.self(() => {
    for (const [ref, name] of [
      [REF.deployments, w.def.name],
      [REF.replicaSets, w.rsName],
    ] as const) {
      const o = s.store.get(ref, w.def.namespace, name);
      if (!o) continue;
      const next = { ...status, observedGeneration: o.metadata.generation ?? 1 };
      if (JSON.stringify(o.status ?? {}) === JSON.stringify(next)) continue;
      s.store.update(ref, { ...o, status: next }, { subresource: 'status', fieldManager: 'kube-controller-manager' });
    }
  });
}

/**
 * Creates one pod of a workload. A `warm` pod (the world's initial state) starts at once; with
 * `gatesTrue` its readiness-gate conditions are True, as the controller that registered it into a
 * target group left them in a cluster that has been up a while (without, they are absent).
 */
export function createPod(s: ClusterState, w: WorkloadSim, now: number, warm?: { gatesTrue: boolean }): PodSim {
  let name = '';
  do name = `${w.def.name}-${w.hash}-${suffix(s.rng)}`;
  while (s.pods.has(`${w.def.namespace}/${name}`));
  const template = podTemplate(w.def, imageOf(w.def));
  const place = s.place();
  const p = newPodSim(
    {
      name,
      namespace: w.def.namespace,
      uid: '',
      ip: place.ip,
      nodeName: place.nodeName,
      zone: place.zone,
      labels: { ...w.def.labels, 'pod-template-hash': w.hash },
      gates: [...w.def.readinessGates],
      containerName: w.def.name,
      image: template.spec.containers[0].image,
      containerPorts: w.def.containerPorts,
      workload: w,
      createdAt: now,
      startAt: warm ? now : now + w.def.startDelayMs,
    },
    s.overrides,
  );
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: p.namespace, labels: p.labels, ownerReferences: w.rsOwner ? [w.rsOwner] : [] },
    spec: { ...template.spec, nodeName: p.nodeName },
    ...(warm?.gatesTrue && p.gates.length
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
  const created = s.self(() =>
    s.store.create(REF.pods, obj, { keepStatus: true, fieldManager: 'kube-controller-manager' }),
  );
  p.uid = created.metadata.uid ?? '';
  schedulePodStart(s, p);
  return p;
}

/** A client scaled or deleted a Deployment the world runs. */
export function onDeploymentChange(s: ClusterState, ev: WatchEvent): void {
  const o = ev.object;
  const w = s.workloads.get(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  if (!w) return;
  if (ev.type === 'DELETED') {
    // Deleting a Deployment deletes its pods (garbage collection of owned objects).
    w.deleted = true;
    for (const p of [...s.pods.values()]) if (p.workload === w && !p.terminating) deleteGracefully(s, p);
  } else if (typeof o.spec?.replicas === 'number' && o.spec.replicas !== w.replicas) {
    w.replicas = o.spec.replicas;
    s.workloadsDirty.add(w.key);
  }
}
