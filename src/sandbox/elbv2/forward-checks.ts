import { AwsError } from '../aws/errors.ts';
import type { Action } from './action-types.ts';
import { forwardTargetGroups } from './actions.ts';
import { checkLoadBalancerTargets } from './quotas.ts';
import type { Elbv2State } from './state.ts';

const MAX_TGS_PER_LB = 100;

/**
 * The checks of a forward action that need the world: every target group exists, speaks a
 * protocol an ALB can forward to, and belongs to no other load balancer; the load balancer stays
 * within 100 target groups. `replacing` is the rule whose actions are being replaced.
 */
export function checkForwardTargets(
  s: Elbv2State,
  actions: readonly Action[],
  lbArn: string,
  replacing?: string,
): void {
  const groups = forwardTargetGroups(actions);
  for (const g of groups) {
    const tg = s.targetGroups.get(g.targetGroupArn);
    if (!tg) throw new AwsError('TargetGroupNotFound', `Target group '${g.targetGroupArn}' not found`);
    if (tg.protocol !== 'HTTP' && tg.protocol !== 'HTTPS') {
      // [U] exact text.
      throw new AwsError(
        'IncompatibleProtocols',
        `The target group '${tg.arn}' uses protocol '${tg.protocol}', which is not compatible with an application load balancer`,
      );
    }
    const owner = s.loadBalancerOf(tg.arn);
    if (owner && owner !== lbArn) {
      throw new AwsError(
        'TargetGroupAssociationLimit',
        `The following target groups cannot be associated with more than one load balancer: ${tg.arn}`,
      );
    }
  }
  const used = new Set(groups.map((g) => g.targetGroupArn));
  for (const r of s.rules.values()) {
    if (r.arn === replacing || s.listeners.get(r.listenerArn)?.loadBalancerArn !== lbArn) continue;
    for (const g of forwardTargetGroups(r.actions)) used.add(g.targetGroupArn);
  }
  if (used.size > MAX_TGS_PER_LB) {
    throw new AwsError(
      'TooManyUniqueTargetGroupsPerLoadBalancer',
      `You've reached the limit on the number of unique target groups per load balancer (${MAX_TGS_PER_LB})`,
    );
  }
  // Attaching groups counts their targets against the load balancer's quota (TooManyTargets is
  // in ModifyListener's and ModifyRule's error lists).
  const records = [...used].map((arn) => s.targetGroups.get(arn)).filter((t) => t !== undefined);
  checkLoadBalancerTargets(s.quotas, lbArn, records);
  const fwd = actions.find((a) => a.type === 'forward');
  if (groups.length > 1 && fwd?.type === 'forward' && !fwd.stickiness.enabled) {
    const sticky = groups.find(
      (g) => s.targetGroups.get(g.targetGroupArn)?.attributes.get('stickiness.enabled') === 'true',
    );
    if (sticky) {
      // ALB-guide: group-level stickiness must be on when any group of a weighted forward is sticky. [U] code
      throw new AwsError(
        'InvalidLoadBalancerAction',
        `Target group stickiness must be enabled because target group '${sticky.targetGroupArn}' has sticky sessions enabled`,
      );
    }
  }
}
