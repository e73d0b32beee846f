import { createHash } from 'node:crypto';
import type { Desired } from './desired-targets.ts';
import { allowedByPattern, allowedByTag, type GuardRail } from './guard-rail.ts';
import type { OwnershipStore, TargetGroupPort } from './ports.ts';
import { batches, diffTargets, type RegisteredTarget } from './target-diff.ts';
import type { BindingSpec, Target } from './types.ts';
import { targetKey } from './types.ts';

/**
 * One reconcile of one binding (ARCHITECTURE §4): guard rail → desired targets → checkpoint →
 * diff against DescribeTargetHealth → deregister, then register, in batches of 200 → status.
 * The controller loop (informers, queue, backoff, leader election) calls this and writes the
 * result to the binding's status, Events and the pods' readiness gates.
 */

/** Why a reconcile could not converge; becomes the Ready condition's reason. */
export type FailureReason =
  | 'InvalidSpec'
  | 'ServiceNotFound'
  | 'PortNotFound'
  | 'NotANodePortService'
  | 'Forbidden'
  | 'TargetGroupNotFound'
  | 'AccessDenied'
  | 'TooManyTargets'
  | 'Throttled'
  | 'AwsError';

export interface ReconcileDeps {
  tg: TargetGroupPort;
  ownership: OwnershipStore;
  guard: GuardRail;
  /** Sorts an AWS failure (the adapter knows the SDK's error codes). */
  classify: (
    e: unknown,
  ) => Extract<FailureReason, 'TargetGroupNotFound' | 'AccessDenied' | 'TooManyTargets' | 'Throttled' | 'AwsError'>;
}

export interface ReconcileResult {
  ready: boolean;
  reason: 'Reconciled' | FailureReason;
  message: string;
  /** The checkpoint to keep: unchanged desired state next time means no AWS calls. */
  checkpoint: string | undefined;
  /** Registered targets by state after this pass (undefined when AWS was not asked). */
  states?: Record<string, number>;
  /** Every target after this pass with its state (read, with this pass's changes applied). */
  targets?: RegisteredTarget[];
  registered: number;
  deregistered: number;
  /** The targets this pass registered. */
  newTargets?: Target[];
  /** AWS calls this pass made. */
  calls: number;
  /** Retry after this long (errors, or gated pods still waiting for health). */
  requeueAfterMs?: number;
}

/** Pods waiting on a readiness gate are looked at again this often (the AWS controller uses 15 s). */
export const GATE_RECHECK_MS = 15_000;

export function checkpointOf(b: BindingSpec, desired: readonly Target[]): string {
  const key = JSON.stringify([
    b.targetGroupARN,
    b.targetType,
    Boolean(b.multiClusterTargetGroup),
    desired.map(targetKey),
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

export async function reconcileBinding(
  deps: ReconcileDeps,
  b: BindingSpec,
  desired: Desired,
  lastCheckpoint: string | undefined,
): Promise<ReconcileResult> {
  let calls = 0;
  const done = (r: Omit<ReconcileResult, 'calls'>): ReconcileResult => ({ ...r, calls });
  const fail = (reason: FailureReason, message: string, requeueAfterMs?: number) =>
    done({
      ready: false,
      reason,
      message,
      checkpoint: undefined,
      registered: 0,
      deregistered: 0,
      ...(requeueAfterMs ? { requeueAfterMs } : {}),
    });

  if (!allowedByPattern(b.targetGroupARN, deps.guard.allow)) {
    calls++;
    const tags = await deps.tg.tags(b.targetGroupARN).catch((e) => e as Error);
    if (tags instanceof Error || !allowedByTag(tags, deps.guard.cluster)) {
      return fail(
        'Forbidden',
        `target group ${b.targetGroupARN} is not allowed for cluster ${deps.guard.cluster}: it matches no --allow-target-group pattern and is not tagged cutover.dev/cluster=${deps.guard.cluster}`,
      );
    }
  }
  if (!desired.ok) return fail(desired.reason, desired.message);

  const checkpoint = checkpointOf(b, desired.targets);
  if (checkpoint === lastCheckpoint && desired.waitingOnGate.length === 0) {
    return done({
      ready: true,
      reason: 'Reconciled',
      message: 'unchanged',
      checkpoint,
      registered: 0,
      deregistered: 0,
    });
  }
  try {
    calls++;
    const current = await deps.tg.describeTargets(b.targetGroupARN);
    const shared = Boolean(b.multiClusterTargetGroup);
    const owned = shared ? await deps.ownership.load(b.name) : undefined;
    const changes = diffTargets(desired.targets, current, owned);
    if (shared && changes.register.length) {
      // Ownership is recorded before registering: if the response to RegisterTargets is lost,
      // the targets are still ours to deregister later, never leaked into the shared group.
      await deps.ownership.save(b.name, new Set([...owned!, ...changes.register.map(targetKey)]));
    }
    // Deregister first: a target group near its quota has room for the new targets.
    for (const batch of batches(changes.deregister)) {
      calls++;
      await deps.tg.deregister(b.targetGroupARN, batch);
    }
    for (const batch of batches(changes.register)) {
      calls++;
      await deps.tg.register(b.targetGroupARN, batch);
    }
    // Every desired target is this cluster's pod or node, so one already registered but missing
    // from the record (a ConfigMap lost or deleted) is adopted: else it would never be removed.
    const ownedNow = shared ? new Set([...owned!, ...desired.targets.map(targetKey)]) : undefined;
    for (const t of changes.deregister) ownedNow?.delete(targetKey(t));
    const recorded = new Set([...(owned ?? []), ...changes.register.map(targetKey)]);
    if (ownedNow && !sameSet(ownedNow, recorded)) await deps.ownership.save(b.name, ownedNow);
    // In a shared group the binding reports (and gates on) its own targets only: the other
    // cluster's and hand-registered ones are not its to count.
    const targets = afterChanges(current, desired.targets, changes.deregister).filter(
      (t) => !ownedNow || ownedNow.has(targetKey(t)),
    );
    const states: Record<string, number> = {};
    for (const t of targets) states[t.state] = (states[t.state] ?? 0) + 1;
    const counts = targetCounts(states);
    const n = desired.targets.length;
    return done({
      ready: true,
      reason: 'Reconciled',
      // Where the binding stands first (what a user checks), then what this pass changed.
      message: `${n} target${n === 1 ? '' : 's'} desired, ${counts.registered} registered (${counts.healthy} healthy); last pass registered ${changes.register.length}, deregistered ${changes.deregister.length}`,
      checkpoint,
      states,
      targets,
      newTargets: changes.register,
      registered: changes.register.length,
      deregistered: changes.deregister.length,
      // Look again soon while pods wait on the gate or targets are still being checked, so gates
      // and the status's healthy count follow the load balancer's verdict.
      ...(desired.waitingOnGate.length || states.initial ? { requeueAfterMs: GATE_RECHECK_MS } : {}),
    });
  } catch (e) {
    const reason = deps.classify(e);
    // The checkpoint is dropped on failure, so the next pass calls AWS again instead of trusting
    // a state that was never reached.
    return fail(
      reason,
      e instanceof Error ? e.message : String(e),
      reason === 'TargetGroupNotFound' ? 300_000 : undefined,
    );
  }
}

/**
 * The status's counts from targets by state: registered = every state but `draining` (on their
 * way out), healthy = `healthy`.
 */
export function targetCounts(states: Record<string, number>): { registered: number; healthy: number } {
  return {
    registered: Object.entries(states)
      .filter(([s]) => s !== 'draining')
      .reduce((a, [, n]) => a + n, 0),
    healthy: states.healthy ?? 0,
  };
}

/** The targets after the pass: what DescribeTargetHealth said, with this pass's changes applied. */
function afterChanges(
  current: readonly RegisteredTarget[],
  desired: readonly Target[],
  deregistered: readonly Target[],
): RegisteredTarget[] {
  const byKey = new Map(current.map((t) => [targetKey(t), { ...t }]));
  for (const t of deregistered) byKey.set(targetKey(t), { id: t.id, port: t.port, state: 'draining' });
  for (const t of desired) {
    const k = targetKey(t);
    if (!byKey.has(k) || byKey.get(k)!.state === 'draining') {
      byKey.set(k, { id: t.id, port: t.port, state: 'initial', reason: 'Elb.RegistrationInProgress' });
    }
  }
  return [...byKey.values()];
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}
