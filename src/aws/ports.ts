import type { RouteTarget } from '../spec/types.ts';

/**
 * The driver's view of AWS: small interfaces named for the task. The engine depends on these,
 * never on the SDK; the adapters in this folder implement them over the AWS SDK v3 (they own
 * pagination, batching, retries and error mapping), and tests can give the engine plain fakes.
 * Every value is plain data (JSON round-trips); times are epoch milliseconds.
 */

/** A route as the adapters need it: where its forward action lives and the rollout's target groups. */
export type RouteRef = RouteTarget & {
  /** The route's name in the rollout, for messages. */
  name: string;
  /** cluster → target group ARN (the rollout's groups on this route). */
  targetGroups: Record<string, string>;
};

/** Target group ARN → ALB weight (0–999). */
export type TargetGroupWeights = Record<string, number>;

/** A route's forward action as read from AWS. */
export interface LiveForward {
  route: string;
  kind: RouteTarget['kind'];
  arn: string;
  /** Every target group of the forward action (the rollout's and any other) → its weight. */
  weights: TargetGroupWeights;
  /** Target-group stickiness of the forward action, as read (kept as is on every write). */
  stickiness: { enabled: boolean; durationSeconds?: number };
}

/** Reads and writes the forward-action weights of listeners and rules. */
export interface ForwardWeights {
  /** The route's live forward action; fails if it is not a forward or lacks a rollout target group. */
  readForward(route: RouteRef): Promise<LiveForward>;
  /**
   * Sets the weights of the given target groups (all of them the route's), keeping every other part
   * of the listener or rule exactly; then reads back and verifies (E_WEIGHTS_NOT_APPLIED otherwise).
   * Returns the read-back.
   */
  setWeights(route: RouteRef, weights: TargetGroupWeights): Promise<LiveForward>;
}

/** ELB target health states (`TargetHealthStateEnum`). */
export const TARGET_STATES = [
  'healthy',
  'unhealthy',
  'initial',
  'unused',
  'draining',
  'unavailable',
  'unhealthy.draining',
] as const;
export type TargetState = (typeof TARGET_STATES)[number];

export interface TargetHealthEntry {
  id: string;
  port: number | undefined;
  state: TargetState;
  reason: string | undefined;
}

/** One target group's health, counted. */
export interface TargetHealthSummary {
  targetGroupArn: string;
  targets: TargetHealthEntry[];
  /** Targets per state (every state present, zeros included). */
  counts: Record<TargetState, number>;
  /** Targets per `state/reason` (e.g. `unhealthy/Target.Timeout`), only those seen. */
  reasons: Record<string, number>;
  /** Targets that are neither draining nor `unused` (what capacity is made of, healthy or not). */
  active: number;
}

export interface TargetHealthReader {
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealthSummary>;
}

/** Tags of one resource: key → value. */
export type Tags = Record<string, string>;

/** Reads and writes the tags of listeners and rules. */
export interface ResourceTags {
  /** Tags of each ARN (an ARN without tags maps to `{}`); any number of ARNs. */
  readTags(arns: readonly string[]): Promise<Map<string, Tags>>;
  /** Sets `set` (overwriting values) then removes `remove` keys on one resource. */
  writeTags(arn: string, set: Tags, remove?: readonly string[]): Promise<void>;
}

/** One CloudWatch metric query, plain data (the gates build these). */
export interface MetricQuery {
  /** Unique in the batch; starts with a lowercase letter; letters, digits, `_`. */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount` or `pNN(.NN)`. */
  stat: string;
  periodSec: number;
}

/** What CloudWatch answered for one query: datapoints in ascending time. */
export interface MetricSeries {
  id: string;
  timestamps: number[];
  values: number[];
  /** `Complete`, or `PartialData`/`InternalError`/`Forbidden` when CloudWatch said so. */
  status: string;
  messages: string[];
}

export interface MetricsReader {
  /** One batched read of every query over [startMs, endMs). */
  queryMetrics(queries: readonly MetricQuery[], window: { startMs: number; endMs: number }): Promise<MetricSeries[]>;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmStatus {
  name: string;
  type: 'metric' | 'composite';
  state: AlarmStateValue;
  reason: string;
  /** When the state value last changed. */
  transitionedAt: number | undefined;
}

/** A state change of an alarm, from its history. */
export interface AlarmTransition {
  name: string;
  at: number;
  from: AlarmStateValue | undefined;
  to: AlarmStateValue;
  summary: string;
}

export interface AlarmReader {
  /** Current states; names CloudWatch does not know are listed in `missing`. */
  describeAlarms(names: readonly string[]): Promise<{ alarms: AlarmStatus[]; missing: string[] }>;
  /** State changes of these alarms at or after `sinceMs`, oldest first. */
  alarmTransitions(names: readonly string[], sinceMs: number): Promise<AlarmTransition[]>;
}
