import type { Verdict } from './verdict.ts';

/**
 * `alarm`: the named CloudWatch alarms (metric or composite) must not be in ALARM, and must not
 * have been in ALARM since the last poll — an alarm that fired and cleared between two polls
 * still counts (DescribeAlarmHistory's StateUpdate items show the transition). A named alarm that
 * does not exist, or states/history that could not be read, is inconclusive (fail closed past the
 * inconclusive limit, as CodeDeploy's IgnorePollAlarmFailure=false). INSUFFICIENT_DATA is not ALARM.
 * The step rules roll back at once on a failed alarm check, whatever the failure limit.
 */

/** A MetricAlarm or CompositeAlarm from DescribeAlarms, reduced to what the check reads. */
export interface AlarmStateLike {
  name: string;
  /** StateValue: OK | ALARM | INSUFFICIENT_DATA. */
  state: string;
  reason?: string;
}

/** A StateUpdate item of DescribeAlarmHistory: the alarm moved to `newState` at `atMs`. */
export interface AlarmTransition {
  name: string;
  atMs: number;
  newState: string;
}

/** One poll: the alarms' states now and their transitions after `sinceMs` (the previous poll). */
export interface AlarmPoll {
  sinceMs: number;
  alarms: AlarmStateLike[] | { error: string };
  history: AlarmTransition[] | { error: string };
}

export function evaluateAlarms(check: number, spec: { names: string[] }, poll: AlarmPoll): Verdict {
  const type = 'alarm';
  const verdict = (outcome: Verdict['outcome'], text: string): Verdict => ({
    check,
    type,
    outcome,
    numbers: {},
    description: `alarm ${text} ${outcome}`,
  });
  if (!Array.isArray(poll.alarms)) return verdict('inconclusive', `states unreadable (${poll.alarms.error})`);
  const states = new Map(poll.alarms.map((a) => [a.name, a]));
  const firing = spec.names.filter((n) => states.get(n)?.state === 'ALARM');
  if (firing.length > 0) {
    const why = firing.map((n) => `${n} in ALARM${states.get(n)?.reason ? ` (${states.get(n)?.reason})` : ''}`);
    return verdict('fail', why.join('; '));
  }
  const history = Array.isArray(poll.history) ? poll.history : [];
  const fired = spec.names.flatMap((n) => {
    const t = history.find((h) => h.name === n && h.newState === 'ALARM' && h.atMs > poll.sinceMs);
    return t ? [`${n} went to ALARM at ${new Date(t.atMs).toISOString()} (${states.get(n)?.state ?? 'gone'} now)`] : [];
  });
  if (fired.length > 0) return verdict('fail', fired.join('; '));
  const missing = spec.names.filter((n) => !states.has(n));
  if (missing.length > 0) return verdict('inconclusive', `${missing.join(', ')} not found`);
  if (!Array.isArray(poll.history)) return verdict('inconclusive', `history unreadable (${poll.history.error})`);
  return verdict('pass', `${spec.names.map((n) => `${n} ${states.get(n)!.state}`).join(', ')}`);
}
