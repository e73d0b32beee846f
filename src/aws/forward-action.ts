import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CutoverError, showValue } from '../errors.ts';
import type { LiveForward, RouteRef, TargetGroupWeights } from './ports.ts';

/**
 * Pure work on a listener's or rule's action list: find the terminal forward action, read its
 * weights, and build the list to write back with new weights and everything else unchanged.
 *
 * ModifyListener/ModifyRule replace the whole list ("you must provide the entire list"), so the
 * write-back is the list as read, with only `ForwardConfig.TargetGroups[].Weight` changed, plus the
 * two adjustments the API needs to accept a list it returned:
 * - authenticate-oidc: Describe* never returns `ClientSecret`; a modify without it must say
 *   `UseExistingClientSecret: true`, and sending both is refused ("You cannot both specify a client
 *   secret and set UseExistingClientSecret to true", InvalidLoadBalancerAction — seen in
 *   ansible-collections/amazon.aws#1877). So the secret is dropped if present and the flag set.
 * - forward: Describe may show `TargetGroupArn` beside a one-group `ForwardConfig`; with several
 *   groups both together are refused, so only `ForwardConfig` is written (it carries every group).
 */

export const MAX_WEIGHT = 999;

/** The terminal action is the last one by `Order` (AWS requires it to be forward/redirect/fixed-response). */
function terminalIndex(actions: readonly Action[]): number {
  let best = -1;
  actions.forEach((a, i) => {
    if (best < 0 || (a.Order ?? 0) >= (actions[best]!.Order ?? 0)) best = i;
  });
  return best;
}

function describeRoute(route: RouteRef): string {
  return `route "${route.name}" (${route.kind} ${route.arn})`;
}

/** Index of the route's forward action in `actions`; a clear error when the route does not forward. */
export function forwardIndex(route: RouteRef, actions: readonly Action[]): number {
  const i = terminalIndex(actions);
  const terminal = actions[i];
  if (!terminal) {
    throw new CutoverError('E_ROUTE_NOT_FORWARD', `${describeRoute(route)} has no actions`, {
      value: route.arn,
      hint: 'the route must end in a forward action to the rollout target groups',
    });
  }
  if (terminal.Type !== 'forward') {
    throw new CutoverError(
      'E_ROUTE_NOT_FORWARD',
      `${describeRoute(route)} ends in a ${terminal.Type} action, not a forward, so it has no weights to shift`,
      {
        value: terminal.Type,
        hint: 'point the route at the listener or rule whose last action forwards to the per-cluster target groups',
      },
    );
  }
  return i;
}

/** The weights of a forward action, by target group ARN (a plain `TargetGroupArn` forward weighs 1). */
export function forwardWeights(action: Action): TargetGroupWeights {
  const groups = action.ForwardConfig?.TargetGroups ?? [];
  if (groups.length === 0 && action.TargetGroupArn) return { [action.TargetGroupArn]: 1 };
  const out: TargetGroupWeights = {};
  for (const g of groups) if (g.TargetGroupArn) out[g.TargetGroupArn] = g.Weight ?? 1;
  return out;
}

/** The live forward of a route, checking that every rollout target group is in it. */
export function liveForward(route: RouteRef, actions: readonly Action[]): LiveForward {
  const action = actions[forwardIndex(route, actions)]!;
  const weights = forwardWeights(action);
  const missing = Object.entries(route.targetGroups).filter(([, arn]) => !Object.hasOwn(weights, arn));
  if (missing.length > 0) {
    const names = missing.map(([cluster, arn]) => `${cluster} (${arn})`).join(', ');
    throw new CutoverError(
      'E_ROUTE_TARGET_GROUP_MISSING',
      `${describeRoute(route)} does not forward to the target group of ${names}; it forwards to ${Object.keys(weights).join(', ')}`,
      {
        value: Object.keys(weights),
        hint: 'add every cluster target group to the forward action first (weight 0 for the clusters not yet taking traffic), e.g. in Terraform/CloudFormation',
      },
    );
  }
  const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
  const stickiness =
    sticky?.DurationSeconds === undefined
      ? { enabled: sticky?.Enabled ?? false }
      : { enabled: sticky.Enabled ?? false, durationSeconds: sticky.DurationSeconds };
  return { route: route.name, kind: route.kind, arn: route.arn, weights, stickiness };
}

/** Checks new weights before any call: only the route's groups, integers 0–999. */
export function checkNewWeights(route: RouteRef, weights: TargetGroupWeights): void {
  const own = new Set(Object.values(route.targetGroups));
  for (const [arn, w] of Object.entries(weights)) {
    if (!own.has(arn)) {
      throw new CutoverError('E_WEIGHTS', `${describeRoute(route)}: ${arn} is not one of its target groups`, {
        value: arn,
        hint: `set weights only for ${[...own].join(', ')}`,
      });
    }
    if (!Number.isInteger(w) || w < 0 || w > MAX_WEIGHT) {
      throw new CutoverError('E_WEIGHTS', `${describeRoute(route)}: weight ${showValue(w)} for ${arn} is not valid`, {
        value: w,
        hint: `an ALB weight is an integer from 0 to ${MAX_WEIGHT}`,
      });
    }
  }
}

const clone = <T>(v: T): T => structuredClone(v);

/** The action list to write back: `actions` with the forward's weights replaced, nothing else changed. */
export function withWeights(route: RouteRef, actions: readonly Action[], weights: TargetGroupWeights): Action[] {
  checkNewWeights(route, weights);
  const at = forwardIndex(route, actions);
  const out = actions.map((a, i) => (i === at ? forwardWithWeights(a, weights) : writable(clone(a))));
  const total = Object.values(forwardWeights(out[at]!)).reduce((s, w) => s + w, 0);
  if (total === 0) {
    throw new CutoverError('E_WEIGHTS', `${describeRoute(route)}: every weight of the forward action would be 0`, {
      value: weights,
      hint: 'at least one target group must keep a weight above 0',
    });
  }
  return out;
}

function forwardWithWeights(action: Action, weights: TargetGroupWeights): Action {
  const current = forwardWeights(action);
  const groups = action.ForwardConfig?.TargetGroups?.length
    ? action.ForwardConfig.TargetGroups.map(clone)
    : Object.keys(current).map((arn) => ({ TargetGroupArn: arn, Weight: current[arn] }));
  for (const g of groups) {
    if (g.TargetGroupArn && Object.hasOwn(weights, g.TargetGroupArn)) g.Weight = weights[g.TargetGroupArn];
    else g.Weight ??= 1;
  }
  const { TargetGroupArn: _single, ...rest } = clone(action);
  return { ...rest, ForwardConfig: { ...rest.ForwardConfig, TargetGroups: groups } };
}

/** A non-forward action as it must be sent back (see the file comment for authenticate-oidc). */
function writable(action: Action): Action {
  if (action.Type === 'authenticate-oidc' && action.AuthenticateOidcConfig) {
    const { ClientSecret: _secret, ...config } = action.AuthenticateOidcConfig;
    return { ...action, AuthenticateOidcConfig: { ...config, UseExistingClientSecret: true } };
  }
  return action;
}
