import { actionShape, conditionShape } from './action-shape.ts';
import type { Elbv2State } from './state.ts';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord, TargetRecord } from './types.ts';

/** Records → the SDK output shapes Describe*, Create* and Modify* return. */
export function loadBalancerShape(lb: LoadBalancerRecord): Record<string, any> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: lb.zones.map((z) => ({ ZoneName: z.ZoneName, SubnetId: z.SubnetId, LoadBalancerAddresses: [] })),
    SecurityGroups: [...lb.securityGroups],
    IpAddressType: 'ipv4',
  };
}

export function listenerShape(s: Elbv2State, l: ListenerRecord): Record<string, any> {
  const out: Record<string, any> = {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
  };
  if (l.certificates) out.Certificates = l.certificates.map((c) => ({ ...c }));
  if (l.sslPolicy) out.SslPolicy = l.sslPolicy;
  out.DefaultActions = s.defaultRule(l.arn).actions.map(actionShape);
  return out;
}

export function ruleShape(r: RuleRecord): Record<string, any> {
  return {
    RuleArn: r.arn,
    Priority: String(r.priority),
    Conditions: r.conditions.map(conditionShape),
    Actions: r.actions.map(actionShape),
    IsDefault: r.priority === 'default',
  };
}

export function targetGroupShape(s: Elbv2State, tg: TargetGroupRecord): Record<string, any> {
  const hc = tg.healthCheck;
  const lb = s.loadBalancerOf(tg.arn);
  const out: Record<string, any> = {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
  };
  if (hc.protocol !== 'TCP') {
    out.HealthCheckPath = hc.path;
    out.Matcher = { HttpCode: hc.matcher };
  }
  out.LoadBalancerArns = lb ? [lb] : [];
  out.TargetType = tg.targetType;
  if (tg.protocol === 'HTTP' || tg.protocol === 'HTTPS') out.ProtocolVersion = 'HTTP1';
  out.IpAddressType = 'ipv4';
  return out;
}

/**
 * One TargetHealthDescription. `HealthCheckPort` appears only for a target the load balancer
 * checks: AWS leaves it out for `unused` targets (the API example and real responses quoted in
 * aws-sdk-js #1964 show none for Target.NotInUse). Instance targets have no `AvailabilityZone`
 * (it is "not supported" for them, and the example shows none).
 */
export function targetHealthShape(
  tg: TargetGroupRecord,
  t: Pick<TargetRecord, 'id' | 'port' | 'state' | 'reason' | 'description'> & { availabilityZone?: string },
): Record<string, any> {
  const health: Record<string, any> = { State: t.state };
  if (t.reason) health.Reason = t.reason;
  if (t.description) health.Description = t.description;
  const target: Record<string, any> = { Id: t.id, Port: t.port };
  if (t.availabilityZone && tg.targetType !== 'instance') target.AvailabilityZone = t.availabilityZone;
  const out: Record<string, any> = { Target: target };
  if (t.state !== 'unused') {
    out.HealthCheckPort = tg.healthCheck.port === 'traffic-port' ? String(t.port) : tg.healthCheck.port;
  }
  out.TargetHealth = health;
  return out;
}
