import { asBool, asInt, asList, asString, checkRange, violation } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { readCognito, readOidc } from './action-auth.ts';
import { missingConfig, readFixedResponse, readRedirect } from './action-configs.ts';
import type { Action, ActionType, ForwardAction, WeightedGroup } from './action-types.ts';

/**
 * Listener/rule actions: read once from whatever protocol into the typed model
 * (`action-types.ts`), validated the way AWS does as far as it is documented. Target group
 * existence and association need the world and are checked in `forward-checks.ts`.
 */
const ACTION_TYPES: ActionType[] = [
  'forward',
  'redirect',
  'fixed-response',
  'authenticate-oidc',
  'authenticate-cognito',
  'jwt-validation',
];
const TERMINAL = new Set<ActionType>(['forward', 'redirect', 'fixed-response']);
const AUTHENTICATE = new Set<ActionType>(['authenticate-oidc', 'authenticate-cognito', 'jwt-validation']);
const MAX_TGS_PER_FORWARD = 5;

export interface ActionContext {
  /** Protocol of the listener the actions are for (authenticate actions need HTTPS). */
  listenerProtocol: 'HTTP' | 'HTTPS';
  /** The actions being replaced (Modify*): where `UseExistingClientSecret` finds the secret. */
  replacing?: readonly Action[];
}

/** The target groups an action list forwards to (all weights, including 0). */
export function forwardTargetGroups(actions: readonly Action[]): WeightedGroup[] {
  const fwd = actions.find((a): a is ForwardAction => a.type === 'forward');
  return fwd ? fwd.targetGroups.map((g) => ({ ...g })) : [];
}

/** Authenticate actions are for HTTPS listeners only (API: "[HTTPS listeners]"). [U: code/text] */
export function checkListenerProtocol(actions: readonly Action[], protocol: 'HTTP' | 'HTTPS'): void {
  const auth = actions.find((a) => AUTHENTICATE.has(a.type));
  if (auth && protocol !== 'HTTPS') {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      `Actions of type '${auth.type}' are supported only on HTTPS listeners; the listener protocol is '${protocol}'`,
    );
  }
}

/**
 * Reads and validates an action list. `field` is the request member (`defaultActions` or
 * `actions`) used in ValidationError messages. Returned sorted by `Order`.
 */
export function readActions(raw: unknown, field: string, ctx: ActionContext): Action[] {
  const list = asList<Record<string, unknown>>(raw);
  if (list.length === 0) throw violation(field, '[]', 'Member must have length greater than or equal to 1');
  const orders = new Set<number>();
  const actions = list.map((a, i) => {
    const at = `${field}.${i + 1}.member`;
    const type = asString(a?.Type) as ActionType;
    if (!ACTION_TYPES.includes(type)) {
      throw violation(`${at}.type`, type ?? null, `Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`);
    }
    const order = asInt(a.Order, `${at}.order`);
    if (order !== undefined) {
      checkRange(`${at}.order`, order, 1, 50000);
      if (orders.has(order))
        throw new AwsError('ValidationError', `Action order '${order}' was specified more than once`);
      orders.add(order);
    }
    return readAction(type, a, at, order, ctx);
  });
  if (actions.length > 1 && actions.some((a) => a.order === undefined)) {
    // API: Order "is required for rules with multiple actions". [U] AWS's code/text.
    throw new AwsError(
      'ValidationError',
      'An action order must be specified for every action when there is more than one',
    );
  }
  const sorted = actions.length > 1 ? [...actions].sort((a, b) => a.order! - b.order!) : actions;
  // [U] AWS's exact code/text for these two; InvalidLoadBalancerAction is in every operation's error list.
  if (sorted.filter((a) => TERMINAL.has(a.type)).length !== 1) {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'Exactly one forward, redirect or fixed-response action must be specified',
    );
  }
  if (!TERMINAL.has(sorted[sorted.length - 1]!.type)) {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'The forward, redirect or fixed-response action must be the last action',
    );
  }
  checkListenerProtocol(sorted, ctx.listenerProtocol);
  return sorted;
}

function readAction(
  type: ActionType,
  a: Record<string, any>,
  at: string,
  order: number | undefined,
  ctx: ActionContext,
): Action {
  const o = order === undefined ? {} : { order };
  switch (type) {
    case 'forward':
      return { type, ...o, ...readForward(a, at) };
    case 'redirect':
      return { type, ...o, config: readRedirect(a.RedirectConfig, `${at}.redirectConfig`, ctx.listenerProtocol) };
    case 'fixed-response':
      return { type, ...o, config: readFixedResponse(a.FixedResponseConfig, `${at}.fixedResponseConfig`) };
    case 'authenticate-oidc': {
      const existing = ctx.replacing?.find((x) => x.type === 'authenticate-oidc');
      return {
        type,
        ...o,
        config: readOidc(a.AuthenticateOidcConfig, `${at}.authenticateOidcConfig`, {
          modifying: ctx.replacing !== undefined,
          existingSecret: existing?.type === 'authenticate-oidc' ? existing.config.clientSecret : undefined,
        }),
      };
    }
    case 'authenticate-cognito':
      return { type, ...o, config: readCognito(a.AuthenticateCognitoConfig, `${at}.authenticateCognitoConfig`) };
    case 'jwt-validation':
      if (!a.JwtValidationConfig) throw missingConfig('jwt-validation', 'JwtValidationConfig');
      return { type, ...o, config: structuredClone(a.JwtValidationConfig) };
  }
}

function readForward(a: Record<string, any>, at: string): Omit<ForwardAction, 'type' | 'order'> {
  const fc = a.ForwardConfig as Record<string, any> | undefined;
  const tuples = asList<Record<string, unknown>>(fc?.TargetGroups);
  const arn = asString(a.TargetGroupArn) || undefined;
  if (!arn && tuples.length === 0) {
    throw new AwsError('ValidationError', 'A target group ARN must be specified for a forward action');
  }
  if (arn && fc && (tuples.length > 1 || (tuples.length === 1 && asString(tuples[0]!.TargetGroupArn) !== arn))) {
    // SDK doc: with both, ForwardConfig may hold only one TG and it must be the same ARN. [U] code
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'When both TargetGroupArn and ForwardConfig are specified, ForwardConfig must hold exactly that one target group',
    );
  }
  if (tuples.length > MAX_TGS_PER_FORWARD) {
    // [U] which code AWS uses for a sixth target group; the quota itself is documented.
    throw violation(
      `${at}.forwardConfig.targetGroups`,
      `${tuples.length} target groups`,
      'Member must have length less than or equal to 5',
    );
  }
  const groups = (tuples.length ? tuples : [{ TargetGroupArn: arn }]).map((t, i) => {
    const tat = `${at}.forwardConfig.targetGroups.${i + 1}.member`;
    const tgArn = asString(t.TargetGroupArn);
    if (!tgArn) throw violation(`${tat}.targetGroupArn`, null, 'Member must not be null');
    const given = asInt(t.Weight, `${tat}.weight`);
    if (given === undefined && tuples.length > 1) {
      // ALB-guide: "with more than one target group you must give every target group a weight". [U] code
      throw new AwsError('ValidationError', `A weight must be specified for target group '${tgArn}'`);
    }
    const weight = given ?? 1;
    if (weight < 0 || weight > 999) {
      const bound = weight < 0 ? 'greater than or equal to 0' : 'less than or equal to 999';
      throw violation(`${tat}.weight`, weight, `Member must have value ${bound}`);
    }
    return { targetGroupArn: tgArn, weight };
  });
  const seen = new Set<string>();
  for (const g of groups) {
    if (seen.has(g.targetGroupArn)) {
      throw new AwsError(
        'ValidationError',
        `Target group '${g.targetGroupArn}' was specified more than once in a forward action`,
      );
    }
    seen.add(g.targetGroupArn);
  }
  if (groups.every((g) => g.weight === 0)) {
    // [U] Undocumented. Rejected whatever the number of groups: a forward that can route nowhere
    // is refused rather than quietly sending traffic to a weight-0 group.
    throw new AwsError(
      'ValidationError',
      `At least one target group in a forward action must have a weight greater than 0; got weights [${groups.map((g) => g.weight).join(', ')}]`,
    );
  }
  return { targetGroups: groups, stickiness: readStickiness(fc?.TargetGroupStickinessConfig, at) };
}

function readStickiness(raw: Record<string, unknown> | undefined, at: string): ForwardAction['stickiness'] {
  const enabled = asBool(raw?.Enabled, `${at}.forwardConfig.targetGroupStickinessConfig.enabled`) ?? false;
  const d = asInt(raw?.DurationSeconds, `${at}.forwardConfig.targetGroupStickinessConfig.durationSeconds`);
  if (enabled) {
    if (d === undefined)
      throw new AwsError(
        'ValidationError',
        'DurationSeconds must be specified when target group stickiness is enabled',
      );
    if (d < 1 || d > 604800) {
      throw violation(
        `${at}.forwardConfig.targetGroupStickinessConfig.durationSeconds`,
        d,
        'Member must have value between 1 and 604800',
      );
    }
  }
  return d === undefined ? { enabled } : { enabled, durationSeconds: d };
}
