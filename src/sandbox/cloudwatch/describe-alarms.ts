import type { AlarmRecord, CompositeAlarmRecord, MetricAlarmRecord } from './alarm-types.ts';
import { optDate, optInt, optStr, toList, toStr } from './coerce.ts';
import { invalidCombination, invalidValue, validationError } from './errors.ts';
import type { CloudWatchModel } from './model.ts';
import { decodeToken, encodeToken, fingerprint } from './pagination.ts';

const ALARM_TYPES = ['MetricAlarm', 'CompositeAlarm', 'LogAlarm'];
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** The fields metric and composite alarms share, in DescribeAlarms' order. */
function commonAlarmOut(a: MetricAlarmRecord | CompositeAlarmRecord): Record<string, any> {
  return {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdatedAt),
    ActionsEnabled: a.actionsEnabled,
    OKActions: [...a.okActions],
    AlarmActions: [...a.alarmActions],
    InsufficientDataActions: [...a.insufficientDataActions],
    ...stateOut(a),
  };
}

export function metricAlarmOut(a: MetricAlarmRecord): Record<string, any> {
  const o: Record<string, any> = {
    ...commonAlarmOut(a),
    EvaluationPeriods: a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
  };
  if (a.description !== undefined) o.AlarmDescription = a.description;
  if (a.metric) {
    o.MetricName = a.metric.metricName;
    o.Namespace = a.metric.namespace;
    o[a.metric.extended ? 'ExtendedStatistic' : 'Statistic'] = a.metric.stat.name;
    o.Dimensions = a.metric.dimensions.map((d) => ({ ...d }));
    o.Period = a.periodSec;
    if (a.metric.unit) o.Unit = a.metric.unit;
  } else {
    o.Dimensions = [];
    o.Metrics = structuredClone(a.metricsOut ?? []);
  }
  if (a.datapointsToAlarm !== undefined) o.DatapointsToAlarm = a.datapointsToAlarm;
  if (a.treatMissingData !== undefined) o.TreatMissingData = a.treatMissingData;
  if (a.evaluateLowSampleCountPercentile !== undefined) {
    o.EvaluateLowSampleCountPercentile = a.evaluateLowSampleCountPercentile;
  }
  return o;
}

export function compositeAlarmOut(a: CompositeAlarmRecord): Record<string, any> {
  const o: Record<string, any> = { ...commonAlarmOut(a), AlarmRule: a.rule };
  if (a.description !== undefined) o.AlarmDescription = a.description;
  if (a.actionsSuppressor) {
    o.ActionsSuppressor = a.actionsSuppressor;
    o.ActionsSuppressorWaitPeriod = a.actionsSuppressorWaitPeriod;
    o.ActionsSuppressorExtensionPeriod = a.actionsSuppressorExtensionPeriod;
  }
  return o;
}

function stateOut(a: AlarmRecord): Record<string, any> {
  return {
    StateValue: a.state.value,
    StateReason: a.state.reason,
    ...(a.state.reasonData !== undefined ? { StateReasonData: a.state.reasonData } : {}),
    StateUpdatedTimestamp: new Date(a.state.updatedAt),
    StateTransitionedTimestamp: new Date(a.state.transitionedAt),
  };
}

/**
 * The two lists of a page. Children/Parents queries return only some fields (SDK doc of
 * ChildrenOfAlarmName: name, ARN, StateValue and StateUpdatedTimestamp; of ParentsOfAlarmName:
 * name and ARN), so a client cannot come to rely here on fields AWS leaves out there.
 */
function split(alarms: AlarmRecord[], fields: 'all' | 'children' | 'parents' = 'all') {
  const metric = alarms.filter((a): a is MetricAlarmRecord => a.type === 'MetricAlarm');
  const composite = alarms.filter((a): a is CompositeAlarmRecord => a.type === 'CompositeAlarm');
  if (fields === 'all')
    return { MetricAlarms: metric.map(metricAlarmOut), CompositeAlarms: composite.map(compositeAlarmOut) };
  const brief = (a: AlarmRecord) => ({
    AlarmName: a.name,
    AlarmArn: a.arn,
    ...(fields === 'children' ? { StateValue: a.state.value, StateUpdatedTimestamp: new Date(a.state.updatedAt) } : {}),
  });
  return { MetricAlarms: metric.map(brief), CompositeAlarms: composite.map(brief) };
}

function paginate<T>(items: T[], input: Record<string, any>, fpParts: unknown, defaultMax: number) {
  const max = optInt(input.MaxRecords, 'MaxRecords') ?? defaultMax;
  if (max < 1 || max > 100) throw validationError('The parameter MaxRecords must be between 1 and 100.');
  const fp = fingerprint(fpParts);
  const offset = decodeToken(optStr(input.NextToken), fp);
  return {
    page: items.slice(offset, offset + max),
    next: offset + max < items.length ? encodeToken(offset + max, fp) : undefined,
  };
}

/**
 * DescribeAlarms. Only metric alarms when AlarmTypes is omitted; Children/ParentsOfAlarmName
 * exclude every other filter and return both kinds (with full fields, where AWS returns a subset).
 */
export function describeAlarms(model: CloudWatchModel, input: Record<string, any>) {
  const names = toList(input.AlarmNames).map(String);
  const prefix = optStr(input.AlarmNamePrefix);
  const children = optStr(input.ChildrenOfAlarmName);
  const parents = optStr(input.ParentsOfAlarmName);
  const types = toList(input.AlarmTypes).map(String);
  const state = optStr(input.StateValue);
  const actionPrefix = optStr(input.ActionPrefix);
  if (names.length > 100) throw validationError('The collection AlarmNames must not have a size greater than 100.');
  if (names.length > 0 && prefix !== undefined) {
    throw invalidCombination('The parameters AlarmNames and AlarmNamePrefix are mutually exclusive.');
  }
  for (const t of types)
    if (!ALARM_TYPES.includes(t)) throw validationError(`The value ${t} for parameter AlarmTypes is not valid.`);
  if (state !== undefined && !STATES.includes(state))
    throw validationError(`The value ${state} for parameter StateValue is not valid.`);
  let alarms = model.listAlarms();
  if (children !== undefined || parents !== undefined) {
    const others = [
      names.length > 0,
      prefix,
      types.length > 0,
      state,
      actionPrefix,
      children !== undefined && parents !== undefined,
    ];
    if (others.some(Boolean)) {
      throw validationError(
        'If ChildrenOfAlarmName or ParentsOfAlarmName is specified, no other parameter but MaxRecords and NextToken may be.',
      );
    }
    if (children !== undefined) {
      const parent = model.getAlarm(children);
      const kids = new Set(parent?.type === 'CompositeAlarm' ? parent.children : []);
      alarms = alarms.filter((a) => kids.has(a.name));
    } else {
      alarms = alarms.filter((a) => a.type === 'CompositeAlarm' && a.children.includes(parents!));
    }
  } else {
    const wanted = types.length > 0 ? types : ['MetricAlarm'];
    alarms = alarms.filter(
      (a) =>
        wanted.includes(a.type) &&
        (names.length === 0 || names.includes(a.name)) &&
        (prefix === undefined || a.name.startsWith(prefix)) &&
        (state === undefined || a.state.value === state) &&
        (actionPrefix === undefined ||
          [...a.okActions, ...a.alarmActions, ...a.insufficientDataActions].some((x) => x.startsWith(actionPrefix))),
    );
  }
  const { page, next } = paginate(alarms, input, [names, prefix, children, parents, types, state, actionPrefix], 50);
  const fields = children !== undefined ? 'children' : parents !== undefined ? 'parents' : 'all';
  return {
    ...split(page, fields),
    // Log alarms are not emulated: asking for them answers an empty list of them.
    ...(types.includes('LogAlarm') ? { LogAlarms: [] } : {}),
    ...(next ? { NextToken: next } : {}),
  };
}

/** DescribeAlarmsForMetric: metric alarms on exactly this metric (single-metric form). */
export function describeAlarmsForMetric(model: CloudWatchModel, input: Record<string, any>) {
  const metricName = toStr(input.MetricName, 'MetricName');
  const namespace = toStr(input.Namespace, 'Namespace');
  const statistic = optStr(input.Statistic);
  const extended = optStr(input.ExtendedStatistic);
  const period = optInt(input.Period, 'Period');
  const unit = optStr(input.Unit);
  const dims = toList(input.Dimensions).map((d: any) => `${d?.Name}=${d?.Value}`);
  const alarms = model.listAlarms().filter((a): a is MetricAlarmRecord => {
    if (a.type !== 'MetricAlarm' || !a.metric) return false;
    const m = a.metric;
    const have = m.dimensions.map((d) => `${d.Name}=${d.Value}`);
    return (
      m.metricName === metricName &&
      m.namespace === namespace &&
      (statistic === undefined || (!m.extended && m.stat.name === statistic)) &&
      (extended === undefined || (m.extended && m.stat.name === extended)) &&
      (period === undefined || a.periodSec === period) &&
      (unit === undefined || m.unit === unit) &&
      (input.Dimensions === undefined || (have.length === dims.length && dims.every((d) => have.includes(d))))
    );
  });
  return { MetricAlarms: alarms.map(metricAlarmOut) };
}

/** DescribeAlarmHistory: newest first by default; metric alarms only when AlarmTypes is omitted. */
export function describeAlarmHistory(model: CloudWatchModel, input: Record<string, any>) {
  const name = optStr(input.AlarmName);
  const types = toList(input.AlarmTypes).map(String);
  const itemType = optStr(input.HistoryItemType);
  const start = optDate(input.StartDate, 'StartDate')?.getTime();
  const end = optDate(input.EndDate, 'EndDate')?.getTime();
  const scanBy = optStr(input.ScanBy) ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidValue(`The value ${scanBy} for parameter ScanBy is not valid.`);
  }
  if (
    itemType !== undefined &&
    !['ConfigurationUpdate', 'StateUpdate', 'Action', 'AlarmContributorStateUpdate', 'AlarmContributorAction'].includes(
      itemType,
    )
  ) {
    throw validationError(`The value ${itemType} for parameter HistoryItemType is not valid.`);
  }
  const wanted = types.length > 0 ? types : ['MetricAlarm'];
  const items = model
    .historyItems()
    .map((h, i) => ({ h, i }))
    .filter(
      ({ h }) =>
        wanted.includes(h.alarmType) &&
        (name === undefined || h.alarmName === name) &&
        (itemType === undefined || h.type === itemType) &&
        (start === undefined || h.timestamp >= start) &&
        (end === undefined || h.timestamp <= end),
    )
    .sort((a, b) =>
      scanBy === 'TimestampAscending'
        ? a.h.timestamp - b.h.timestamp || a.i - b.i
        : b.h.timestamp - a.h.timestamp || b.i - a.i,
    )
    .map(({ h }) => h);
  const { page, next } = paginate(items, input, [name, types, itemType, start, end, scanBy], 100);
  return {
    AlarmHistoryItems: page.map((h) => ({
      AlarmName: h.alarmName,
      AlarmType: h.alarmType,
      Timestamp: new Date(h.timestamp),
      HistoryItemType: h.type,
      HistorySummary: h.summary,
      HistoryData: h.data,
    })),
    ...(next ? { NextToken: next } : {}),
  };
}
