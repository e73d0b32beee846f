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

export interface AddressPolicy {
  vpcCidrs: Cidr[];
  zones: string[];
}

/**
 * The Availability Zone of a valid target, or an error. IPs inside the VPC get a zone derived
 * from the third octet (stable, so tests can predict it); private IPs outside it must say `all`.
 */
export function targetZone(
  targetType: 'ip' | 'instance',
  id: string,
  requestedZone: string | undefined,
  policy: AddressPolicy,
): string {
  if (targetType === 'instance') {
    if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) {
      throw new AwsError('InvalidTarget', `The following targets are not valid instances: '${id}'`);
    }
    if (requestedZone !== undefined) {
      // API: AvailabilityZone "is not supported if the target type of the target group is instance". [U] code/text
      throw new AwsError('ValidationError', `An Availability Zone cannot be specified for instance target '${id}'`);
    }
    return policy.zones[hash(id) % policy.zones.length]!;
  }
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
  const inVpc = policy.vpcCidrs.some((c) => inCidr(ip, c));
  if (!inVpc) {
    if (requestedZone !== 'all') {
      // [U] exact code/text: AWS requires AvailabilityZone=all for IPs outside the VPC.
      throw new AwsError(
        'ValidationError',
        `You must specify 'all' as the Availability Zone for IP address '${id}', which is outside the VPC`,
      );
    }
    return 'all';
  }
  if (requestedZone && requestedZone !== 'all' && !policy.zones.includes(requestedZone)) {
    throw new AwsError('ValidationError', `Availability Zone '${requestedZone}' is not enabled for the VPC`);
  }
  return requestedZone ?? policy.zones[((ip >>> 8) & 0xff) % policy.zones.length]!;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
