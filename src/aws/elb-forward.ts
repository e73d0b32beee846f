import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CutoverError, ExitCode } from '../errors.ts';
import { listenerArnOf } from '../spec/arn.ts';
import { checkClientRegion } from './clients.ts';
import { awsCall } from './errors.ts';
import { checkNewWeights, liveForward, withWeights } from './forward-action.ts';
import type { ForwardWeights, LiveForward, RouteRef, TargetGroupWeights } from './ports.ts';

/** Where a route's actions were read from, and so how they are written. */
interface RouteActions {
  actions: Action[];
  /** A listener, or a listener's default rule (IsDefault): both are written with ModifyListener. */
  writeVia: { op: 'ModifyListener'; listenerArn: string } | { op: 'ModifyRule'; ruleArn: string };
}

/**
 * ForwardWeights over ELBv2: DescribeListeners/DescribeRules to read, ModifyListener/ModifyRule to
 * write the whole action list back (see forward-action.ts for what is kept and why), then a
 * Describe again to verify.
 *
 * - A rule write sends only `RuleArn` and `Actions`: `Conditions` left out stay unchanged (API:
 *   "Any properties that you do not specify are unchanged"), so they are never resent.
 * - A default rule is never modified with ModifyRule (AWS refuses it: its actions are the
 *   listener's default actions); it is written with ModifyListener on its listener.
 * - Read-modify-write has no condition in ELBv2: a change someone makes to the other actions
 *   between our read and our write would be overwritten. The window is one round trip; the drift
 *   check before each write (drift.ts) catches weight changes, which are what others usually make.
 */
export class ElbForwardWeights implements ForwardWeights {
  constructor(private readonly elb: ElasticLoadBalancingV2Client) {}

  async readForward(route: RouteRef): Promise<LiveForward> {
    return liveForward(route, (await this.readActions(route)).actions);
  }

  async setWeights(route: RouteRef, weights: TargetGroupWeights): Promise<LiveForward> {
    checkNewWeights(route, weights);
    const current = await this.readActions(route);
    const next = withWeights(route, current.actions, weights);
    const ctx = { operation: current.writeVia.op, arn: route.arn, route: route.name };
    if (current.writeVia.op === 'ModifyListener') {
      const ListenerArn = current.writeVia.listenerArn;
      await awsCall(ctx, () => this.elb.send(new ModifyListenerCommand({ ListenerArn, DefaultActions: next })));
    } else {
      const RuleArn = current.writeVia.ruleArn;
      await awsCall(ctx, () => this.elb.send(new ModifyRuleCommand({ RuleArn, Actions: next })));
    }
    const readBack = await this.readForward(route);
    verifyWeights(route, liveForward(route, next).weights, readBack);
    return readBack;
  }

  /** The route's current action list, and how to write it. */
  async readActions(route: RouteRef): Promise<RouteActions> {
    await checkClientRegion(this.elb, [route.arn, ...Object.values(route.targetGroups)]);
    if (route.kind === 'listener') {
      const out = await awsCall({ operation: 'DescribeListeners', arn: route.arn, route: route.name }, () =>
        this.elb.send(new DescribeListenersCommand({ ListenerArns: [route.arn] })),
      );
      const listener = out.Listeners?.find((l) => l.ListenerArn === route.arn);
      if (!listener) throw notFound(route, 'E_AWS_LISTENER_NOT_FOUND', 'listener');
      return {
        actions: listener.DefaultActions ?? [],
        writeVia: { op: 'ModifyListener', listenerArn: route.arn },
      };
    }
    const out = await awsCall({ operation: 'DescribeRules', arn: route.arn, route: route.name }, () =>
      this.elb.send(new DescribeRulesCommand({ RuleArns: [route.arn] })),
    );
    const rule = out.Rules?.find((r) => r.RuleArn === route.arn);
    if (!rule) throw notFound(route, 'E_AWS_RULE_NOT_FOUND', 'rule');
    return {
      actions: rule.Actions ?? [],
      writeVia: rule.IsDefault
        ? { op: 'ModifyListener', listenerArn: listenerArnOf(route.arn) }
        : { op: 'ModifyRule', ruleArn: route.arn },
    };
  }
}

function notFound(route: RouteRef, code: string, what: string): CutoverError {
  return new CutoverError(code, `route "${route.name}": the ${what} was not in the Describe answer`, {
    value: route.arn,
    hint: `check the ${what} ARN in the rollout`,
  });
}

/** Every weight the write meant must be what the read-back shows. */
function verifyWeights(route: RouteRef, expected: TargetGroupWeights, readBack: LiveForward): void {
  const wrong = Object.entries(expected).filter(([arn, w]) => readBack.weights[arn] !== w);
  if (wrong.length === 0) return;
  const detail = wrong.map(([arn, w]) => `${arn}: wrote ${w}, read ${readBack.weights[arn] ?? 'nothing'}`);
  throw new CutoverError(
    'E_WEIGHTS_NOT_APPLIED',
    `route "${route.name}": the weights read back from ${route.arn} differ from those written (${detail.join('; ')})`,
    {
      value: readBack.weights,
      hint: 'someone else may be changing this listener at the same time; the run pauses so you can look',
      exitCode: ExitCode.internal,
    },
  );
}
