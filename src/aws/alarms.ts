import {
  type AlarmHistoryItem,
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { awsCall } from './errors.ts';
import type { AlarmReader, AlarmStateValue, AlarmStatus, AlarmTransition } from './ports.ts';

/** DescribeAlarms takes at most 100 AlarmNames per call (API reference). */
const NAMES_PER_CALL = 100;
const BOTH = ['MetricAlarm', 'CompositeAlarm'] as const;

/**
 * AlarmReader over DescribeAlarms and DescribeAlarmHistory.
 * - `AlarmTypes` always names both types: left out, CloudWatch returns metric alarms only, and a
 *   composite alarm named in a gate would look missing.
 * - Transitions come from the history (`HistoryItemType: StateUpdate`, ascending, from a start
 *   date), so an alarm that went to ALARM and back to OK between two polls is still seen.
 *   DescribeAlarmHistory filters by one AlarmName, so this is one call (plus pages) per alarm.
 */
export class CloudWatchAlarms implements AlarmReader {
  constructor(private readonly cw: CloudWatchClient) {}

  async describeAlarms(names: readonly string[]): Promise<{ alarms: AlarmStatus[]; missing: string[] }> {
    const alarms: AlarmStatus[] = [];
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
      const AlarmNames = names.slice(i, i + NAMES_PER_CALL);
      let NextToken: string | undefined;
      do {
        const out = await awsCall({ operation: 'DescribeAlarms', arn: AlarmNames.join(', ') }, () =>
          this.cw.send(
            new DescribeAlarmsCommand({ AlarmNames, AlarmTypes: [...BOTH], ...(NextToken ? { NextToken } : {}) }),
          ),
        );
        for (const a of out.MetricAlarms ?? []) alarms.push(status(a, 'metric'));
        for (const a of out.CompositeAlarms ?? []) alarms.push(status(a, 'composite'));
        NextToken = out.NextToken;
      } while (NextToken);
    }
    const found = new Set(alarms.map((a) => a.name));
    return { alarms, missing: names.filter((n) => !found.has(n)) };
  }

  async alarmTransitions(names: readonly string[], sinceMs: number): Promise<AlarmTransition[]> {
    const out: AlarmTransition[] = [];
    for (const AlarmName of names) {
      let NextToken: string | undefined;
      do {
        const page = await awsCall({ operation: 'DescribeAlarmHistory', arn: AlarmName }, () =>
          this.cw.send(
            new DescribeAlarmHistoryCommand({
              AlarmName,
              AlarmTypes: [...BOTH],
              HistoryItemType: 'StateUpdate',
              StartDate: new Date(sinceMs),
              ScanBy: 'TimestampAscending',
              ...(NextToken ? { NextToken } : {}),
            }),
          ),
        );
        for (const item of page.AlarmHistoryItems ?? []) {
          const t = transition(item);
          if (t && t.at >= sinceMs) out.push(t);
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return out.sort((a, b) => a.at - b.at);
  }
}

const STATES = new Set<string>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const asState = (v: unknown): AlarmStateValue | undefined =>
  typeof v === 'string' && STATES.has(v) ? (v as AlarmStateValue) : undefined;

function status(
  a: { AlarmName?: string; StateValue?: string; StateReason?: string; StateTransitionedTimestamp?: Date },
  type: AlarmStatus['type'],
): AlarmStatus {
  return {
    name: a.AlarmName ?? '',
    type,
    state: asState(a.StateValue) ?? 'INSUFFICIENT_DATA',
    reason: a.StateReason ?? '',
    transitionedAt: a.StateTransitionedTimestamp?.getTime(),
  };
}

/**
 * A StateUpdate item's HistoryData is JSON `{version, oldState: {stateValue, …}, newState: {…}}`.
 * An item whose data cannot be read is kept when its summary says `… to ALARM` (never dropped
 * silently: a missed ALARM is worse than a duplicate).
 */
export function transition(item: AlarmHistoryItem): AlarmTransition | undefined {
  if (!item.AlarmName || !item.Timestamp) return undefined;
  const summary = item.HistorySummary ?? '';
  let from: AlarmStateValue | undefined;
  let to: AlarmStateValue | undefined;
  try {
    const data = JSON.parse(item.HistoryData ?? '');
    from = asState(data?.oldState?.stateValue);
    to = asState(data?.newState?.stateValue);
  } catch {
    to = asState(/ to (OK|ALARM|INSUFFICIENT_DATA)\b/.exec(summary)?.[1]);
  }
  if (!to) return undefined;
  return { name: item.AlarmName, at: item.Timestamp.getTime(), from, to, summary };
}
