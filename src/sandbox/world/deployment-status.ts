/**
 * A Deployment's status as the Deployment controller computes it (pkg/controller/deployment
 * sync.go calculateStatus, progress.go): counts summed over its ReplicaSets, `Available` when at
 * least replicas − maxUnavailable pods are available, `Progressing` with the controller's reasons
 * and messages, `ProgressDeadlineExceeded` once nothing progressed for `progressDeadlineSeconds`.
 * Zero counts are left out (Go's omitempty). Not modelled: minReadySeconds (available = ready).
 */
import { deepEqual } from '../kube/json-util.ts';
import { isoSeconds, type KubeObject } from '../kube/store.ts';

export interface RsSummary {
  /** `spec.replicas`. */
  desired: number;
  /** Non-terminating pods (the ReplicaSet's `status.replicas`). */
  replicas: number;
  ready: number;
  available: number;
}

export interface StatusInput {
  dep: KubeObject;
  fresh: RsSummary & { name: string; created: boolean };
  old: RsSummary[];
  maxUnavailable: number;
  now: number;
}

interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export function deploymentStatus(i: StatusInput): Record<string, unknown> {
  const all = [i.fresh, ...i.old];
  const sum = (f: (r: RsSummary) => number) => all.reduce((a, r) => a + f(r), 0);
  const desired = typeof i.dep.spec?.replicas === 'number' ? i.dep.spec.replicas : 1;
  const replicas = sum((r) => r.replicas);
  const ready = sum((r) => r.ready);
  const available = sum((r) => r.available);
  const unavailable = Math.max(0, sum((r) => r.desired) - available);
  const prev: Condition[] = i.dep.status?.conditions ?? [];
  const counts = {
    observedGeneration: i.dep.metadata.generation ?? 1,
    ...(replicas ? { replicas } : {}),
    ...(i.fresh.replicas ? { updatedReplicas: i.fresh.replicas } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    ...(unavailable ? { unavailableReplicas: unavailable } : {}),
    ...(i.dep.status?.collisionCount ? { collisionCount: i.dep.status.collisionCount } : {}),
  };
  const minimum = available >= desired - i.maxUnavailable;
  const availableCond = minimum
    ? {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      }
    : {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      };
  const complete =
    i.fresh.replicas === desired &&
    i.fresh.available === desired &&
    replicas === i.fresh.replicas &&
    i.fresh.desired === desired;
  const rs = i.fresh.name;
  const progressed = ['updatedReplicas', 'readyReplicas', 'availableReplicas'].some(
    (k) => ((counts as Record<string, number>)[k] ?? 0) !== (i.dep.status?.[k] ?? 0),
  );
  const before = prev.find((c) => c.type === 'Progressing');
  // A finished rollout stays finished while every pod is of the new template (a killed pod or a
  // scale-up does not make it "progressing" again).
  const stillComplete =
    before?.reason === 'NewReplicaSetAvailable' && replicas === i.fresh.replicas && !i.fresh.created;
  const deadlineMs =
    (typeof i.dep.spec?.progressDeadlineSeconds === 'number' ? i.dep.spec.progressDeadlineSeconds : 600) * 1000;
  const timedOut =
    !complete && !progressed && before !== undefined && Date.parse(before.lastUpdateTime) + deadlineMs < i.now;
  const progressing =
    complete || stillComplete
      ? { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.` }
      : i.fresh.created
        ? { status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rs}"` }
        : timedOut
          ? {
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${rs}" has timed out progressing.`,
            }
          : progressed || !before || before.status !== 'True'
            ? { status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs}" is progressing.` }
            : { status: before.status, reason: before.reason, message: before.message };
  const conditions = [
    condition(prev, availableCond, i.now, false),
    condition(prev, { type: 'Progressing', ...progressing }, i.now, progressed && !complete),
  ];
  return { ...counts, conditions };
}

/** A condition keeping its times unless it changed (`touch`: progress moves lastUpdateTime). */
function condition(
  prev: readonly Condition[],
  c: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>,
  now: number,
  touch: boolean,
): Condition {
  const old = prev.find((x) => x.type === c.type);
  const at = isoSeconds(now);
  const transitioned = !old || old.status !== c.status;
  const same =
    old &&
    deepEqual({ ...old, lastUpdateTime: 0, lastTransitionTime: 0 }, { ...c, lastUpdateTime: 0, lastTransitionTime: 0 });
  return {
    type: c.type,
    status: c.status,
    lastUpdateTime: same && !touch ? old.lastUpdateTime : at,
    lastTransitionTime: transitioned ? at : old.lastTransitionTime,
    reason: c.reason,
    message: c.message,
  };
}
