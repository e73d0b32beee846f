import { underLoad } from './capacity.ts';
import { addLatency, type LbMinute } from './metrics.ts';
import { binomial, multinomial, type Random } from './prng.ts';

/**
 * Routes one sub-step's requests for one listener rule, the way an ALB does, in aggregate (counts
 * are sampled, requests are never simulated one by one):
 *   requests ─(forward weights)─► target groups ─► the group's healthy targets, evenly;
 *   no healthy target: all registered (non-draining) targets — ALB fails open;
 *   no registered target: the ELB answers 503 itself.
 * Each target then answers by what is behind its address: a serving pod (its own error rate and
 * latency, under its load — capacity.ts), a pod whose app has not started (connection refused →
 * ELB 502), or nothing (→ ELB 504).
 *
 * Targets that answer alike are one class of a group's plan (groupPlan), so a sub-step costs one
 * multinomial draw over the classes per group, not one per target: requests spread evenly over
 * targets make each class's count multinomial with the class sizes as weights, and a class's errors
 * binomial — the same distribution as drawing per target.
 */

export interface TargetState {
  id: string;
  port: number;
  state: 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | string;
}

export type Backend =
  | { kind: 'serving'; errorRate: number; latencyMs: number; capacityRps?: number | undefined }
  | { kind: 'refused' }
  | { kind: 'gone' };

/** Routable targets of a group that answer alike. */
export type TargetClass = Backend & { targets: number };

/** A group's targets as traffic and host counts need them; rebuilt only when targets, health or pods change. */
export interface GroupPlan {
  classes: TargetClass[];
  /** Targets new requests go to (healthy, else every non-draining one). */
  routable: number;
  healthy: number;
  unhealthy: number;
  /** Registered and not draining. */
  registered: number;
}

export interface RouteContext {
  rng: Random;
  plan(tgArn: string): GroupPlan;
  minute: LbMinute;
  /** Sub-step length in seconds (a pod's load is its requests per second). */
  stepSeconds: number;
}

/** Targets a group sends new requests to: healthy ones, else (fail-open) every non-draining one. */
export function routableTargets(targets: readonly TargetState[]): readonly TargetState[] {
  const healthy = targets.filter((t) => t.state === 'healthy');
  if (healthy.length) return healthy;
  return targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
}

/** A group's plan from its targets and what answers behind each address. */
export function groupPlan(targets: readonly TargetState[], backend: (ip: string, port: number) => Backend): GroupPlan {
  let healthy = 0;
  let unhealthy = 0;
  let registered = 0;
  for (const t of targets) {
    if (t.state === 'healthy') healthy++;
    else if (t.state === 'unhealthy') unhealthy++;
    if (t.state !== 'draining') registered++;
  }
  const routable = routableTargets(targets);
  const byKey = new Map<string, TargetClass>();
  for (const t of routable) {
    const b = backend(t.id, t.port);
    const key = b.kind === 'serving' ? `s:${b.errorRate}:${b.latencyMs}:${b.capacityRps}` : b.kind;
    const c = byKey.get(key);
    if (c) c.targets++;
    else byKey.set(key, { ...b, targets: 1 });
  }
  return { classes: [...byKey.values()], routable: routable.length, healthy, unhealthy, registered };
}

export function routeRequests(
  ctx: RouteContext,
  requests: number,
  forward: readonly { targetGroupArn: string; weight: number }[],
): void {
  if (requests <= 0 || forward.length === 0) return;
  // A group at weight 0 gets nothing (an all-zero forward is refused by the API; should one
  // appear anyway, the ELB answers 503 itself rather than spreading requests evenly [U]).
  const weighted = forward.filter((f) => f.weight > 0);
  if (weighted.length === 0) {
    ctx.minute.counts.elb503 += requests;
    return;
  }
  if (weighted.length === 1) {
    routeToGroup(ctx, (weighted[0] as { targetGroupArn: string }).targetGroupArn, requests);
    return;
  }
  const perGroup = multinomial(
    ctx.rng,
    requests,
    weighted.map((f) => f.weight),
  );
  weighted.forEach((f, i) => {
    const n = perGroup[i] as number;
    if (n > 0) routeToGroup(ctx, f.targetGroupArn, n);
  });
}

function routeToGroup(ctx: RouteContext, tgArn: string, n: number): void {
  const m = ctx.minute;
  const plan = ctx.plan(tgArn);
  if (plan.routable === 0) {
    m.counts.elb503 += n;
    return;
  }
  const g = m.group(tgArn);
  const { classes } = plan;
  const perClass =
    classes.length === 1
      ? [n]
      : multinomial(
          ctx.rng,
          n,
          classes.map((c) => c.targets),
        );
  classes.forEach((c, i) => {
    const k = perClass[i] as number;
    if (k === 0) return;
    m.counts.requests += k;
    g.counts.requests += k;
    if (c.kind === 'serving') {
      const load = underLoad(c.errorRate, c.latencyMs, k / c.targets / ctx.stepSeconds, c.capacityRps);
      const errors = binomial(ctx.rng, k, load.errorRate);
      m.counts.target5xx += errors;
      g.counts.target5xx += errors;
      m.counts.target2xx += k - errors;
      g.counts.target2xx += k - errors;
      // Rounded to 0.1 ms so a minute under varying load keeps a short list of distinct means.
      const latency = c.capacityRps === undefined ? c.latencyMs : Math.round(load.latencyMs * 10) / 10;
      addLatency(m.latency, latency, k);
      addLatency(g.latency, latency, k);
    } else if (c.kind === 'refused') {
      m.counts.elb502 += k;
    } else {
      m.counts.elb504 += k;
    }
  });
}
