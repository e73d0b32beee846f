/**
 * Gates: metric windows in, verdicts out. Pure code (no I/O, clocks or randomness): the driver
 * reads CloudWatch and ELBv2 through its adapters and hands the answers here. See README.md.
 */
export type { AlarmPoll, AlarmStateLike, AlarmTransition } from './alarm-check.ts';
export { evaluateAlarms } from './alarm-check.ts';
export type { Compare5xxSpec } from './compare5xx.ts';
export { evaluateCompare5xx } from './compare5xx.ts';
export type { TickInputs } from './evaluate.ts';
export { evaluateTick } from './evaluate.ts';
export type { TargetGroupHealth, TargetHealthLike } from './healthy-targets.ts';
export { evaluateHealthyTargets } from './healthy-targets.ts';
export type {
  AlbMetric,
  GateRoute,
  GetMetricDataRequest,
  MetricDataQuery,
  MetricKey,
  MetricQueryPlan,
} from './metric-queries.ts';
export { buildMetricQueries, MAX_QUERIES, NAMESPACE } from './metric-queries.ts';
export type { MetricDataResultLike, MetricReadings, SeriesReading } from './metric-results.ts';
export { parseMetricData } from './metric-results.ts';
export { evaluateElb5xxRate, evaluateTarget5xxRate } from './rate-checks.ts';
export { alarmStatesFrom, alarmTransitionsFrom, targetHealthFrom } from './sdk-inputs.ts';
export type { CompareAccumulator, MinuteCounts, SequentialParams, SequentialResult } from './sequential.ts';
export { accumulate, emptyAccumulator, sequentialTest } from './sequential.ts';
export type { GateEvent, GateLimits, GateState, GateStep, StepProgress } from './step-rules.ts';
export { initialGateState, reduceGate, stepReady } from './step-rules.ts';
export type { TickResult } from './tick.ts';
export { combineTick } from './tick.ts';
export type { Outcome, Verdict, VerdictNumbers } from './verdict.ts';
export type { MetricWindow } from './windows.ts';
export {
  firstOwnVerdictAt,
  minFirstVerdictDelayMs,
  minStepDurationMs,
  ownsWindow,
  PERIOD_MS,
  tickWindow,
  windowLengthMs,
} from './windows.ts';
