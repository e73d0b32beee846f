import type { Clock } from '../util/clock.ts';
import { CloudWatchAlarms } from './alarms.ts';
import type { AwsClients } from './clients.ts';
import { ElbForwardWeights } from './elb-forward.ts';
import { ElbTags } from './elb-tags.ts';
import { LeaseKeeper } from './lease.ts';
import { CloudWatchMetrics } from './metrics.ts';
import type { AlarmReader, ForwardWeights, MetricsReader, ResourceTags, TargetHealthReader } from './ports.ts';
import { RouteStateStore } from './state-store.ts';
import { ElbTargetHealth } from './target-health.ts';

export { type AwsClientOptions, type AwsClients, checkRegion, createAwsClients } from './clients.ts';
export { createRolloutClients, type RolloutClients } from './cluster-clients.ts';
export { describeDrift, detectDrift, type WeightDrift } from './drift.ts';
export { toCutoverError } from './errors.ts';
export { LeaseKeeper } from './lease.ts';
export type * from './ports.ts';
export { LEASE_TAG, type Lease, ROLLOUT_PHASES, type RolloutPhase, type RouteState, STATE_TAG } from './state-codec.ts';
export { type RouteRecord, RouteStateStore } from './state-store.ts';

/** Every port the driver uses, built over one identity's clients. */
export interface AwsPorts {
  forward: ForwardWeights;
  health: TargetHealthReader;
  tags: ResourceTags;
  state: RouteStateStore;
  lease: LeaseKeeper;
  metrics: MetricsReader;
  alarms: AlarmReader;
}

export function createAwsPorts(
  clients: AwsClients,
  o: { clock: Clock; leaseTtlMs: number; settleMs?: number },
): AwsPorts {
  const tags = new ElbTags(clients.elbv2);
  const state = new RouteStateStore(tags);
  return {
    forward: new ElbForwardWeights(clients.elbv2),
    health: new ElbTargetHealth(clients.elbv2),
    tags,
    state,
    lease: new LeaseKeeper(state, {
      clock: o.clock,
      ttlMs: o.leaseTtlMs,
      ...(o.settleMs === undefined ? {} : { settleMs: o.settleMs }),
    }),
    metrics: new CloudWatchMetrics(clients.cloudwatch),
    alarms: new CloudWatchAlarms(clients.cloudwatch),
  };
}
