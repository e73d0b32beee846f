import { asBool, asInt, asList, asString, checkRange, violation } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { markQueryMap, QUERY_MAP } from '../aws/query.ts';

/**
 * Listener/rule actions: reading them from any protocol, validating them the way AWS does (as far
 * as it is documented), and normalising a forward action to the shape Describe* returns.
 */
const ACTION_TYPES = [
  'forward',
  'redirect',
  'fixed-response',
  'authenticate-oidc',
  'authenticate-cognito',
  'jwt-validation',
];
const TERMINAL = new Set(['forward', 'redirect', 'fixed-response']);
const MAX_TGS_PER_FORWARD = 5;

const INT_FIELDS = new Set(['Order', 'Weight', 'DurationSeconds', 'SessionTimeout']);
const BOOL_FIELDS = new Set(['Enabled', 'UseExistingClientSecret']);

/** Deep copy turning awsQuery strings into the numbers/booleans the SDK shapes declare. */
export function coerceAction(v: unknown, path = 'action'): any {
  if (Array.isArray(v)) return v.map((x, i) => coerceAction(x, `${path}.${i + 1}`));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v)) {
      if (INT_FIELDS.has(k)) out[k] = asInt(x, `${path}.${k}`);
      else if (BOOL_FIELDS.has(k)) out[k] = asBool(x, `${path}.${k}`);
      else out[k] = coerceAction(x, `${path}.${k}`);
    }
    if ((v as any)[QUERY_MAP]) markQueryMap(out);
    return out;
  }
  return v;
}

/** Deep copy preserving awsQuery map markers, so stored actions never alias caller objects. */
export function cloneDeep<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDeep) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneDeep(x);
    if ((v as any)[QUERY_MAP]) markQueryMap(out);
    return out as T;
  }
  return v;
}

/** The target groups an action list forwards to (all weights, including 0). */
export function forwardTargetGroups(actions: any[]): Array<{ targetGroupArn: string; weight: number }> {
  const fwd = actions.find((a) => a.Type === 'forward');
  if (!fwd) return [];
  return asList(fwd.ForwardConfig?.TargetGroups).map((t: any) => ({
    targetGroupArn: t.TargetGroupArn,
    weight: t.Weight,
  }));
}

/**
 * Validates an action list read with {@link coerceAction} and returns it normalised. `field` is
 * the request member (`defaultActions` or `actions`) used in ValidationError messages. Target
 * group existence/association is checked by the model, not here.
 */
export function normalizeActions(raw: unknown, field: string): any[] {
  const actions = asList(raw).map((a) => coerceAction(a, field));
  if (actions.length === 0) throw violation(field, '[]', 'Member must have length greater than or equal to 1');
  const orders = new Set<number>();
  actions.forEach((a, i) => {
    const at = `${field}.${i + 1}.member`;
    if (!ACTION_TYPES.includes(a.Type)) {
      throw violation(`${at}.type`, a.Type, `Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`);
    }
    if (a.Order !== undefined) {
      checkRange(`${at}.order`, a.Order, 1, 50000);
      if (orders.has(a.Order))
        throw new AwsError('ValidationError', `Action order '${a.Order}' was specified more than once`);
      orders.add(a.Order);
    }
  });
  if (actions.length > 1 && actions.some((a) => a.Order === undefined)) {
    // API: Order "is required for rules with multiple actions". [U] AWS's code/text.
    throw new AwsError(
      'ValidationError',
      'An action order must be specified for every action when there is more than one',
    );
  }
  const sorted = actions.length > 1 ? [...actions].sort((a, b) => a.Order - b.Order) : actions;
  const terminal = sorted.filter((a) => TERMINAL.has(a.Type));
  // [U] AWS's exact code/text for these two; InvalidLoadBalancerAction is in both operations' error lists.
  if (terminal.length !== 1) {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'Exactly one forward, redirect or fixed-response action must be specified',
    );
  }
  if (!TERMINAL.has(sorted[sorted.length - 1].Type)) {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'The forward, redirect or fixed-response action must be the last action',
    );
  }
  return sorted.map((a) =>
    a.Type === 'forward' ? normalizeForward(a, `${field}.${actions.indexOf(a) + 1}.member`) : a,
  );
}

function normalizeForward(a: any, at: string): any {
  const fc = a.ForwardConfig;
  const tuples: any[] = asList(fc?.TargetGroups);
  const arn = asString(a.TargetGroupArn) || undefined;
  if (!arn && tuples.length === 0) {
    throw new AwsError('ValidationError', 'A target group ARN must be specified for a forward action');
  }
  if (arn && fc && (tuples.length > 1 || (tuples.length === 1 && tuples[0].TargetGroupArn !== arn))) {
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
    if (t.Weight === undefined && tuples.length > 1) {
      // [U] "with more than one target group you must give every target group a weight" (ALB-guide).
      throw new AwsError('ValidationError', `A weight must be specified for target group '${tgArn}'`);
    }
    const weight = t.Weight ?? 1;
    if (weight < 0 || weight > 999) {
      throw violation(
        `${tat}.weight`,
        weight,
        `Member must have value ${weight < 0 ? 'greater than or equal to 0' : 'less than or equal to 999'}`,
      );
    }
    return { TargetGroupArn: tgArn, Weight: weight };
  });
  const seen = new Set<string>();
  for (const g of groups) {
    if (seen.has(g.TargetGroupArn)) {
      throw new AwsError(
        'ValidationError',
        `Target group '${g.TargetGroupArn}' was specified more than once in a forward action`,
      );
    }
    seen.add(g.TargetGroupArn);
  }
  if (groups.length > 1 && groups.every((g) => g.Weight === 0)) {
    // [U] undocumented; rejected as the best guess (the API reference does not say).
    throw new AwsError(
      'ValidationError',
      'At least one target group in a forward action must have a weight greater than 0',
    );
  }
  const sticky = fc?.TargetGroupStickinessConfig;
  const stickiness: Record<string, any> = { Enabled: sticky?.Enabled ?? false };
  if (stickiness.Enabled) {
    const d = sticky.DurationSeconds;
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
    stickiness.DurationSeconds = d;
  } else if (sticky?.DurationSeconds !== undefined) {
    stickiness.DurationSeconds = sticky.DurationSeconds;
  }
  const out: Record<string, any> = { Type: 'forward' };
  // [U] Describe shows TargetGroupArn next to ForwardConfig when there is exactly one group (moto does).
  if (groups.length === 1) out.TargetGroupArn = groups[0]!.TargetGroupArn;
  if (a.Order !== undefined) out.Order = a.Order;
  out.ForwardConfig = { TargetGroups: groups, TargetGroupStickinessConfig: stickiness };
  return out;
}
