import { AwsError, type AwsServiceHandler } from '../aws/errors.ts';
import { parseCompositeAlarm, parseMetricAlarm } from './alarm-config.ts';
import type { StateValue } from './alarm-rule.ts';
import { optStr, toList, toStr } from './coerce.ts';
import { describeAlarmHistory, describeAlarms, describeAlarmsForMetric } from './describe-alarms.ts';
import { resourceNotFound, validationError } from './errors.ts';
import { getMetricData } from './get-metric-data.ts';
import { getMetricStatistics, listMetrics, putMetricData } from './metric-ops.ts';
import type { CloudWatchModel } from './model.ts';

type Op = (model: CloudWatchModel, input: Record<string, any>, now: number) => Record<string, any>;

const OPS: Record<string, Op> = {
  GetMetricData: (m, i, now) => getMetricData(m.store, i, now),
  GetMetricStatistics: (m, i, now) => getMetricStatistics(m.store, i, now),
  ListMetrics: (m, i, now) => listMetrics(m.store, i, now),
  PutMetricData: (m, i, now) => putMetricData(m.store, i, now),
  PutMetricAlarm: (m, i) => {
    const cfg = parseMetricAlarm(i);
    if (m.getAlarm(cfg.name)?.type === 'CompositeAlarm') {
      throw validationError(`An alarm named ${cfg.name} already exists as a composite alarm.`);
    }
    m.putMetricAlarm(cfg);
    return {};
  },
  PutCompositeAlarm: (m, i) => {
    const cfg = parseCompositeAlarm(i);
    if (m.getAlarm(cfg.name)?.type === 'MetricAlarm') {
      throw validationError(`An alarm named ${cfg.name} already exists as a metric alarm.`);
    }
    const unknown = cfg.children.filter((c) => !m.getAlarm(c));
    if (unknown.length > 0) {
      throw validationError(`Error in AlarmRule: Could not find alarm(s) ${unknown.join(', ')}.`);
    }
    m.putCompositeAlarm(cfg);
    return {};
  },
  DescribeAlarms: (m, i) => describeAlarms(m, i),
  DescribeAlarmsForMetric: (m, i) => describeAlarmsForMetric(m, i),
  DescribeAlarmHistory: (m, i) => describeAlarmHistory(m, i),
  DeleteAlarms: (m, i) => {
    const names = toList(i.AlarmNames).map(String);
    if (names.length > 100) throw validationError('The collection AlarmNames must not have a size greater than 100.');
    // AWS deletes nothing when any named alarm is missing [U: the exact message].
    const missing = names.filter((n) => !m.getAlarm(n));
    if (missing.length > 0) throw resourceNotFound(`Alarm(s) ${missing.join(', ')} not found.`);
    m.deleteAlarms(names);
    return {};
  },
  SetAlarmState: (m, i) => {
    const name = toStr(i.AlarmName, 'AlarmName');
    const value = toStr(i.StateValue, 'StateValue');
    const reason = toStr(i.StateReason, 'StateReason');
    const data = optStr(i.StateReasonData);
    if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(value)) {
      throw validationError(`The value ${value} for parameter StateValue is not valid.`);
    }
    if (data !== undefined) {
      try {
        JSON.parse(data);
      } catch {
        throw new AwsError('InvalidFormat', 'The parameter StateReasonData must be valid JSON.', 400);
      }
    }
    if (!m.getAlarm(name)) throw resourceNotFound(`Alarm ${name} not found.`);
    m.setAlarmState(name, value as StateValue, reason, data);
    return {};
  },
  EnableAlarmActions: (m, i) => {
    m.setActionsEnabled(toList(i.AlarmNames).map(String), true);
    return {};
  },
  DisableAlarmActions: (m, i) => {
    m.setActionsEnabled(toList(i.AlarmNames).map(String), false);
    return {};
  },
};

/**
 * The CloudWatch service for the sandbox's AWS endpoint. Every call first brings alarm evaluation
 * up to the clock's now, so alarm reads never lag behind the metric data the world published.
 */
export function createCloudWatchHandler(model: CloudWatchModel): AwsServiceHandler {
  return (op, input) => {
    const fn = OPS[op];
    if (!fn) throw new AwsError('InvalidAction', `The action ${op} is not valid for this web service.`, 400);
    const now = model.clock.now();
    model.advanceTo(now);
    return fn(model, input ?? {}, now);
  };
}
