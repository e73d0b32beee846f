import { asList, asString, requireParam } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { id16, loadBalancerArn } from '../ids.ts';
import { paginate } from './pagination.ts';
import { loadBalancerShape } from './shapes.ts';
import type { Elbv2State } from './state.ts';
import { applyTags, readTags } from './tags.ts';
import type { LoadBalancerRecord } from './types.ts';

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;

export function validateName(kind: 'load balancer' | 'target group', name: string): void {
  if (!NAME.test(name) || name.startsWith('internal-')) {
    throw new AwsError(
      'ValidationError',
      `The ${kind} name '${name}' must have 1-32 alphanumeric or hyphen characters, must not begin or end with a hyphen` +
        (kind === 'load balancer' ? " and must not begin with 'internal-'" : ''),
    );
  }
}

/** CreateLoadBalancer: application load balancers only; idempotent for the same name and scheme. */
export function createLoadBalancer(s: Elbv2State, input: Record<string, any>) {
  const name = requireParam(asString(input.Name), 'name');
  validateName('load balancer', name);
  const type = asString(input.Type) ?? 'application';
  if (type !== 'application') {
    throw new AwsError('ValidationError', `Load balancer type '${type}' is not emulated; only 'application' is`);
  }
  const scheme = (asString(input.Scheme) ?? 'internet-facing') as 'internet-facing' | 'internal';
  if (scheme !== 'internet-facing' && scheme !== 'internal')
    throw new AwsError('InvalidScheme', `Invalid scheme '${scheme}'`);
  const arn = loadBalancerArn(s.arnContext, name);
  const existing = s.loadBalancers.get(arn);
  if (existing) {
    if (existing.scheme !== scheme) {
      throw new AwsError('DuplicateLoadBalancerName', `A load balancer with the name '${name}' already exists`);
    }
    return { LoadBalancers: [loadBalancerShape(existing)] };
  }
  const tags = readTags(input.Tags);
  const subnets: string[] = [
    ...asList(input.Subnets).map(String),
    ...asList(input.SubnetMappings).map((m: any) => String(m.SubnetId)),
  ];
  const zones = readZones(s, subnets);
  const digits = BigInt(`0x${id16(`dns:${arn}`)}`)
    .toString()
    .slice(0, 10);
  const lb = {
    arn,
    name,
    dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${s.region}.elb.amazonaws.com`,
    createdTime: new Date(s.clock.now()),
    scheme,
    vpcId: s.vpcId,
    zones,
    securityGroups: asList(input.SecurityGroups).map(String),
    tags: new Map<string, string>(),
  };
  applyTags(lb.tags, tags, arn);
  s.loadBalancers.set(arn, lb);
  s.emit({ type: 'resources' });
  return { LoadBalancers: [loadBalancerShape(lb)] };
}

export function describeLoadBalancers(s: Elbv2State, input: Record<string, any>) {
  const arns = asList<string>(input.LoadBalancerArns).map(String);
  const names = asList<string>(input.Names).map(String);
  let lbs = [...s.loadBalancers.values()];
  if (arns.length) {
    const missing = arns.filter((a) => !s.loadBalancers.has(a));
    if (missing.length)
      throw new AwsError('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
    lbs = arns.map((a) => s.loadBalancers.get(a)!);
  } else if (names.length) {
    const missing = names.filter((n) => !lbs.some((lb) => lb.name === n));
    if (missing.length)
      throw new AwsError('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
    lbs = names.map((n) => lbs.find((lb) => lb.name === n)!);
  }
  const { page, NextMarker } = paginate(lbs, input);
  return { LoadBalancers: page.map(loadBalancerShape), NextMarker };
}

/** DeleteLoadBalancer: deletes its listeners and rules; succeeds when it does not exist (SDK doc). */
export function deleteLoadBalancer(s: Elbv2State, input: Record<string, any>) {
  const arn = requireParam(asString(input.LoadBalancerArn), 'loadBalancerArn');
  if (!s.loadBalancers.has(arn)) return {};
  for (const l of [...s.listeners.values()].filter((x) => x.loadBalancerArn === arn)) {
    for (const r of s.rulesOfListener(l.arn)) s.rules.delete(r.arn);
    s.listeners.delete(l.arn);
  }
  s.loadBalancers.delete(arn);
  s.refreshUsage();
  s.emit({ type: 'resources' });
  return {};
}

/**
 * The zones a new load balancer enables: those of the subnets given (the VPC's, one per zone;
 * unknown → `SubnetNotFound` [U: text]; fewer than two zones → `InvalidConfigurationRequest`, as
 * AWS requires subnets "from at least two Availability Zones"), or every zone of the VPC when none
 * are given [U: AWS requires them; the sandbox enables all so every in-VPC target is served].
 */
function readZones(s: Elbv2State, subnetIds: string[]): LoadBalancerRecord['zones'] {
  if (subnetIds.length === 0) return s.subnets.map((n) => ({ ZoneName: n.zone, SubnetId: n.id }));
  const zones = subnetIds.map((id) => {
    const subnet = s.subnets.find((n) => n.id === id);
    if (!subnet) {
      throw new AwsError(
        'SubnetNotFound',
        `The specified subnet does not exist: '${id}'; the VPC's subnets are ${s.subnets.map((n) => `${n.id} (${n.zone})`).join(', ')}`,
      );
    }
    return { ZoneName: subnet.zone, SubnetId: subnet.id };
  });
  if (new Set(zones.map((z) => z.ZoneName)).size < 2) {
    throw new AwsError(
      'InvalidConfigurationRequest',
      'At least two subnets in two different Availability Zones must be specified',
    );
  }
  return zones;
}
