import type { AlarmStateLike, AlarmTransition } from './alarm-check.ts';
import type { TargetHealthLike } from './healthy-targets.ts';

/**
 * Pure conversions from the AWS SDK's response shapes to the checks' inputs, so the adapter only
 * calls and pages. Shapes are declared structurally (all fields optional, as in the SDK's types);
 * nothing here imports the SDK.
 *
 * What to ask for: DescribeAlarms with `AlarmTypes: ['MetricAlarm', 'CompositeAlarm']` (without it
 * only metric alarms come back — aws-k8s-facts §3), and DescribeAlarmHistory with
 * `HistoryItemType: 'StateUpdate'`, the same AlarmTypes and `StartDate` = the previous poll.
 */

/** MetricAlarms and CompositeAlarms of a DescribeAlarms response (all pages concatenated). */
export function alarmStatesFrom(out: {
  MetricAlarms?: Array<{ AlarmName?: string; StateValue?: string; StateReason?: string }>;
  CompositeAlarms?: Array<{ AlarmName?: string; StateValue?: string; StateReason?: string }>;
}): AlarmStateLike[] {
  return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].flatMap((a) =>
    a.AlarmName === undefined
      ? []
      : [
          {
            name: a.AlarmName,
            state: a.StateValue ?? 'INSUFFICIENT_DATA',
            ...(a.StateReason ? { reason: a.StateReason } : {}),
          },
        ],
  );
}

/**
 * StateUpdate items of DescribeAlarmHistory as transitions. The new state is read from HistoryData
 * (`{"version":"1.0","oldState":{…},"newState":{"stateValue":"ALARM",…}}`); AWS does not contract
 * that JSON **[U]**, so an item whose HistoryData does not parse falls back to HistorySummary
 * (`Alarm updated from OK to ALARM`), and one neither explains is kept as state `UNKNOWN`.
 */
export function alarmTransitionsFrom(
  items: Array<{
    AlarmName?: string;
    Timestamp?: Date | number;
    HistoryItemType?: string;
    HistorySummary?: string;
    HistoryData?: string;
  }>,
): AlarmTransition[] {
  return items.flatMap((h) => {
    if (h.HistoryItemType !== 'StateUpdate' || h.AlarmName === undefined || h.Timestamp === undefined) return [];
    const atMs = typeof h.Timestamp === 'number' ? h.Timestamp : h.Timestamp.getTime();
    return [{ name: h.AlarmName, atMs, newState: newStateOf(h.HistoryData, h.HistorySummary) }];
  });
}

function newStateOf(data: string | undefined, summary: string | undefined): string {
  try {
    const state = JSON.parse(data ?? '')?.newState?.stateValue;
    if (typeof state === 'string') return state;
  } catch {
    // Not JSON: read the summary instead.
  }
  return /\bto (OK|ALARM|INSUFFICIENT_DATA)\b/.exec(summary ?? '')?.[1] ?? 'UNKNOWN';
}

/** TargetHealthDescriptions of a DescribeTargetHealth response. */
export function targetHealthFrom(out: {
  TargetHealthDescriptions?: Array<{ Target?: { Id?: string; Port?: number }; TargetHealth?: { State?: string } }>;
}): TargetHealthLike[] {
  return (out.TargetHealthDescriptions ?? []).flatMap((d) =>
    d.Target?.Id === undefined
      ? []
      : [
          {
            id: d.Target.Id,
            ...(d.Target.Port !== undefined ? { port: d.Target.Port } : {}),
            state: d.TargetHealth?.State ?? 'unavailable',
          },
        ],
  );
}
