/**
 * The Deployment controller's arithmetic, pure (k8s.io/kubernetes pkg/controller/deployment
 * rolling.go, recreate.go, util/deployment_util.go): how many replicas each ReplicaSet of a
 * Deployment should have next. https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */

export interface RsCount {
  /** `spec.replicas` of the ReplicaSet. */
  replicas: number;
  /** Its available pods (ready, not terminating; minReadySeconds is not modelled). */
  available: number;
  /** Its pods still existing, terminating ones included (Recreate waits for them). */
  pods: number;
}

/**
 * An int-or-percent (`maxSurge`/`maxUnavailable`) against the desired replicas, as
 * intstr.GetScaledValueFromIntOrPercent: a percentage rounds up for surge and down for unavailable.
 */
export function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** maxSurge and maxUnavailable of a RollingUpdate; both zero would deadlock, so unavailable becomes 1. */
export function surgeAndUnavailable(rollingUpdate: Record<string, unknown> | undefined, desired: number) {
  const maxSurge = scaled(rollingUpdate?.maxSurge ?? '25%', desired, true);
  let maxUnavailable = scaled(rollingUpdate?.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, desired) };
}

/**
 * One RollingUpdate step: the new ReplicaSet grows while the total stays within desired + maxSurge;
 * old ReplicaSets shrink (unhealthy replicas first, then oldest first) while at least
 * desired − maxUnavailable pods stay available; a step that scales the new ReplicaSet leaves the
 * old ones for the next. `old` is ordered oldest first. Returns the next `replicas` of the new and
 * of each old ReplicaSet.
 */
export function rollingStep(
  desired: number,
  strategy: { maxSurge: number; maxUnavailable: number },
  fresh: RsCount,
  old: readonly RsCount[],
): { fresh: number; old: number[] } {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  let next = fresh.replicas;
  const oldNext = old.map((r) => r.replicas);
  if (next > desired) next = desired;
  else if (next < desired) {
    const total = next + sum(oldNext);
    const room = desired + strategy.maxSurge - total;
    if (room > 0) next += Math.min(room, desired - next);
  }
  // Scaling the new ReplicaSet is one step; old ones are looked at in the next.
  if (next !== fresh.replicas || sum(oldNext) === 0) return { fresh: next, old: oldNext };
  const minAvailable = desired - strategy.maxUnavailable;
  const newUnavailable = Math.max(0, next - fresh.available);
  let budget = next + sum(oldNext) - minAvailable - newUnavailable;
  if (budget <= 0) return { fresh: next, old: oldNext };
  // Unhealthy old replicas go first: removing them costs no availability.
  old.forEach((r, i) => {
    if (budget <= 0) return;
    const unhealthy = Math.max(0, oldNext[i]! - r.available);
    const cut = Math.min(budget, unhealthy);
    oldNext[i]! -= cut;
    budget -= cut;
  });
  // Then available ones, while enough pods stay available.
  let spare = sum(old.map((r) => r.available)) + fresh.available - minAvailable;
  old.forEach((_, i) => {
    if (spare <= 0) return;
    const cut = Math.min(oldNext[i]!, spare);
    oldNext[i]! -= cut;
    spare -= cut;
  });
  return { fresh: next, old: oldNext };
}

/** One Recreate step: old ReplicaSets go to zero; the new one scales up once no old pod is left. */
export function recreateStep(desired: number, old: readonly RsCount[]): { fresh: number | undefined; old: number[] } {
  const oldPods = old.reduce((a, r) => a + r.pods, 0);
  return { fresh: oldPods === 0 ? desired : undefined, old: old.map(() => 0) };
}
