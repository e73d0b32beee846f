import { AwsError } from '../aws/errors.ts';
import type { TargetGroupRecord } from './types.ts';

/**
 * Target quotas (ALB-guide `load-balancer-limits`): "Targets per Application Load Balancer 1,000"
 * and "Targets per Target Group per Region (instances or IP addresses) 1,000", both adjustable —
 * so both are model settings. A target registered in two groups of one load balancer counts twice,
 * and draining targets do not count [U].
 */
export interface Elbv2Quotas {
  targetsPerLoadBalancer: number;
  targetsPerTargetGroup: number;
}

export const DEFAULT_QUOTAS: Elbv2Quotas = { targetsPerLoadBalancer: 1000, targetsPerTargetGroup: 1000 };

/** Registered (not draining) targets of a group. */
export function liveTargets(tg: TargetGroupRecord): number {
  let n = 0;
  for (const t of tg.targets.values()) if (t.state !== 'draining') n++;
  return n;
}

/** TooManyTargets when the groups a load balancer forwards to would hold more than its quota. */
export function checkLoadBalancerTargets(
  quotas: Elbv2Quotas,
  lbArn: string,
  groups: Iterable<TargetGroupRecord>,
  adding = 0,
): void {
  let total = adding;
  for (const g of groups) total += liveTargets(g);
  if (total > quotas.targetsPerLoadBalancer) {
    throw new AwsError(
      'TooManyTargets',
      `You've reached the limit on the number of targets per load balancer (${quotas.targetsPerLoadBalancer}): '${lbArn}' would have ${total}`,
    );
  }
}
