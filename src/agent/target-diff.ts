import type { Target } from './types.ts';
import { targetKey } from './types.ts';

/** ELBv2 takes at most this many targets per RegisterTargets/DeregisterTargets call. */
export const TARGET_BATCH = 200;

export interface RegisteredTarget {
  id: string;
  port: number;
  state: string;
  reason?: string;
  description?: string;
}

export interface TargetChanges {
  register: Target[];
  deregister: Target[];
}

/**
 * What to change so the target group holds exactly the desired targets (pure). Draining targets
 * are already on their way out and count as absent (registering one again is how a pod that came
 * back is re-added). With a shared target group (`owned` given) only targets this cluster
 * registered are ever deregistered: another cluster's targets are not ours to remove.
 */
export function diffTargets(
  desired: readonly Target[],
  current: readonly RegisteredTarget[],
  owned?: ReadonlySet<string>,
): TargetChanges {
  const live = new Map(current.filter((t) => t.state !== 'draining').map((t) => [targetKey(t), t]));
  const want = new Map(desired.map((t) => [targetKey(t), t]));
  const register = [...want].filter(([k]) => !live.has(k)).map(([, t]) => t);
  const deregister = [...live]
    .filter(([k]) => !want.has(k) && (owned === undefined || owned.has(k)))
    .map(([, t]) => ({ id: t.id, port: t.port }));
  return { register, deregister };
}

/** Splits a list into ELBv2-sized calls. */
export function batches<T>(list: readonly T[], size = TARGET_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
