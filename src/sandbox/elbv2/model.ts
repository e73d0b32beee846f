import { AwsError } from '../aws/errors.ts';
import { actionShape } from './action-shape.ts';
import { forwardTargetGroups } from './actions.ts';
import * as listeners from './ops-listeners.ts';
import * as lbs from './ops-load-balancers.ts';
import * as rules from './ops-rules.ts';
import * as tags from './ops-tags.ts';
import * as tgs from './ops-target-groups.ts';
import * as targets from './ops-targets.ts';
import { listenerShape, ruleShape } from './shapes.ts';
import { Elbv2State } from './state.ts';
import type { TargetView, WeightedTargetGroup } from './types.ts';

type Input = Record<string, any>;
type Op = (s: Elbv2State, input: Input) => Record<string, any>;

/** Every emulated ELBv2 operation, by its API name. */
export const ELBV2_OPERATIONS: Readonly<Record<string, Op>> = {
  CreateLoadBalancer: lbs.createLoadBalancer,
  DescribeLoadBalancers: lbs.describeLoadBalancers,
  DeleteLoadBalancer: lbs.deleteLoadBalancer,
  CreateListener: listeners.createListener,
  DescribeListeners: listeners.describeListeners,
  ModifyListener: listeners.modifyListener,
  DeleteListener: listeners.deleteListener,
  CreateRule: rules.createRule,
  DescribeRules: rules.describeRules,
  ModifyRule: rules.modifyRule,
  DeleteRule: rules.deleteRule,
  SetRulePriorities: rules.setRulePriorities,
  CreateTargetGroup: tgs.createTargetGroup,
  DescribeTargetGroups: tgs.describeTargetGroups,
  ModifyTargetGroup: tgs.modifyTargetGroup,
  DescribeTargetGroupAttributes: tgs.describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: tgs.modifyTargetGroupAttributes,
  DeleteTargetGroup: tgs.deleteTargetGroup,
  RegisterTargets: targets.registerTargets,
  DeregisterTargets: targets.deregisterTargets,
  DescribeTargetHealth: targets.describeTargetHealth,
  AddTags: tags.addTags,
  RemoveTags: tags.removeTags,
  DescribeTags: tags.describeTags,
};

/**
 * The ELBv2 fake: pure state over an injected clock, no HTTP. Operations take and return SDK
 * shapes (`call('ModifyListener', {...})`, or the typed helpers below); the world reads it through
 * the in-process API (`forwardTargets`, `targetsOf`, …) and follows changes with `onChange`.
 * Behaviour and deviations from AWS: README.md next to this file.
 */
export class Elbv2Model extends Elbv2State {
  /** Runs one API operation (health first brought up to the clock). Throws AwsError. */
  call(op: string, input: Input = {}): Record<string, any> {
    const fn = ELBV2_OPERATIONS[op];
    if (!fn) throw new AwsError('InvalidAction', `The action ${op} is not valid for this web service.`);
    this.sync();
    return fn(this, input);
  }

  // ---- direct helpers for building a world (SDK-shaped input, like the API) ---------------------

  createLoadBalancer(input: Input): { arn: string } {
    return { arn: this.call('CreateLoadBalancer', input).LoadBalancers[0].LoadBalancerArn };
  }
  createTargetGroup(input: Input): { arn: string } {
    return { arn: this.call('CreateTargetGroup', input).TargetGroups[0].TargetGroupArn };
  }
  createListener(input: Input): { arn: string; defaultRuleArn: string } {
    const arn: string = this.call('CreateListener', input).Listeners[0].ListenerArn;
    return { arn, defaultRuleArn: this.defaultRule(arn).arn };
  }
  createRule(input: Input): { arn: string } {
    return { arn: this.call('CreateRule', input).Rules[0].RuleArn };
  }
  registerTargets(
    targetGroupArn: string,
    targets: Array<{ Id: string; Port?: number; AvailabilityZone?: string }>,
  ): void {
    this.call('RegisterTargets', { TargetGroupArn: targetGroupArn, Targets: targets });
  }
  deregisterTargets(targetGroupArn: string, targets: Array<{ Id: string; Port?: number }>): void {
    this.call('DeregisterTargets', { TargetGroupArn: targetGroupArn, Targets: targets });
  }
  /**
   * Replaces the weights of the forward action of a listener's default rule (ModifyListener) or of
   * a rule (ModifyRule), keeping every other action, stickiness and order as they are.
   */
  setForwardWeights(listenerOrRuleArn: string, weights: WeightedTargetGroup[]): void {
    const rule = this.ruleFor(listenerOrRuleArn);
    const actions = rule.actions.map((a) => {
      if (a.type === 'forward') return actionShape({ ...a, targetGroups: weights.map((w) => ({ ...w })) });
      const shaped = actionShape(a);
      // Describe hides the OIDC secret; the round trip keeps the stored one, as a client must.
      if (a.type === 'authenticate-oidc')
        (shaped.AuthenticateOidcConfig as Record<string, unknown>).UseExistingClientSecret = true;
      return shaped;
    });
    if (rule.priority === 'default')
      this.call('ModifyListener', { ListenerArn: rule.listenerArn, DefaultActions: actions });
    else this.call('ModifyRule', { RuleArn: rule.arn, Actions: actions });
  }

  // ---- read API for the world's traffic model ---------------------------------------------------

  /** The forward action's target groups and weights of a listener (its default rule) or a rule. */
  forwardTargets(listenerOrRuleArn: string): WeightedTargetGroup[] {
    this.sync();
    return forwardTargetGroups(this.ruleFor(listenerOrRuleArn).actions);
  }
  /** SDK-shaped listeners of a load balancer, by port. */
  listenersOf(lbArn: string): Array<Record<string, any>> {
    return [...this.listeners.values()]
      .filter((l) => l.loadBalancerArn === lbArn)
      .sort((a, b) => a.port - b.port)
      .map((l) => listenerShape(this, l));
  }
  /** SDK-shaped rules of a listener, by priority, default rule last. */
  rulesOf(listenerArn: string): Array<Record<string, any>> {
    return this.rulesOfListener(listenerArn).map(ruleShape);
  }
  /** Every registered or draining target of a group, in registration order. */
  targetsOf(tgArn: string): TargetView[] {
    this.sync();
    return this.targetViews(this.tg(tgArn));
  }
  healthyTargets(tgArn: string): TargetView[] {
    return this.targetsOf(tgArn).filter((t) => t.state === 'healthy');
  }

  private ruleFor(listenerOrRuleArn: string) {
    if (this.listeners.has(listenerOrRuleArn)) return this.defaultRule(listenerOrRuleArn);
    return this.rule(listenerOrRuleArn);
  }
}
