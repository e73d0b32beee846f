import { asInt, asList, asString, checkRange, requireParam, violation } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { DESCRIPTIONS } from './health.ts';
import { checkLoadBalancerTargets, liveTargets } from './quotas.ts';
import { targetHealthShape } from './shapes.ts';
import type { Elbv2State } from './state.ts';
import { targetZone } from './target-address.ts';
import type { TargetGroupRecord, TargetRecord } from './types.ts';

interface TargetRef {
  id: string;
  port: number;
  zone?: string;
}

/** A target's identity is id + port; the port defaults to the group's (a port override must be repeated). */
function readTargets(tg: TargetGroupRecord, v: unknown): TargetRef[] {
  const targets = asList(v).map((t: any, i) => {
    const id = requireParam(asString(t?.Id), `targets.${i + 1}.member.id`);
    const at = `targets.${i + 1}.member.port`;
    const port = checkRange(at, asInt(t?.Port, at) ?? tg.port, 1, 65535);
    return { id, port, zone: asString(t?.AvailabilityZone) };
  });
  if (targets.length === 0) throw violation('targets', null, 'Member must not be null');
  return targets;
}

const keyOf = (id: string, port: number) => `${id}:${port}`;

/**
 * RegisterTargets: all targets are validated before any is registered. Registering a registered
 * target is a no-op; registering a draining one starts it afresh [U].
 */
export function registerTargets(s: Elbv2State, input: Record<string, any>) {
  const tg = s.tg(requireParam(asString(input.TargetGroupArn), 'targetGroupArn'));
  const refs = readTargets(tg, input.Targets).map((r) => ({
    ...r,
    zone: targetZone(tg.targetType, r.id, r.zone, s.addressPolicy),
  }));
  // A target named twice in one call is registered once.
  const unique = [...new Map(refs.map((r) => [keyOf(r.id, r.port), r])).values()];
  const fresh = unique.filter((r) => {
    const t = tg.targets.get(keyOf(r.id, r.port));
    return !t || t.state === 'draining';
  });
  // Draining targets do not count, so re-registering one adds one like a new target.
  const perGroup = s.quotas.targetsPerTargetGroup;
  const after = liveTargets(tg) + fresh.length;
  if (after > perGroup) {
    throw new AwsError(
      'TooManyTargets',
      `You've reached the limit on the number of targets per target group (${perGroup}): '${tg.arn}' would have ${after}`,
    );
  }
  const lbArn = s.loadBalancerOf(tg.arn);
  if (lbArn) checkLoadBalancerTargets(s.quotas, lbArn, s.groupsOf(lbArn), fresh.length);
  const now = s.clock.now();
  for (const r of fresh) {
    const key = keyOf(r.id, r.port);
    // Delete first so a re-registered target moves to the end, as a new registration.
    tg.targets.delete(key);
    const t: TargetRecord = {
      seq: s.nextSeq(),
      id: r.id,
      port: r.port,
      availabilityZone: r.zone,
      registeredAt: now,
      state: 'initial',
      passes: 0,
      failures: 0,
    };
    tg.targets.set(key, t);
    s.startTarget(tg, t);
    s.emitHealth(tg, t);
  }
  if (fresh.length) s.emit({ type: 'targets', targetGroupArn: tg.arn });
  return {};
}

/**
 * DeregisterTargets: known targets drain (or go at once); unknown ones are ignored — the API
 * reference: "If the specified target does not exist, the action returns successfully" (and a
 * target registered with a port override is unknown without that port, chaostoolkit-aws #60).
 */
export function deregisterTargets(s: Elbv2State, input: Record<string, any>) {
  const tg = s.tg(requireParam(asString(input.TargetGroupArn), 'targetGroupArn'));
  const refs = readTargets(tg, input.Targets);
  let changed = false;
  for (const r of refs) {
    const key = keyOf(r.id, r.port);
    const t = tg.targets.get(key);
    if (!t || t.state === 'draining') continue;
    s.stopTarget(tg, key, t);
    changed = true;
  }
  if (changed) s.emit({ type: 'targets', targetGroupArn: tg.arn });
  return {};
}

/**
 * DescribeTargetHealth: every registered and draining target in registration order, or the
 * targets asked for (an unknown one is `unused`/`Target.NotRegistered`).
 */
export function describeTargetHealth(s: Elbv2State, input: Record<string, any>) {
  const tg = s.tg(requireParam(asString(input.TargetGroupArn), 'targetGroupArn'));
  if (input.Targets === undefined || input.Targets === '' || asList(input.Targets).length === 0) {
    return { TargetHealthDescriptions: [...tg.targets.values()].map((t) => targetHealthShape(tg, t)) };
  }
  const out = readTargets(tg, input.Targets).map((r) => {
    const t = tg.targets.get(keyOf(r.id, r.port));
    if (t) return targetHealthShape(tg, t);
    const reason = 'Target.NotRegistered';
    return targetHealthShape(tg, { ...r, state: 'unused', reason, description: DESCRIPTIONS[reason] });
  });
  return { TargetHealthDescriptions: out };
}
