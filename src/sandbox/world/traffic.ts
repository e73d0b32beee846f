import { addLatency, type LbMinute } from './metrics.ts';
import { binomial, multinomial, type Random } from './prng.ts';

/**
 * Routes one sub-step's requests for one listener rule, the way an ALB does, in aggregate (counts
 * are sampled, requests are never simulated one by one):
 *   requests ─(forward weights)─► target groups ─► the group's healthy targets, evenly;
 *   no healthy target: all registered (non-draining) targets — ALB fails open;
 *   no registered target: the ELB answers 503 itself.
 * Each target then answers by what is behind its address: a serving pod (its own error rate and
 * latency), a pod whose app has not started (connection refused → ELB 502), or nothing (→ ELB 504).
 */

export interface TargetState {
  id: string;
  port: number;
  state: 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | string;
}

export type Backend =
  | { kind: 'serving'; errorRate: number; latencyMs: number }
  | { kind: 'refused' }
  | { kind: 'gone' };

export interface RouteContext {
  rng: Random;
  targetsOf(tgArn: string): readonly TargetState[];
  backend(ip: string, port: number): Backend;
  minute: LbMinute;
}

/** Targets a group sends new requests to: healthy ones, else (fail-open) every non-draining one. */
export function routableTargets(targets: readonly TargetState[]): readonly TargetState[] {
  const healthy = targets.filter((t) => t.state === 'healthy');
  if (healthy.length) return healthy;
  return targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
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
  const targets = routableTargets(ctx.targetsOf(tgArn));
  if (targets.length === 0) {
    m.counts.elb503 += n;
    return;
  }
  const g = m.group(tgArn);
  const perTarget = multinomial(
    ctx.rng,
    n,
    targets.map(() => 1),
  );
  targets.forEach((t, i) => {
    const k = perTarget[i] as number;
    if (k === 0) return;
    m.counts.requests += k;
    g.counts.requests += k;
    const b = ctx.backend(t.id, t.port);
    if (b.kind === 'serving') {
      const errors = binomial(ctx.rng, k, b.errorRate);
      m.counts.target5xx += errors;
      g.counts.target5xx += errors;
      m.counts.target2xx += k - errors;
      g.counts.target2xx += k - errors;
      addLatency(m.latency, b.latencyMs, k);
      addLatency(g.latency, b.latencyMs, k);
    } else if (b.kind === 'refused') {
      m.counts.elb502 += k;
    } else {
      m.counts.elb504 += k;
    }
  });
}
