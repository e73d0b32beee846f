export type { ComparisonOperator, TreatMissingData } from './alarm-evaluation.ts';
export type { StateValue } from './alarm-rule.ts';
export type { AlarmChangeEvent, AlarmRecord, CompositeAlarmRecord, MetricAlarmRecord } from './alarm-types.ts';
export { CLOUDWATCH_ERROR_SHAPES } from './errors.ts';
export { createCloudWatchHandler } from './handler.ts';
export type { Dimension, PutDatumInput } from './metric-store.ts';
export { CloudWatchModel, type CloudWatchModelOptions } from './model.ts';
