import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CutoverError } from '../errors.ts';
import { checkClientRegion } from './clients.ts';
import { awsCall } from './errors.ts';
import {
  TARGET_STATES,
  type TargetHealthEntry,
  type TargetHealthReader,
  type TargetHealthSummary,
  type TargetState,
} from './ports.ts';

/**
 * TargetHealthReader over DescribeTargetHealth. The operation has no pagination (no Marker in
 * its model): one call returns every registered target, at most 1,000 per group (quota).
 */
export class ElbTargetHealth implements TargetHealthReader {
  constructor(private readonly elb: ElasticLoadBalancingV2Client) {}

  async describeTargetHealth(targetGroupArn: string): Promise<TargetHealthSummary> {
    await checkClientRegion(this.elb, [targetGroupArn]);
    const out = await awsCall({ operation: 'DescribeTargetHealth', arn: targetGroupArn }, () =>
      this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
    );
    return summarizeHealth(targetGroupArn, out.TargetHealthDescriptions ?? []);
  }
}

const STATE_SET = new Set<string>(TARGET_STATES);

/** Counts per state and per `state/reason`. A state AWS adds later is an error, never a guess. */
export function summarizeHealth(
  targetGroupArn: string,
  descriptions: readonly TargetHealthDescription[],
): TargetHealthSummary {
  const counts = Object.fromEntries(TARGET_STATES.map((s) => [s, 0])) as Record<TargetState, number>;
  const reasons: Record<string, number> = {};
  const targets: TargetHealthEntry[] = descriptions.map((d) => {
    const state = d.TargetHealth?.State;
    if (state === undefined || !STATE_SET.has(state)) {
      throw new CutoverError(
        'E_AWS_UNKNOWN_TARGET_STATE',
        `target ${d.Target?.Id} of ${targetGroupArn} is in an unknown state`,
        {
          value: state,
          hint: `known states: ${TARGET_STATES.join(', ')}; a newer cutover may know it`,
        },
      );
    }
    const entry: TargetHealthEntry = {
      id: d.Target?.Id ?? '',
      port: d.Target?.Port,
      state: state as TargetState,
      reason: d.TargetHealth?.Reason,
    };
    counts[entry.state] += 1;
    if (entry.reason) reasons[`${entry.state}/${entry.reason}`] = (reasons[`${entry.state}/${entry.reason}`] ?? 0) + 1;
    return entry;
  });
  // Draining targets are leaving and `unused` ones take no traffic: neither is capacity.
  const active = targets.filter((t) => t.state !== 'unused' && !t.state.endsWith('draining')).length;
  return { targetGroupArn, targets, counts, reasons, active };
}
