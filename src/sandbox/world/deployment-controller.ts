/**
 * The Deployment controller, for every Deployment in the store (the scenario's and any a client
 * applies): the ReplicaSet of the current template (`<deployment>-<pod-template-hash>`, created
 * when the template is new, or an old one reused on rollback), a RollingUpdate or Recreate rollout
 * between ReplicaSets (rollout.ts), `deployment.kubernetes.io/revision` annotations, old
 * ReplicaSets pruned beyond `revisionHistoryLimit`, and the Deployment's status with its
 * Available/Progressing conditions. ReplicaSets of a deleted Deployment are garbage-collected.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
 */
import { deepEqual } from '../kube/json-util.ts';
import type { KubeObject } from '../kube/store.ts';
import type { ClusterState } from './cluster-state.ts';
import { deploymentStatus, type RsSummary } from './deployment-status.ts';
import { ownerRef, REF } from './kube-objects.ts';
import { podTemplateHash } from './pod-sim.ts';
import { podsOf } from './replicaset-controller.ts';
import { type RsCount, recreateStep, rollingStep, surgeAndUnavailable } from './rollout.ts';
import { workloadFor } from './workload-controller.ts';

const MANAGER = { fieldManager: 'kube-controller-manager' };
const HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

export function reconcileDeployment(s: ClusterState, key: string, now: number): void {
  const [namespace, name] = key.split('/') as [string, string];
  const dep = s.store.get(REF.deployments, namespace, name);
  const all = s.store.list(REF.replicaSets, namespace).items;
  if (!dep) {
    s.rollouts.delete(key);
    // Garbage collection: ReplicaSets whose controlling Deployment is gone (their pods follow).
    for (const rs of all) if (controlledBy(rs, 'Deployment', name)) s.replicaSetsDirty.add(rsKey(rs));
    return;
  }
  if (dep.metadata.deletionTimestamp) return;
  const owned = all
    .filter((rs) => controlledBy(rs, 'Deployment', name, dep.metadata.uid))
    .sort((a, b) => revisionOf(a) - revisionOf(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
  const desired = typeof dep.spec?.replicas === 'number' ? dep.spec.replicas : 1;
  let fresh = owned.find((rs) => sameTemplate(rs.spec?.template, dep.spec?.template));
  const old = owned.filter((rs) => rs !== fresh);
  const counts = (rs: KubeObject): RsCount => {
    const pods = podsOf(s, rsKey(rs));
    const live = pods.filter((p) => !p.terminating);
    return { replicas: rs.spec?.replicas ?? 0, available: live.filter((p) => p.ready).length, pods: pods.length };
  };
  const maxRevision = Math.max(0, ...old.map(revisionOf));
  const recreate = dep.spec?.strategy?.type === 'Recreate';
  const strategy = surgeAndUnavailable(dep.spec?.strategy?.rollingUpdate, desired);
  let created = false;
  if (!dep.spec?.paused) {
    if (!fresh) {
      created = true;
      const oldCounts = old.map(counts);
      const start = recreate
        ? (recreateStep(desired, oldCounts).fresh ?? 0)
        : rollingStep(desired, strategy, { replicas: 0, available: 0, pods: 0 }, oldCounts).fresh;
      fresh = createReplicaSet(s, dep, start, maxRevision + 1, strategy.maxSurge);
      s.log.info(
        { ...s.logFields(), deployment: key },
        `deployment controller created replica set ${fresh.metadata.name}`,
      );
    } else if (revisionOf(fresh) <= maxRevision) {
      fresh = setReplicas(s, fresh, dep, fresh.spec?.replicas ?? 0, strategy.maxSurge, maxRevision + 1);
    }
    const step = recreate
      ? recreateStep(desired, old.map(counts))
      : rollingStep(desired, strategy, counts(fresh), old.map(counts));
    if (step.fresh !== undefined && step.fresh !== fresh.spec?.replicas) {
      fresh = setReplicas(s, fresh, dep, step.fresh, strategy.maxSurge);
    }
    old.forEach((rs, i) => {
      if (step.old[i] !== rs.spec?.replicas) setReplicas(s, rs, dep, step.old[i]!, strategy.maxSurge);
    });
    pruneHistory(s, dep, old);
  }
  // A paused Deployment whose template changed has no new ReplicaSet yet: nothing to report.
  if (!fresh) return;
  const revision = String(revisionOf(fresh));
  if (dep.metadata.annotations?.[REVISION] !== revision) {
    const annotations = { ...(dep.metadata.annotations ?? {}), [REVISION]: revision };
    s.self(() => s.store.update(REF.deployments, { ...dep, metadata: { ...dep.metadata, annotations } }, MANAGER));
  }
  const current = s.store.get(REF.deployments, namespace, name)!;
  const status = deploymentStatus({
    dep: current,
    fresh: { name: fresh.metadata.name, created, ...summary(s, fresh) },
    old: old.map((rs) => summary(s, rs)),
    maxUnavailable: recreate ? 0 : strategy.maxUnavailable,
    now,
  });
  const reason = (status.conditions as { type: string; reason: string }[]).find(
    (c) => c.type === 'Progressing',
  )?.reason;
  if (reason === 'NewReplicaSetAvailable' || reason === 'ProgressDeadlineExceeded') s.rollouts.delete(key);
  else s.rollouts.add(key);
  if (deepEqual(current.status ?? {}, status)) return;
  s.self(() => s.store.update(REF.deployments, { ...current, status }, { subresource: 'status', ...MANAGER }));
}

/** Pod counts of one ReplicaSet (non-terminating pods; available = ready). */
function summary(s: ClusterState, rs: KubeObject): RsSummary {
  const live = podsOf(s, rsKey(rs)).filter((p) => !p.terminating);
  const ready = live.filter((p) => p.ready).length;
  const desired = s.store.get(REF.replicaSets, rs.metadata.namespace, rs.metadata.name)?.spec?.replicas ?? 0;
  return { desired, replicas: live.length, ready, available: ready };
}

const rsKey = (rs: KubeObject) => `${rs.metadata.namespace}/${rs.metadata.name}`;
const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;

function controlledBy(rs: KubeObject, kind: string, name: string, uid?: string): boolean {
  return (rs.metadata.ownerReferences ?? []).some(
    (r: any) => r?.controller === true && r.kind === kind && r.name === name && (uid === undefined || r.uid === uid),
  );
}

/** Templates equal but for the `pod-template-hash` label (the controller's EqualIgnoreHash). */
function sameTemplate(a: any, b: any): boolean {
  const strip = (t: any) => {
    const labels = { ...(t?.metadata?.labels ?? {}) };
    delete labels[HASH];
    return { ...t, metadata: { ...(t?.metadata ?? {}), labels } };
  };
  return deepEqual(strip(a), strip(b));
}

/** JSON with object keys sorted, so equal templates hash alike. */
const sortedJson = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
  );

function createReplicaSet(s: ClusterState, dep: KubeObject, replicas: number, revision: number, maxSurge: number) {
  const template = dep.spec?.template ?? {};
  const collisions = dep.status?.collisionCount ?? 0;
  const hash = podTemplateHash(`${sortedJson(template)}${collisions ? collisions : ''}`);
  const labels = { ...(template.metadata?.labels ?? {}), [HASH]: hash };
  const selector = dep.spec?.selector ?? {};
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${dep.metadata.name}-${hash}`,
      namespace: dep.metadata.namespace,
      labels,
      annotations: rsAnnotations(dep, revision, maxSurge),
      ownerReferences: [ownerRef(dep)],
    },
    spec: {
      replicas,
      selector: { ...selector, matchLabels: { ...(selector.matchLabels ?? {}), [HASH]: hash } },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  };
  const created = s.self(() => s.store.create(REF.replicaSets, rs, MANAGER));
  workloadFor(s, created);
  s.replicaSetsDirty.add(rsKey(created));
  return created;
}

function rsAnnotations(dep: KubeObject, revision: number, maxSurge: number): Record<string, string> {
  const desired = dep.spec?.replicas ?? 1;
  return {
    'deployment.kubernetes.io/desired-replicas': String(desired),
    'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
    [REVISION]: String(revision),
  };
}

function setReplicas(
  s: ClusterState,
  stale: KubeObject,
  dep: KubeObject,
  replicas: number,
  maxSurge: number,
  revision?: number,
) {
  const rs = s.store.get(REF.replicaSets, stale.metadata.namespace, stale.metadata.name) ?? stale;
  const annotations = {
    ...(rs.metadata.annotations ?? {}),
    ...rsAnnotations(dep, revision ?? revisionOf(rs), maxSurge),
  };
  const next = { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas } };
  const updated = s.self(() => s.store.update(REF.replicaSets, next, MANAGER));
  s.replicaSetsDirty.add(rsKey(updated));
  return updated;
}

/** Old ReplicaSets scaled to zero beyond `revisionHistoryLimit` are deleted, oldest first. */
function pruneHistory(s: ClusterState, dep: KubeObject, old: KubeObject[]): void {
  const limit = dep.spec?.revisionHistoryLimit ?? 10;
  const idle = old.filter((rs) => {
    const live = s.store.get(REF.replicaSets, rs.metadata.namespace, rs.metadata.name);
    return live && (live.spec?.replicas ?? 0) === 0 && podsOf(s, rsKey(rs)).length === 0;
  });
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    s.self(() => s.store.delete(REF.replicaSets, rs.metadata.namespace, rs.metadata.name));
  }
}
