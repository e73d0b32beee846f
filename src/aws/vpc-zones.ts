/**
 * Which IP targets of a target group lie outside its VPC, and so need `AvailabilityZone: all`
 * (API reference, https://docs.aws.amazon.com/goto/WebAPI/elasticloadbalancingv2-2015-12-01/TargetDescription:
 * "If the IP address is outside the VPC, this parameter is required"; with an ALB and cross-zone
 * load balancing on, `all` is what any value means; an IP inside the VPC must not be overridden
 * to `all`). Not handled: an ALB group with cross-zone load balancing off, which wants a zone of
 * the VPC for such IPs. The agent has no EC2 access to read the VPC's CIDRs, so it learns from
 * what ELBv2 says: the refusal of a registration names the IP (texts as AWS returns them, quoted in aws-load-balancer-controller #3084 and #561), and
 * DescribeTargetHealth shows the `all` of targets registered earlier (after an agent restart).
 * Once a group has shown one outside IP, its other unknown IPs are first tried as outside too
 * (the pods of one cluster share one network), so a batch costs one extra call, not one per IP.
 */
const OUTSIDE = /IP address '([^']+)' is outside the VPC/;
const INSIDE = /IP address '([^']+)' is within the VPC, and cannot have its Availability Zone overridden/;

interface GroupZones {
  outside: Set<string>;
  inside: Set<string>;
  guessOutside: boolean;
}

export class VpcZones {
  private readonly groups = new Map<string, GroupZones>();

  constructor(private readonly configuredOutside: (ip: string) => boolean = () => false) {}

  /** The AvailabilityZone field to send for an IP target (none for instances and in-VPC IPs). */
  zoneFor(arn: string, id: string): { AvailabilityZone?: string } {
    if (id.startsWith('i-')) return {};
    const g = this.groups.get(arn);
    if (g?.inside.has(id)) return {};
    if (this.configuredOutside(id) || g?.outside.has(id) || g?.guessOutside) return { AvailabilityZone: 'all' };
    return {};
  }

  outside(arn: string, ip: string): void {
    const g = this.group(arn);
    g.outside.add(ip);
    g.inside.delete(ip);
    g.guessOutside = true;
  }

  /** Learns from an ELBv2 refusal; true when the call is worth trying again. */
  learn(arn: string, e: unknown): boolean {
    const message = e instanceof Error ? e.message : String(e);
    const out = OUTSIDE.exec(message);
    if (out) {
      const g = this.group(arn);
      if (g.outside.has(out[1]!)) return false;
      this.outside(arn, out[1]!);
      return true;
    }
    const inside = INSIDE.exec(message);
    if (inside) {
      const g = this.group(arn);
      if (g.inside.has(inside[1]!)) return false;
      g.inside.add(inside[1]!);
      g.outside.delete(inside[1]!);
      return true;
    }
    return false;
  }

  private group(arn: string): GroupZones {
    let g = this.groups.get(arn);
    if (!g) {
      g = { outside: new Set(), inside: new Set(), guessOutside: false };
      this.groups.set(arn, g);
    }
    return g;
  }
}
