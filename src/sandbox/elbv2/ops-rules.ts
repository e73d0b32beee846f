import { asInt, asList, asString, checkRange, requireParam } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { id16, ruleArn } from '../ids.ts';
import { readActions } from './actions.ts';
import { readConditions } from './conditions.ts';
import { checkForwardTargets } from './forward-checks.ts';
import { paginate } from './pagination.ts';
import { ruleShape } from './shapes.ts';
import type { Elbv2State } from './state.ts';
import { applyTags, readTags } from './tags.ts';
import type { RuleRecord } from './types.ts';

const MAX_RULES_PER_LB = 100;

function readPriority(v: unknown, field = 'priority'): number {
  return checkRange(field, requireParam(asInt(v, field), field), 1, 50000);
}

function priorityInUse(s: Elbv2State, listenerArn: string, priority: number, except?: Set<string>): boolean {
  return s.rulesOfListener(listenerArn).some((r) => r.priority === priority && !except?.has(r.arn));
}

/** The deterministic ARN for a new rule; a moved rule may hold it, so then derive another one. */
function newRuleArn(s: Elbv2State, listenerArn: string, priority: number): string {
  let arn = ruleArn(listenerArn, priority);
  for (let n = 1; s.rules.has(arn); n++) {
    arn = `${arn.slice(0, arn.lastIndexOf('/'))}/${id16(`rule:${listenerArn}:${priority}:${n}`)}`;
  }
  return arn;
}

export function createRule(s: Elbv2State, input: Record<string, any>) {
  const listener = s.listener(requireParam(asString(input.ListenerArn), 'listenerArn'));
  const priority = readPriority(input.Priority);
  const conditions = readConditions(input.Conditions);
  const actions = readActions(input.Actions, 'actions', { listenerProtocol: listener.protocol });
  const tags = readTags(input.Tags);
  if (priorityInUse(s, listener.arn, priority))
    throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
  const count = [...s.rules.values()].filter(
    (r) => r.priority !== 'default' && s.listeners.get(r.listenerArn)?.loadBalancerArn === listener.loadBalancerArn,
  ).length;
  if (count >= MAX_RULES_PER_LB) {
    throw new AwsError(
      'TooManyRules',
      `You've reached the limit on the number of rules per load balancer (${MAX_RULES_PER_LB})`,
    );
  }
  checkForwardTargets(s, actions, listener.loadBalancerArn);
  const arn = newRuleArn(s, listener.arn, priority);
  const rule: RuleRecord = { arn, listenerArn: listener.arn, priority, conditions, actions, tags: new Map() };
  applyTags(rule.tags, tags, arn);
  s.rules.set(arn, rule);
  s.refreshUsage();
  s.emit({ type: 'actions', arn });
  return { Rules: [ruleShape(rule)] };
}

export function describeRules(s: Elbv2State, input: Record<string, any>) {
  const listenerArn = asString(input.ListenerArn);
  const arns = asList<string>(input.RuleArns).map(String);
  if (!listenerArn && arns.length === 0) {
    throw new AwsError('ValidationError', 'You must specify either listener ARN or rule ARNs');
  }
  if (!arns.length) s.listener(listenerArn!);
  const rules = arns.length ? arns.map((a) => s.rule(a)) : s.rulesOfListener(listenerArn!);
  const { page, NextMarker } = paginate(rules, input);
  return { Rules: page.map(ruleShape), NextMarker };
}

/**
 * ModifyRule: Conditions and Actions each replace the whole list when given; absent ones stay.
 * A default rule cannot be modified at all (tentez PR #32 quotes AWS: "OperationNotPermitted:
 * Default rule '<arn>' cannot be modified"); its actions change through ModifyListener.
 */
export function modifyRule(s: Elbv2State, input: Record<string, any>) {
  const rule = s.rule(requireParam(asString(input.RuleArn), 'ruleArn'));
  if (rule.priority === 'default') {
    throw new AwsError(
      'OperationNotPermitted',
      `Default rule '${rule.arn}' cannot be modified; change a listener's default actions with ModifyListener`,
    );
  }
  const listener = s.listener(rule.listenerArn);
  const conditions = input.Conditions !== undefined ? readConditions(input.Conditions) : undefined;
  const actions =
    input.Actions !== undefined
      ? readActions(input.Actions, 'actions', { listenerProtocol: listener.protocol, replacing: rule.actions })
      : undefined;
  if (actions) checkForwardTargets(s, actions, listener.loadBalancerArn, rule.arn);
  if (conditions) rule.conditions = conditions;
  if (actions) {
    rule.actions = actions;
    s.refreshUsage();
    s.emit({ type: 'actions', arn: rule.arn });
  }
  return { Rules: [ruleShape(rule)] };
}

export function deleteRule(s: Elbv2State, input: Record<string, any>) {
  const rule = s.rule(requireParam(asString(input.RuleArn), 'ruleArn'));
  if (rule.priority === 'default') {
    throw new AwsError(
      'OperationNotPermitted',
      `Default rule '${rule.arn}' cannot be deleted; delete the listener instead`,
    );
  }
  s.rules.delete(rule.arn);
  s.refreshUsage();
  s.emit({ type: 'resources' });
  return {};
}

/** SetRulePriorities: all-or-nothing; a priority may move between the rules given. */
export function setRulePriorities(s: Elbv2State, input: Record<string, any>) {
  const moves = asList(input.RulePriorities).map((p: any, i) => ({
    rule: s.rule(requireParam(asString(p?.RuleArn), `rulePriorities.${i + 1}.member.ruleArn`)),
    priority: readPriority(p?.Priority, `rulePriorities.${i + 1}.member.priority`),
  }));
  const moving = new Set(moves.map((m) => m.rule.arn));
  const seen = new Set<string>();
  for (const m of moves) {
    if (m.rule.priority === 'default')
      throw new AwsError('OperationNotPermitted', 'The priority of a default rule cannot be changed');
    const key = `${m.rule.listenerArn}:${m.priority}`;
    if (seen.has(key) || priorityInUse(s, m.rule.listenerArn, m.priority, moving)) {
      throw new AwsError('PriorityInUse', `Priority '${m.priority}' is currently in use`);
    }
    seen.add(key);
  }
  for (const m of moves) m.rule.priority = m.priority;
  s.emit({ type: 'resources' });
  return { Rules: moves.map((m) => ruleShape(m.rule)) };
}
