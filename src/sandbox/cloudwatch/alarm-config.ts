import type { ComparisonOperator, TreatMissingData } from './alarm-evaluation.ts';
import { parseAlarmRule, RuleSyntaxError, ruleChildren, ruleSize } from './alarm-rule.ts';
import type { CompositeAlarmRecord, MetricAlarmRecord } from './alarm-types.ts';
import { optBool, optInt, optNumber, optStr, toList, toStr } from './coerce.ts';
import { invalidCombination, invalidValue, validationError } from './errors.ts';
import { parseDimensions, parseQueries } from './metric-queries.ts';
import { BASIC_STATS, parseStat } from './statistics.ts';

const COMPARISONS: ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const ANOMALY_COMPARISONS = [
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
];
const TREATMENTS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
const ALARM_PERIODS = [10, 20, 30];

/** The configuration part of a metric alarm (no state, arn or schedule). */
export type MetricAlarmConfig = Omit<MetricAlarmRecord, 'state' | 'arn' | 'configUpdatedAt' | 'nextEvalAt'>;
export type CompositeAlarmConfig = Omit<CompositeAlarmRecord, 'state' | 'arn' | 'configUpdatedAt'>;

function name(input: Record<string, any>): string {
  const n = toStr(input.AlarmName, 'AlarmName');
  if (n.length > 255) throw validationError('The parameter AlarmName must be at most 255 characters long.');
  return n;
}

function actions(input: Record<string, any>) {
  return {
    actionsEnabled: optBool(input.ActionsEnabled, 'ActionsEnabled') ?? true,
    okActions: toList(input.OKActions).map(String),
    alarmActions: toList(input.AlarmActions).map(String),
    insufficientDataActions: toList(input.InsufficientDataActions).map(String),
    ...(optStr(input.AlarmDescription) !== undefined ? { description: optStr(input.AlarmDescription)! } : {}),
  };
}

/** Validates PutMetricAlarm; anomaly-detection alarms (ThresholdMetricId) are not modelled. */
export function parseMetricAlarm(input: Record<string, any>): MetricAlarmConfig {
  const alarmName = name(input);
  const comparison = toStr(input.ComparisonOperator, 'ComparisonOperator');
  if (ANOMALY_COMPARISONS.includes(comparison) || input.ThresholdMetricId) {
    throw invalidValue(
      `Anomaly detection alarms (ComparisonOperator ${comparison}) are not supported by the sandbox emulator.`,
    );
  }
  if (!COMPARISONS.includes(comparison as ComparisonOperator)) {
    throw validationError(`The value ${comparison} for parameter ComparisonOperator is not valid.`);
  }
  const evaluationPeriods = optInt(input.EvaluationPeriods, 'EvaluationPeriods');
  if (evaluationPeriods === undefined) throw validationError('The parameter EvaluationPeriods is required.');
  if (evaluationPeriods < 1)
    throw validationError('The parameter EvaluationPeriods must be greater than or equal to 1.');
  const datapointsToAlarm = optInt(input.DatapointsToAlarm, 'DatapointsToAlarm');
  if (datapointsToAlarm !== undefined && (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)) {
    throw validationError('DatapointsToAlarm must be between 1 and EvaluationPeriods.');
  }
  const threshold = optNumber(input.Threshold, 'Threshold');
  if (threshold === undefined) throw validationError('The parameter Threshold is required.');
  const treat = optStr(input.TreatMissingData);
  if (treat !== undefined && !TREATMENTS.includes(treat as TreatMissingData)) {
    throw validationError(
      `The value ${treat} for parameter TreatMissingData is not valid; use one of ${TREATMENTS.join(', ')}.`,
    );
  }
  const out: MetricAlarmConfig = {
    type: 'MetricAlarm',
    name: alarmName,
    ...actions(input),
    periodSec: 0,
    evaluationPeriods,
    threshold,
    comparison: comparison as ComparisonOperator,
    ...(datapointsToAlarm !== undefined ? { datapointsToAlarm } : {}),
    ...(treat !== undefined ? { treatMissingData: treat as TreatMissingData } : {}),
    ...(optStr(input.EvaluateLowSampleCountPercentile)
      ? { evaluateLowSampleCountPercentile: optStr(input.EvaluateLowSampleCountPercentile)! }
      : {}),
  };
  const metrics = toList(input.Metrics);
  const singleFields = ['MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Period', 'Unit'].filter(
    (f) => input[f] !== undefined && input[f] !== null && input[f] !== '',
  );
  if (metrics.length > 0) {
    if (singleFields.length > 0 || toList(input.Dimensions).length > 0) {
      throw invalidCombination(`The parameters Metrics and ${singleFields[0] ?? 'Dimensions'} are mutually exclusive.`);
    }
    const queries = parseQueries(metrics, 'Metrics');
    const returned = queries.filter((q) => q.returnData);
    if (returned.length !== 1) {
      throw validationError('Exactly one element of the Metrics list must have ReturnData set to true.');
    }
    const r = returned[0]!;
    const statPeriods = queries.flatMap((q) => (q.metricStat ? [q.metricStat.periodSec] : []));
    out.periodSec = r.metricStat?.periodSec ?? r.periodSec ?? Math.max(60, ...statPeriods);
    out.queries = queries;
    out.metricsOut = metrics.map((m: any, i) => metricsOut(m, queries[i]!));
  } else {
    const metricName = toStr(input.MetricName, 'MetricName');
    const namespace = toStr(input.Namespace, 'Namespace');
    const statistic = optStr(input.Statistic);
    const extended = optStr(input.ExtendedStatistic);
    if (statistic && extended)
      throw invalidCombination('The parameters Statistic and ExtendedStatistic are mutually exclusive.');
    if (!statistic && !extended)
      throw validationError('One of the parameters Statistic or ExtendedStatistic must be specified.');
    if (statistic && !(BASIC_STATS as readonly string[]).includes(statistic)) {
      throw validationError(`The value ${statistic} for parameter Statistic is not valid.`);
    }
    const stat = parseStat((statistic ?? extended)!);
    if (!stat || (extended && stat.kind !== 'percentile')) {
      throw invalidValue(`The value ${extended} for parameter ExtendedStatistic is not a supported statistic.`);
    }
    const period = optInt(input.Period, 'Period');
    if (period === undefined) throw validationError('The parameter Period is required.');
    out.periodSec = period;
    out.metric = {
      namespace,
      metricName,
      dimensions: parseDimensions(input.Dimensions, 'Dimensions'),
      stat,
      extended: !!extended,
      ...(optStr(input.Unit) ? { unit: optStr(input.Unit)! } : {}),
    };
  }
  if (!(ALARM_PERIODS.includes(out.periodSec) || (out.periodSec >= 60 && out.periodSec % 60 === 0))) {
    throw invalidValue(`The parameter Period must be 10, 20, 30 or a multiple of 60, got ${out.periodSec}.`);
  }
  if (out.periodSec * evaluationPeriods > 7 * 86_400) {
    throw validationError('The product of Period and EvaluationPeriods must not exceed 7 days (604800 seconds).');
  }
  return out;
}

function metricsOut(raw: any, q: ReturnType<typeof parseQueries>[number]): Record<string, any> {
  const o: Record<string, any> = { Id: q.id, ReturnData: q.returnData };
  if (q.label !== undefined) o.Label = q.label;
  if (q.periodSec !== undefined) o.Period = q.periodSec;
  if (q.expression !== undefined) o.Expression = q.expression;
  if (q.metricStat) {
    const ms = q.metricStat;
    o.MetricStat = {
      Metric: { Namespace: ms.namespace, MetricName: ms.metricName, Dimensions: ms.dimensions.map((d) => ({ ...d })) },
      Period: ms.periodSec,
      Stat: ms.stat.name,
      ...(ms.unit ? { Unit: ms.unit } : {}),
    };
  }
  if (raw?.AccountId) o.AccountId = String(raw.AccountId);
  return o;
}

export function parseCompositeAlarm(input: Record<string, any>): CompositeAlarmConfig {
  const alarmName = name(input);
  const rule = toStr(input.AlarmRule, 'AlarmRule');
  if (rule.length > 10240) throw validationError('The parameter AlarmRule must be at most 10240 characters long.');
  let ast: CompositeAlarmRecord['ruleAst'];
  try {
    ast = parseAlarmRule(rule);
  } catch (e) {
    if (e instanceof RuleSyntaxError) throw validationError(`Error in AlarmRule: ${e.message}.`);
    throw e;
  }
  const children = [...ruleChildren(ast)];
  if (children.length > 100) throw validationError('The AlarmRule can reference at most 100 alarms.');
  if (ruleSize(ast) > 500) throw validationError('The AlarmRule can contain at most 500 elements.');
  if (children.includes(alarmName)) throw validationError(`The AlarmRule of ${alarmName} cannot reference itself.`);
  const out: CompositeAlarmConfig = {
    type: 'CompositeAlarm',
    name: alarmName,
    ...actions(input),
    rule,
    ruleAst: ast,
    children,
  };
  const suppressor = optStr(input.ActionsSuppressor);
  if (suppressor) {
    out.actionsSuppressor = suppressor;
    out.actionsSuppressorWaitPeriod = optInt(input.ActionsSuppressorWaitPeriod, 'ActionsSuppressorWaitPeriod') ?? 60;
    out.actionsSuppressorExtensionPeriod =
      optInt(input.ActionsSuppressorExtensionPeriod, 'ActionsSuppressorExtensionPeriod') ?? 60;
  }
  return out;
}
