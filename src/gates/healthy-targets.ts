import type { Verdict } from './verdict.ts';
import { showRate } from './verdict.ts';

/**
 * `healthyTargets` from a live DescribeTargetHealth snapshot of each of a cluster's target groups
 * (one per route). A target group passes when its healthy targets are at least `minRatio` of its
 * registered ones and at least `min`; the check passes when every target group does.
 * Registered = every target the snapshot lists except `draining` ones (being deregistered, they
 * take no new requests); healthy = state `healthy`. A target group with traffic and no registered
 * target fails: the cluster is serving nothing. A snapshot that could not be read is inconclusive.
 */

/** One TargetHealthDescription, reduced to what the check reads. */
export interface TargetHealthLike {
  id: string;
  port?: number;
  /** TargetHealth.State: initial | healthy | unhealthy | unused | draining | unavailable | …. */
  state: string;
}

/** A target group's snapshot, or why it could not be read. */
export interface TargetGroupHealth {
  /** Target group ARN. */
  arn: string;
  targets: TargetHealthLike[] | { error: string };
}

export function evaluateHealthyTargets(
  check: number,
  spec: { cluster: string; minRatio: number; min?: number },
  groups: TargetGroupHealth[],
): Verdict {
  const type = 'healthyTargets';
  const head = `${type} ${spec.cluster}`;
  const need = spec.min === undefined ? '' : ` and ≥ ${spec.min}`;
  if (groups.length === 0) {
    return {
      check,
      type,
      outcome: 'inconclusive',
      numbers: { threshold: spec.minRatio },
      description: `${head}: no target group snapshot inconclusive`,
    };
  }
  let healthy = 0;
  let registered = 0;
  const failing: string[] = [];
  for (const g of groups) {
    if (!Array.isArray(g.targets)) {
      return {
        check,
        type,
        outcome: 'inconclusive',
        numbers: { threshold: spec.minRatio },
        description: `${head} ${tgName(g.arn)} unreadable (${g.targets.error}) inconclusive`,
      };
    }
    const reg = g.targets.filter((t) => t.state !== 'draining');
    const ok = reg.filter((t) => t.state === 'healthy').length;
    healthy += ok;
    registered += reg.length;
    const short = reg.length === 0 || ok < spec.minRatio * reg.length || (spec.min !== undefined && ok < spec.min);
    if (short) failing.push(`${tgName(g.arn)} ${ok}/${reg.length}`);
  }
  const numbers = { healthy, registered, rate: registered > 0 ? healthy / registered : 0, threshold: spec.minRatio };
  const outcome = failing.length > 0 ? 'fail' : 'pass';
  const detail = failing.length > 0 ? `short: ${failing.join(', ')}` : `${healthy}/${registered} healthy`;
  return {
    check,
    type,
    outcome,
    numbers,
    description: `${head} ${detail}, need ≥ ${showRate(spec.minRatio)}${need} ${outcome}`,
  };
}

/** `web-green` from `arn:…:targetgroup/web-green/…`, for messages. */
function tgName(arn: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m ? m[1]! : arn;
}
