import type { ComparisonOperator, TreatMissingData } from './alarm-evaluation.ts';
import type { RuleNode, StateValue } from './alarm-rule.ts';
import type { ParsedQuery } from './metric-queries.ts';
import type { Dimension } from './metric-store.ts';
import type { Stat } from './statistics.ts';

export interface AlarmState {
  value: StateValue;
  reason: string;
  reasonData?: string;
  /** StateUpdatedTimestamp: last change of state value or reason. */
  updatedAt: number;
  /** StateTransitionedTimestamp: last change of state value. */
  transitionedAt: number;
}

interface AlarmCommon {
  name: string;
  arn: string;
  description?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  configUpdatedAt: number;
  state: AlarmState;
}

export interface MetricAlarmRecord extends AlarmCommon {
  type: 'MetricAlarm';
  /** Single-metric form. */
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Dimension[];
    stat: Stat;
    /** Set when the statistic is an ExtendedStatistic (pNN). */
    extended: boolean;
    unit?: string;
  };
  /** Metric-math form: the queries and the SDK-shaped copy DescribeAlarms returns. */
  queries?: ParsedQuery[];
  metricsOut?: Record<string, any>[];
  periodSec: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparison: ComparisonOperator;
  treatMissingData?: TreatMissingData;
  evaluateLowSampleCountPercentile?: string;
  /** Next period boundary (epoch ms) at which the alarm is evaluated. */
  nextEvalAt: number;
}

export interface CompositeAlarmRecord extends AlarmCommon {
  type: 'CompositeAlarm';
  rule: string;
  ruleAst: RuleNode;
  children: string[];
  actionsSuppressor?: string;
  actionsSuppressorWaitPeriod?: number;
  actionsSuppressorExtensionPeriod?: number;
}

export type AlarmRecord = MetricAlarmRecord | CompositeAlarmRecord;

export interface HistoryItem {
  alarmName: string;
  alarmType: 'MetricAlarm' | 'CompositeAlarm';
  timestamp: number;
  type: 'ConfigurationUpdate' | 'StateUpdate' | 'Action';
  summary: string;
  data: string;
}

export interface AlarmChangeEvent {
  alarmName: string;
  alarmArn: string;
  alarmType: 'MetricAlarm' | 'CompositeAlarm';
  oldState: StateValue;
  newState: StateValue;
  reason: string;
  timestamp: number;
}
