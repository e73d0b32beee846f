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

/**
 * The agent's target-group calls over the ELBv2 SDK client (retries and throttling are the
 * client's: adaptive retry mode). An IP outside the load balancer's VPC must be registered with
 * AvailabilityZone `all`; `outsideVpc` says which ones are (from the binding's vpcID/CIDR).
 */
export function elbTargetGroup(
  elb: ElasticLoadBalancingV2Client,
  outsideVpc: (ip: string) => boolean = () => false,
): TargetGroupPort {
  const wire = (t: Target) => ({
    Id: t.id,
    Port: t.port,
    ...(t.availabilityZone
      ? { AvailabilityZone: t.availabilityZone }
      : outsideVpc(t.id)
        ? { AvailabilityZone: 'all' }
        : {}),
  });
  return {
    async describeTargets(TargetGroupArn) {
      const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }));
      return (out.TargetHealthDescriptions ?? []).map((d) => ({
        id: d.Target?.Id ?? '',
        port: d.Target?.Port ?? 0,
        state: d.TargetHealth?.State ?? 'unavailable',
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
        ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
      }));
    },
    async register(TargetGroupArn, targets) {
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: targets.map(wire) }));
    },
    async deregister(TargetGroupArn, targets) {
      await elb.send(new DeregisterTargetsCommand({ TargetGroupArn, Targets: targets.map(wire) }));
    },
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
export function agentElbClient(region: string): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ region, retryMode: 'adaptive', maxAttempts: 6 });
}
