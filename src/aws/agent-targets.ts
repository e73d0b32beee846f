import {
  DeregisterTargetsCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetGroupPort } from '../agent/ports.ts';
import type { ReconcileDeps } from '../agent/reconcile.ts';
import type { Target } from '../agent/types.ts';
import { VpcZones } from './vpc-zones.ts';

/**
 * The agent's target-group calls over the ELBv2 SDK client (retries and throttling are the
 * client's: adaptive retry mode). An IP outside the load balancer's VPC must be registered with
 * AvailabilityZone `all`, one inside must not be; `outsideVpc` says which ones are when the
 * binding's network is known, else the adapter learns it per target group from what AWS says
 * (see vpc-zones.ts).
 */
export function elbTargetGroup(
  elb: ElasticLoadBalancingV2Client,
  outsideVpc: (ip: string) => boolean = () => false,
): TargetGroupPort {
  const zones = new VpcZones(outsideVpc);
  const wire = (arn: string, t: Target) => ({
    Id: t.id,
    Port: t.port,
    ...(t.availabilityZone ? { AvailabilityZone: t.availabilityZone } : zones.zoneFor(arn, t.id)),
  });
  const send = async (arn: string, targets: Target[], op: 'register' | 'deregister') => {
    // Each refusal names one IP on the wrong side of the VPC's edge; the next try corrects it
    // (and, for the first, guesses the same for the group's other unknown IPs).
    for (let attempt = 0; ; attempt++) {
      const Targets = targets.map((t) => wire(arn, t));
      try {
        await elb.send(
          op === 'register'
            ? new RegisterTargetsCommand({ TargetGroupArn: arn, Targets })
            : new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets }),
        );
        return;
      } catch (e) {
        if (attempt >= targets.length || !zones.learn(arn, e)) throw e;
      }
    }
  };
  return {
    async describeTargets(TargetGroupArn) {
      const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }));
      for (const d of out.TargetHealthDescriptions ?? []) {
        if (d.Target?.Id && d.Target.AvailabilityZone === 'all') zones.outside(TargetGroupArn, d.Target.Id);
      }
      return (out.TargetHealthDescriptions ?? []).map((d) => ({
        id: d.Target?.Id ?? '',
        port: d.Target?.Port ?? 0,
        state: d.TargetHealth?.State ?? 'unavailable',
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
        ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
      }));
    },
    register: (arn, targets) => send(arn, targets, 'register'),
    deregister: (arn, targets) => send(arn, targets, 'deregister'),
    async describeGroup(ref) {
      try {
        const out = await elb.send(
          new DescribeTargetGroupsCommand('arn' in ref ? { TargetGroupArns: [ref.arn] } : { Names: [ref.name] }),
        );
        const g = out.TargetGroups?.[0];
        return g
          ? {
              arn: g.TargetGroupArn ?? '',
              name: g.TargetGroupName ?? '',
              targetType: g.TargetType ?? 'instance',
              ...(g.VpcId ? { vpcId: g.VpcId } : {}),
            }
          : undefined;
      } catch (e) {
        if ((e as { name?: string }).name?.replace(/Exception$/, '') === 'TargetGroupNotFound') return undefined;
        throw e;
      }
    },
    async tags(arn) {
      const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
      return Object.fromEntries((out.TagDescriptions?.[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    },
  };
}

/** Sorts an ELBv2 failure into the reasons a binding's Ready condition names. */
export const classifyElbError: ReconcileDeps['classify'] = (e) => {
  const name = (e as { name?: string })?.name ?? '';
  const code = name.replace(/Exception$/, '');
  if (code === 'TargetGroupNotFound') return 'TargetGroupNotFound';
  if (code === 'AccessDenied' || code === 'UnauthorizedOperation') return 'AccessDenied';
  if (code === 'TooManyTargets' || code === 'TooManyRegistrationsForTargetId') return 'TooManyTargets';
  if (code === 'Throttling' || code === 'ThrottlingException') return 'Throttled';
  return 'AwsError';
};

/**
 * The agent's ELBv2 client: the standard credential chain (IRSA / EKS Pod Identity in a
 * cluster), the given region, adaptive retries; AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 is
 * honoured by the SDK itself (the sandbox's env file sets it).
 */
export function agentElbClient(
  region: string,
  /** For an embedded sandbox (`cutover demo`): its endpoint and dummy credentials. */
  local?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } },
): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ region, retryMode: 'adaptive', maxAttempts: 6, ...local });
}
