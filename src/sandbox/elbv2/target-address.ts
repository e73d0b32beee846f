import { AwsError } from '../aws/errors.ts';

/**
 * Which IP targets an ALB accepts (ALB-guide: the VPC's subnets and the RFC 1918 / RFC 6598
 * ranges; never public addresses) and which Availability Zone a target lands in.
 */
export interface Cidr {
  base: number;
  bits: number;
}

export function parseCidr(s: string): Cidr {
  const [ip, bits] = s.split('/');
  const base = ipv4ToInt(ip ?? '');
  if (base === undefined || bits === undefined) throw new RangeError(`not an IPv4 CIDR: ${s}`);
  return { base, bits: Number(bits) };
}

export function ipv4ToInt(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function inCidr(ip: number, c: Cidr): boolean {
  if (c.bits === 0) return true;
  const mask = (~0 << (32 - c.bits)) >>> 0;
  return (ip & mask) >>> 0 === (c.base & mask) >>> 0;
}

const PRIVATE = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'].map(parseCidr);

/**
 * What the model knows of the network: the load balancer VPC's CIDRs and zones, and two lookups
 * the world can supply — the zone of an in-VPC IP (a pod's zone follows its node's subnet) and the
 * instances that exist (with their zones). Without them, an in-VPC IP's zone is derived from its
 * third octet (stable, so tests can predict it) and any well-formed instance id exists.
 */
export interface AddressPolicy {
  vpcCidrs: Cidr[];
  zones: string[];
  zoneOfIp?: (ip: string) => string | undefined;
  instances?: InstanceZones;
}

/** The model's side of instance targets: which instances exist, and in which zone. */
export interface InstanceZones {
  /** The zone of a running instance; undefined when there is no such instance. */
  zoneOf(instanceId: string): string | undefined;
}

export const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

/**
 * The Availability Zone of a valid target, or an error:
 * - instance ids must look like `i-` + 8 or 17 hex digits and name an existing instance
 *   (`InvalidTarget`, whose API text is "The specified target does not exist …"); they take no
 *   `AvailabilityZone` (API: "not supported if the target type … is instance"; [U] code);
 * - IPs must be private (RFC 1918 / RFC 6598) else `InvalidTarget`;
 * - an IP inside the VPC gets its subnet's zone; `all` is refused for it (ALBC #561 quotes AWS:
 *   "The IP address '…' is within the VPC, and cannot have its Availability Zone overridden to
 *   'all' from 'us-east-1b'"), and so is another zone [U];
 * - an IP outside the VPC needs `all` or one of the VPC's zones (ALBC #3084 quotes AWS: "You must
 *   specify a valid Availability Zone or select 'all' for all enabled Availability zones, since the
 *   IP address '…' is outside the VPC").
 */
export function targetZone(
  targetType: 'ip' | 'instance',
  id: string,
  requestedZone: string | undefined,
  policy: AddressPolicy,
): string {
  if (targetType === 'instance') return instanceZone(id, requestedZone, policy);
  const ip = ipv4ToInt(id);
  if (ip === undefined) {
    throw new AwsError('ValidationError', `The IP address '${id}' is not a valid IPv4 address`);
  }
  if (!PRIVATE.some((c) => inCidr(ip, c))) {
    throw new AwsError(
      'InvalidTarget',
      `The IP address '${id}' is not within the VPC or a private address range (10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16)`,
    );
  }
  if (!policy.vpcCidrs.some((c) => inCidr(ip, c))) {
    if (requestedZone !== 'all' && !(requestedZone && policy.zones.includes(requestedZone))) {
      throw new AwsError(
        'ValidationError',
        `You must specify a valid Availability Zone or select 'all' for all enabled Availability zones, since the IP address '${id}' is outside the VPC`,
      );
    }
    return requestedZone;
  }
  const zone = policy.zoneOfIp?.(id) ?? policy.zones[((ip >>> 8) & 0xff) % policy.zones.length]!;
  if (requestedZone === 'all') {
    throw new AwsError(
      'ValidationError',
      `The IP address '${id}' is within the VPC, and cannot have its Availability Zone overridden to 'all' from '${zone}'`,
    );
  }
  if (requestedZone !== undefined && requestedZone !== zone) {
    throw new AwsError(
      'ValidationError',
      `The IP address '${id}' is in Availability Zone '${zone}', not '${requestedZone}'`,
    );
  }
  return zone;
}

function instanceZone(id: string, requestedZone: string | undefined, policy: AddressPolicy): string {
  if (!INSTANCE_ID.test(id)) {
    throw new AwsError('InvalidTarget', `The following targets are not valid instances: '${id}'`);
  }
  if (requestedZone !== undefined) {
    // API: AvailabilityZone "is not supported if the target type of the target group is instance". [U] code/text
    throw new AwsError('ValidationError', `An Availability Zone cannot be specified for instance target '${id}'`);
  }
  if (!policy.instances) return policy.zones[hash(id) % policy.zones.length]!;
  const zone = policy.instances.zoneOf(id);
  if (zone === undefined) {
    throw new AwsError('InvalidTarget', `The following targets are not valid instances: '${id}'`);
  }
  return zone;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
