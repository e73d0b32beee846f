import { formatPercent } from '../spec/percent.ts';
import type { CheckSpec, GatesSpec } from '../spec/types.ts';

/** Gate checks in words, and which of them can judge a given traffic split. */

/** A gate threshold (a fraction) for people, to 3 decimals of a percent: 0.005 → `0.5%`. */
const pct = (fraction: number) => formatPercent(fraction, 3);

/** `target5xxRate green ≤ 1% (min 300 requests)` and the like. */
export function describeCheck(c: CheckSpec): string {
  switch (c.type) {
    case 'target5xxRate':
      return `target5xxRate ${c.cluster} ≤ ${pct(c.max)} (min ${c.minRequests} requests)`;
    case 'elb5xxRate':
      return `elb5xxRate (load balancer) ≤ ${pct(c.max)} (min ${c.minRequests} requests)`;
    case 'healthyTargets':
      return `healthyTargets ${c.cluster} ≥ ${pct(c.minRatio)} of registered${c.min === undefined ? '' : ` and ≥ ${c.min}`}`;
    case 'compare5xx':
      return (
        `compare5xx ${c.candidate} vs ${c.baseline}: 5xx rate ≤ ${c.baseline}'s + ${pct(c.maxIncrease)} ` +
        `(${pct(c.confidence)} confidence, min ${c.minRequests} requests)`
      );
    case 'alarm':
      return `alarm ${c.names.join(', ')} not in ALARM (rolls back at once)`;
  }
}

/**
 * Why a check cannot judge traffic split as `shares` (percent per cluster), or undefined when it
 * can. A cluster with no traffic has no request metrics and its target group is unused, so
 * checks about it — or comparisons with it — have nothing to say; load-balancer-wide checks and
 * alarms always apply.
 */
export function whyNotApplicable(c: CheckSpec, shares: Record<string, number>): string | undefined {
  // Own keys only: a cluster may be called `constructor`.
  const idle = (cluster: string) => !(Object.hasOwn(shares, cluster) && shares[cluster]! > 0);
  switch (c.type) {
    case 'target5xxRate':
    case 'healthyTargets':
      return idle(c.cluster)
        ? `${c.cluster} has no traffic; a cluster's checks apply only while it has some`
        : undefined;
    case 'compare5xx': {
      const none = [c.baseline, c.candidate].filter(idle);
      if (none.length === 0) return undefined;
      const has = none.length === 1 ? `${none[0]} has none` : 'neither has any';
      return `compare5xx needs traffic on both ${c.baseline} and ${c.candidate}; ${has}`;
    }
    case 'elb5xxRate':
    case 'alarm':
      return undefined;
  }
}

/** Whether a check can judge traffic split as `shares` (see whyNotApplicable). */
export function checkApplies(c: CheckSpec, shares: Record<string, number>): boolean {
  return whyNotApplicable(c, shares) === undefined;
}

/** Indexes (into gates.checks) of the checks that apply at `shares`. */
export function applicableChecks(gates: GatesSpec, shares: Record<string, number>): number[] {
  return gates.checks.flatMap((c, i) => (checkApplies(c, shares) ? [i] : []));
}
