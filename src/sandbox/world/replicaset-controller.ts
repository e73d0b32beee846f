/**
 * The ReplicaSet controller, for every ReplicaSet in the store (the Deployment controller's and
 * clients' own): keeps `spec.replicas` non-terminating pods made from the template (named
 * `<rs>-<5 chars>`, owned by the ReplicaSet, placed on a node by spreading), deletes surplus pods
 * (not ready first, then newest), keeps `status`, and garbage-collects: the pods of a deleted
 * ReplicaSet, and a ReplicaSet whose controlling Deployment is gone, are deleted.
 * https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/
 */
import { type AdmissionAttributes, REPLICASET_CONTROLLER } from '../kube/admission.ts';
import { clone } from '../kube/json-util.ts';
import { applyDefaults } from '../kube/kind-rules.ts';
import type { ResourceDef } from '../kube/resources.ts';
import { isoSeconds, type KubeObject } from '../kube/store.ts';
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
  const pending = s.pendingCreates.get(key) ?? 0;
  const failure = s.createFailures.get(key);
  // Nothing left to create (scaled down meanwhile): no create error to report any more.
  if (live.length + pending >= want) s.createFailures.delete(key);
  if (live.length + pending < want && !(failure && failure.retryAt > now)) {
    const missing = want - live.length - pending;
    if (needsAdmission(s, rs)) {
      for (let i = 0; i < missing; i++) createPodAdmitted(s, rs, key);
    } else {
      const created: PodSim[] = [];
      for (let i = 0; i < missing; i++) created.push(startPod(s, rs, podFromTemplate(rs), now));
      s.createFailures.delete(key);
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
    }
  } else if (live.length > want) {
    // As the controller ranks them: not ready before ready, then the newest first.
    const victims = [...live]
      .sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt)
      .slice(0, live.length - want);
    for (const p of victims) deleteGracefully(s, p);
  }
  writeStatus(s, rs, key);
}

/** Whether a pod of `rs` would be sent to a mutating admission webhook. */
function needsAdmission(s: ClusterState, rs: KubeObject): boolean {
  if (!s.admission) return false;
  const obj = podFromTemplate(rs);
  applyDefaults(podsDef, obj, undefined);
  return s.admission.wouldCall(admissionOf(obj));
}

const podsDef = { ...REF.pods, kind: 'Pod', namespaced: true } as ResourceDef;
const admissionOf = (obj: KubeObject): AdmissionAttributes => ({
  operation: 'CREATE',
  def: podsDef,
  namespace: obj.metadata.namespace,
  object: obj,
  dryRun: false,
  userInfo: REPLICASET_CONTROLLER,
  fieldManager: MANAGER.fieldManager,
});

/**
 * Creates one pod of a ReplicaSet through the cluster's mutating admission webhooks, as the real
 * controller's create goes through the API server: the webhooks are called (over HTTPS, so after
 * this settle), and the pod starts with what they made of it. Until then the create counts as
 * pending (the controller's "expectations": no second pod for the same missing replica). A create
 * the webhooks refuse is retried with the controller's exponential backoff (5 ms doubling, at most
 * 1000 s), and the ReplicaSet shows it as a `ReplicaFailure` condition (reason FailedCreate, the
 * API server's message) until a create succeeds.
 */
function createPodAdmitted(s: ClusterState, rs: KubeObject, key: string): void {
  const obj = podFromTemplate(rs);
  applyDefaults(podsDef, obj, undefined);
  s.pendingCreates.set(key, (s.pendingCreates.get(key) ?? 0) + 1);
  const uid = rs.metadata.uid;
  const settled = () => {
    s.pendingCreates.set(key, (s.pendingCreates.get(key) ?? 1) - 1);
    if (!s.pendingCreates.get(key)) s.pendingCreates.delete(key);
    s.replicaSetsDirty.add(key);
  };
  s.admission!.admit(admissionOf(obj)).then(
    ({ object }) => {
      settled();
      const now = Math.max(s.now, s.store.clock.now());
      const live = s.store.get(REF.replicaSets, rs.metadata.namespace, rs.metadata.name);
      // The ReplicaSet went away while its pod was being admitted: nothing to create it for.
      if (!live || live.metadata.uid !== uid || live.metadata.deletionTimestamp) return;
      try {
        const p = startPod(s, live, object, now);
        s.createFailures.delete(key);
        s.log.info(
          { ...s.logFields(), workload: workloadFor(s, live).key, replicaSet: key, pods: [`${p.name} ${p.ip}`] },
          'replicaset controller created 1 pod(s) (admitted by mutating webhooks)',
        );
      } catch (e) {
        createFailed(s, key, e, now);
      }
    },
    (e: unknown) => {
      settled();
      createFailed(s, key, e, Math.max(s.now, s.store.clock.now()));
    },
  );
}

function createFailed(s: ClusterState, key: string, e: unknown, now: number): void {
  const message = e instanceof Error ? e.message : String(e);
  const count = (s.createFailures.get(key)?.count ?? 0) + 1;
  const retryAt = now + Math.min(1_000_000, 5 * 2 ** (count - 1));
  s.createFailures.set(key, { count, retryAt, message });
  s.timers.push({ at: retryAt, key, kind: 'resync' });
  s.log.warn({ ...s.logFields(), replicaSet: key, err: message }, 'replicaset controller could not create a pod');
}

/** A ReplicaSet controlled by a Deployment that no longer exists (a different uid counts as gone). */
function ownerGone(s: ClusterState, rs: KubeObject): boolean {
  const ref = (rs.metadata.ownerReferences ?? []).find((r: any) => r?.controller === true && r.kind === 'Deployment');
  if (!ref) return false;
  return s.store.get(REF.deployments, rs.metadata.namespace, ref.name)?.metadata.uid !== ref.uid;
}

/** The status the ReplicaSet controller writes (Go's omitempty drops zero counts but `replicas`). */
export function replicaSetStatus(
  pods: readonly PodSim[],
  generation: number,
  failure?: { message: string; since: string },
): Record<string, unknown> {
  const live = pods.filter((p) => !p.terminating);
  const ready = live.filter((p) => p.ready).length;
  return {
    replicas: live.length,
    ...(live.length ? { fullyLabeledReplicas: live.length } : {}),
    ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
    observedGeneration: generation,
    ...(failure
      ? {
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              lastTransitionTime: failure.since,
              reason: 'FailedCreate',
              message: failure.message,
            },
          ],
        }
      : {}),
  };
}

function writeStatus(s: ClusterState, rs: KubeObject, key: string): void {
  const f = s.createFailures.get(key);
  const before = (rs.status?.conditions ?? []).find((c: { type: string }) => c.type === 'ReplicaFailure');
  const failure = f && {
    message: f.message,
    since: before?.message === f.message ? before.lastTransitionTime : isoSeconds(s.now),
  };
  const status = replicaSetStatus(podsOf(s, key), rs.metadata.generation ?? 1, failure);
  if (JSON.stringify(rs.status ?? {}) === JSON.stringify(status)) return;
  s.self(() => s.store.update(REF.replicaSets, { ...rs, status }, { subresource: 'status', ...MANAGER }));
  const dep = controllerOf(rs, 'Deployment');
  if (dep) s.deploymentsDirty.add(`${rs.metadata.namespace}/${dep}`);
}

/** The pod a ReplicaSet asks for: its template, named by generateName, owned by the ReplicaSet. */
function podFromTemplate(rs: KubeObject): KubeObject {
  const tpl = rs.spec?.template ?? {};
  return clone({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace ?? 'default',
      ...(tpl.metadata?.labels ? { labels: tpl.metadata.labels } : {}),
      ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}),
      ownerReferences: [ownerRef(rs)],
    },
    spec: tpl.spec ?? {},
  }) as unknown as KubeObject;
}

/**
 * Creates and runs one pod of a ReplicaSet (`obj`: from its template, or as admission left it),
 * named `<rs>-<5 chars>` and placed on a node. While the world builds its initial state (`s.warm`)
 * the pod starts at once, with its readiness-gate conditions True if its workload was registered
 * at start (see initial-registration.ts).
 */
function startPod(s: ClusterState, rs: KubeObject, obj: KubeObject, now: number): PodSim {
  const namespace = rs.metadata.namespace ?? 'default';
  const rsKey = `${namespace}/${rs.metadata.name}`;
  const spec: Record<string, any> = obj.spec ?? {};
  const w = workloadFor(s, rs);
  let name = obj.metadata.name ?? '';
  while (!name || s.pods.has(`${namespace}/${name}`)) name = `${rs.metadata.name}-${suffix(s.rng)}`;
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
      labels: { ...(obj.metadata.labels ?? {}) },
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
  const { name: _admitted, ...meta } = obj.metadata;
  const pod = {
    ...obj,
    metadata: { name, ...meta, namespace, labels: p.labels },
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
  let created: KubeObject;
  try {
    created = s.self(() => s.store.create(REF.pods, pod, { keepStatus: true, ...MANAGER }));
  } catch (e) {
    s.forget(p);
    throw e;
  }
  p.uid = created.metadata.uid ?? '';
  schedulePodStart(s, p);
  return p;
}
