import { asBool, asInt, asList, asString, checkRange, requireParam, violation } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { targetGroupArn } from '../ids.ts';
import { validateName } from './ops-load-balancers.ts';
import { paginate } from './pagination.ts';
import { defaultAttributes, defaultHealthCheck, validateAttribute, validateHealthCheck } from './settings.ts';
import { targetGroupShape } from './shapes.ts';
import type { Elbv2State } from './state.ts';
import { applyTags, readTags } from './tags.ts';
import type { HealthCheckSettings, TargetGroupRecord, TargetType } from './types.ts';

/** The model's ProtocolEnum; GENEVE/QUIC groups are refused as not emulated. */
const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE', 'QUIC', 'TCP_QUIC'];
const EMULATED_PROTOCOLS = PROTOCOLS.slice(0, 6);
const MAX_TARGET_GROUPS = 3000;

/** Health-check settings given in a Create/ModifyTargetGroup request, merged over `base`. */
function mergeHealthCheck(base: HealthCheckSettings, input: Record<string, any>): HealthCheckSettings {
  return {
    protocol: (asString(input.HealthCheckProtocol) as HealthCheckSettings['protocol']) ?? base.protocol,
    port: asString(input.HealthCheckPort) ?? base.port,
    enabled: asBool(input.HealthCheckEnabled, 'healthCheckEnabled') ?? base.enabled,
    path: asString(input.HealthCheckPath) ?? base.path,
    intervalSeconds: asInt(input.HealthCheckIntervalSeconds, 'healthCheckIntervalSeconds') ?? base.intervalSeconds,
    timeoutSeconds: asInt(input.HealthCheckTimeoutSeconds, 'healthCheckTimeoutSeconds') ?? base.timeoutSeconds,
    healthyThreshold: asInt(input.HealthyThresholdCount, 'healthyThresholdCount') ?? base.healthyThreshold,
    unhealthyThreshold: asInt(input.UnhealthyThresholdCount, 'unhealthyThresholdCount') ?? base.unhealthyThreshold,
    matcher: asString(input.Matcher?.HttpCode) ?? base.matcher,
  };
}

/** CreateTargetGroup: ip/instance groups; idempotent for the same name, protocol, port and type. */
export function createTargetGroup(s: Elbv2State, input: Record<string, any>) {
  const name = requireParam(asString(input.Name), 'name');
  validateName('target group', name);
  const targetType = (asString(input.TargetType) ?? 'instance') as TargetType;
  if (targetType !== 'ip' && targetType !== 'instance') {
    throw new AwsError('ValidationError', `Target type '${targetType}' is not emulated; use 'ip' or 'instance'`);
  }
  const protocol = requireParam(asString(input.Protocol), 'protocol');
  if (!PROTOCOLS.includes(protocol)) {
    throw violation('protocol', protocol, `Member must satisfy enum value set: [${PROTOCOLS.join(', ')}]`);
  }
  if (!EMULATED_PROTOCOLS.includes(protocol)) {
    throw new AwsError('ValidationError', `Target group protocol '${protocol}' is not emulated`);
  }
  const port = checkRange('port', requireParam(asInt(input.Port, 'port'), 'port'), 1, 65535);
  const arn = targetGroupArn(s.arnContext, name);
  const existing = s.targetGroups.get(arn);
  if (existing) {
    if (existing.protocol !== protocol || existing.port !== port || existing.targetType !== targetType) {
      throw new AwsError('DuplicateTargetGroupName', `A target group with the name '${name}' already exists`);
    }
    return { TargetGroups: [targetGroupShape(s, existing)] };
  }
  if (s.targetGroups.size >= MAX_TARGET_GROUPS) {
    throw new AwsError(
      'TooManyTargetGroups',
      `You've reached the limit on the number of target groups (${MAX_TARGET_GROUPS})`,
    );
  }
  const healthCheck = mergeHealthCheck(defaultHealthCheck(protocol), input);
  validateHealthCheck(healthCheck, targetType, protocol);
  const tags = readTags(input.Tags);
  const tg: TargetGroupRecord = {
    arn,
    name,
    protocol,
    port,
    vpcId: asString(input.VpcId) ?? s.vpcId,
    targetType,
    healthCheck,
    attributes: defaultAttributes(),
    tags: new Map(),
    createdAt: s.clock.now(),
    seq: s.nextSeq(),
    targets: new Map(),
  };
  applyTags(tg.tags, tags, arn);
  s.targetGroups.set(arn, tg);
  s.emit({ type: 'resources' });
  return { TargetGroups: [targetGroupShape(s, tg)] };
}

export function describeTargetGroups(s: Elbv2State, input: Record<string, any>) {
  const lbArn = asString(input.LoadBalancerArn);
  const arns = asList<string>(input.TargetGroupArns).map(String);
  const names = asList<string>(input.Names).map(String);
  let tgs = [...s.targetGroups.values()];
  if (arns.length) {
    const missing = arns.filter((a) => !s.targetGroups.has(a));
    if (missing.length) throw new AwsError('TargetGroupNotFound', `Target groups '[${missing.join(', ')}]' not found`);
    tgs = arns.map((a) => s.targetGroups.get(a)!);
  } else if (names.length) {
    const missing = names.filter((n) => !tgs.some((t) => t.name === n));
    if (missing.length)
      throw new AwsError('TargetGroupNotFound', `One or more target groups not found: '[${missing.join(', ')}]'`);
    tgs = names.map((n) => tgs.find((t) => t.name === n)!);
  }
  if (lbArn) {
    s.lb(lbArn);
    tgs = tgs.filter((t) => s.loadBalancerOf(t.arn) === lbArn);
  }
  const { page, NextMarker } = paginate(tgs, input);
  return { TargetGroups: page.map((t) => targetGroupShape(s, t)), NextMarker };
}

/** ModifyTargetGroup: health-check settings; the next checks use them. */
export function modifyTargetGroup(s: Elbv2State, input: Record<string, any>) {
  const tg = s.tg(requireParam(asString(input.TargetGroupArn), 'targetGroupArn'));
  const next = mergeHealthCheck(tg.healthCheck, input);
  validateHealthCheck(next, tg.targetType, tg.protocol);
  tg.healthCheck = next;
  s.emit({ type: 'attributes', targetGroupArn: tg.arn });
  return { TargetGroups: [targetGroupShape(s, tg)] };
}

const attributeList = (tg: TargetGroupRecord) => [...tg.attributes].map(([Key, Value]) => ({ Key, Value }));

export function describeTargetGroupAttributes(s: Elbv2State, input: Record<string, any>) {
  const tg = s.tg(requireParam(asString(input.TargetGroupArn), 'targetGroupArn'));
  return { Attributes: attributeList(tg) };
}

/** All attributes are checked before any is applied. */
export function modifyTargetGroupAttributes(s: Elbv2State, input: Record<string, any>) {
  const tg = s.tg(requireParam(asString(input.TargetGroupArn), 'targetGroupArn'));
  const changes = asList(input.Attributes).map((a: any) => ({ key: String(a?.Key), value: asString(a?.Value) ?? '' }));
  for (const c of changes) validateAttribute(c.key, c.value);
  for (const c of changes) tg.attributes.set(c.key, c.value);
  s.emit({ type: 'attributes', targetGroupArn: tg.arn });
  return { Attributes: attributeList(tg) };
}

/** DeleteTargetGroup: refused while a listener/rule forwards to it; succeeds when it does not exist. */
export function deleteTargetGroup(s: Elbv2State, input: Record<string, any>) {
  const arn = requireParam(asString(input.TargetGroupArn), 'targetGroupArn');
  if (!s.targetGroups.has(arn)) return {};
  if (s.isInUse(arn)) {
    throw new AwsError('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
  }
  s.targetGroups.delete(arn);
  s.emit({ type: 'resources' });
  return {};
}
