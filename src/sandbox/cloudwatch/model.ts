import type { Clock } from '../../util/clock.ts';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../ids.ts';
import type { CompositeAlarmConfig, MetricAlarmConfig } from './alarm-config.ts';
import { evaluateAlarm, evaluationRange, isoCw } from './alarm-evaluation.ts';
import { evaluateRule, type StateValue } from './alarm-rule.ts';
import type {
  AlarmChangeEvent,
  AlarmRecord,
  AlarmState,
  CompositeAlarmRecord,
  HistoryItem,
  MetricAlarmRecord,
} from './alarm-types.ts';
import { runQueries } from './metric-queries.ts';
import { MetricStore, type PutDatumInput } from './metric-store.ts';

export interface CloudWatchModelOptions {
  clock: Clock;
  region?: string;
  account?: string;
  /** How long datapoints are kept; default 15 days. */
  retentionMs?: number;
}

const HOUR = 3_600_000;

/**
 * The emulated CloudWatch: a metric store plus metric and composite alarms evaluated on the
 * injected clock. Alarms are evaluated only inside advanceTo (the world calls it each tick; the
 * handler calls it before reading alarms), so state is a pure function of data and time.
 */
export class CloudWatchModel {
  readonly store = new MetricStore();
  readonly clock: Clock;
  readonly region: string;
  readonly account: string;
  private readonly retentionMs: number;
  private readonly alarms = new Map<string, AlarmRecord>();
  private readonly history: HistoryItem[] = [];
  private readonly listeners = new Set<(e: AlarmChangeEvent) => void>();
  private lastPrune: number;
  private now: number;

  constructor(o: CloudWatchModelOptions) {
    this.clock = o.clock;
    this.region = o.region ?? SANDBOX_REGION;
    this.account = o.account ?? SANDBOX_ACCOUNT;
    this.retentionMs = o.retentionMs ?? 15 * 24 * HOUR;
    this.now = o.clock.now();
    this.lastPrune = this.now;
  }

  /** Publishes one datum (the world's API). See PutDatumInput for visibleAt (publication lag). */
  putDatum(d: PutDatumInput): void {
    this.store.put(d);
  }

  /** Subscribes to alarm state transitions; returns an unsubscribe function. */
  onAlarmChange(fn: (e: AlarmChangeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  alarmArn(name: string): string {
    return `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${name}`;
  }

  getAlarm(name: string): AlarmRecord | undefined {
    return this.alarms.get(name);
  }

  /** Every alarm, sorted by name. */
  listAlarms(): AlarmRecord[] {
    return [...this.alarms.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  historyItems(): readonly HistoryItem[] {
    return this.history;
  }

  /**
   * Evaluates every metric alarm at each of its period boundaries in (last, t], in time order,
   * each seeing only data visible at that boundary; composites are re-evaluated after each
   * boundary and at t. Calls with t in the past are no-ops.
   */
  advanceTo(t: number = this.clock.now()): void {
    if (t < this.now) return;
    for (;;) {
      let next = Number.POSITIVE_INFINITY;
      for (const a of this.alarms.values()) if (a.type === 'MetricAlarm' && a.nextEvalAt < next) next = a.nextEvalAt;
      if (next > t) break;
      this.now = next;
      for (const a of this.listAlarms()) {
        if (a.type !== 'MetricAlarm' || a.nextEvalAt !== next) continue;
        this.evaluateMetricAlarm(a, next);
        a.nextEvalAt = next + a.periodSec * 1000;
      }
      this.evaluateComposites(next);
    }
    this.now = t;
    this.evaluateComposites(t);
    if (t - this.lastPrune >= HOUR) {
      this.store.prune(t - this.retentionMs);
      this.lastPrune = t;
    }
  }

  putMetricAlarm(cfg: MetricAlarmConfig): void {
    const now = this.clock.now();
    const prev = this.alarms.get(cfg.name);
    if (prev && prev.type !== 'MetricAlarm') throw new Error(`alarm ${cfg.name} is a composite alarm`);
    const periodMs = cfg.periodSec * 1000;
    // Updating keeps the state (AWS: "its state is left unchanged"); the schedule restarts.
    const rec: MetricAlarmRecord = {
      ...cfg,
      arn: this.alarmArn(cfg.name),
      configUpdatedAt: now,
      state: prev?.state ?? initialState(now),
      nextEvalAt: Math.floor(now / periodMs) * periodMs + periodMs,
    };
    this.alarms.set(cfg.name, rec);
    this.recordConfig(rec, prev ? 'updated' : 'created', now);
  }

  putCompositeAlarm(cfg: CompositeAlarmConfig): void {
    const now = this.clock.now();
    const prev = this.alarms.get(cfg.name);
    if (prev && prev.type !== 'CompositeAlarm') throw new Error(`alarm ${cfg.name} is a metric alarm`);
    const rec: CompositeAlarmRecord = {
      ...cfg,
      arn: this.alarmArn(cfg.name),
      configUpdatedAt: now,
      state: prev?.state ?? initialState(now),
    };
    this.alarms.set(cfg.name, rec);
    this.recordConfig(rec, prev ? 'updated' : 'created', now);
    this.evaluateComposites(now);
  }

  /** Deletes the named alarms; unknown names are ignored. Returns the names deleted. */
  deleteAlarms(names: string[]): string[] {
    const now = this.clock.now();
    const deleted: string[] = [];
    for (const n of names) {
      const a = this.alarms.get(n);
      if (!a) continue;
      this.alarms.delete(n);
      deleted.push(n);
      this.recordConfig(a, 'deleted', now);
    }
    this.evaluateComposites(now);
    return deleted;
  }

  /** SetAlarmState: the state holds until the next evaluation computes a different one. */
  setAlarmState(name: string, value: StateValue, reason: string, reasonData?: string): void {
    const a = this.alarms.get(name);
    if (!a) throw new Error(`alarm ${name} does not exist`);
    const now = this.clock.now();
    this.transition(a, value, reason, reasonData, now);
    this.evaluateComposites(now);
  }

  setActionsEnabled(names: string[], enabled: boolean): void {
    for (const n of names) {
      const a = this.alarms.get(n);
      if (a) a.actionsEnabled = enabled;
    }
  }

  private evaluateMetricAlarm(a: MetricAlarmRecord, at: number): void {
    const p = a.periodSec * 1000;
    const range = evaluationRange(a.evaluationPeriods);
    const window = { start: at - range * p, end: at, asOf: at };
    let points: { t: number; v: number }[];
    if (a.metric) {
      const m = a.metric;
      const series = this.store.get(m.namespace, m.metricName, m.dimensions);
      const pts = this.store.aggregate(series, { ...window, periodMs: p, ...(m.unit ? { unit: m.unit } : {}) }, m.stat);
      points = pts.timestamps.map((t, i) => ({ t, v: pts.values[i]! }));
    } else {
      const [r] = runQueries(this.store, a.queries!, window);
      points = r ? r.series.timestamps.map((t, i) => ({ t, v: r.series.values[i]! })) : [];
    }
    const outcome = evaluateAlarm({
      at,
      periodSec: a.periodSec,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
      threshold: a.threshold,
      comparison: a.comparison,
      treatMissingData: a.treatMissingData ?? 'missing',
      current: a.state.value,
      points,
      ...(a.metric ? { statistic: a.metric.stat.name } : {}),
    });
    if (outcome.state === 'retain' || outcome.state === a.state.value) return;
    this.transition(a, outcome.state, outcome.reason, JSON.stringify(outcome.reasonData), at);
  }

  /** Re-evaluates composites until none changes (bounded: rules may form cycles). */
  private evaluateComposites(at: number): void {
    const composites = this.listAlarms().filter((a): a is CompositeAlarmRecord => a.type === 'CompositeAlarm');
    for (let pass = 0; pass <= composites.length; pass++) {
      let changed = false;
      for (const c of composites) {
        const value: StateValue = evaluateRule(c.ruleAst, (n) => this.alarms.get(n)?.state.value) ? 'ALARM' : 'OK';
        if (value === c.state.value) continue;
        const { reason, data } = this.compositeReason(c, value);
        this.transition(c, value, reason, data, at);
        changed = true;
      }
      if (!changed) return;
    }
  }

  private compositeReason(c: CompositeAlarmRecord, value: StateValue): { reason: string; data: string } {
    const kids = c.children.flatMap((n) => {
      const a = this.alarms.get(n);
      return a ? [a] : [];
    });
    const triggering = value === 'ALARM' ? kids.filter((k) => k.state.value === 'ALARM') : [];
    // The reason names the most recent transition among the children that explain the new state.
    const candidates = triggering.length > 0 ? triggering : kids;
    const latest = [...candidates].sort((x, y) => y.state.transitionedAt - x.state.transitionedAt)[0];
    const shown = triggering.length > 0 ? triggering : latest ? [latest] : [];
    const reason = latest
      ? `${latest.arn} transitioned to ${latest.state.value} at ${longDate(latest.state.transitionedAt)}`
      : `AlarmRule evaluated to ${value === 'ALARM' ? 'TRUE' : 'FALSE'}`;
    const data = JSON.stringify({
      triggeringAlarms: shown.map((k) => ({
        arn: k.arn,
        state: { value: k.state.value, timestamp: isoCw(k.state.transitionedAt) },
      })),
    });
    return { reason, data };
  }

  private transition(a: AlarmRecord, value: StateValue, reason: string, reasonData: string | undefined, at: number) {
    const old = a.state;
    a.state = {
      value,
      reason,
      ...(reasonData !== undefined ? { reasonData } : {}),
      updatedAt: at,
      transitionedAt: value === old.value ? old.transitionedAt : at,
    };
    this.history.push({
      alarmName: a.name,
      alarmType: a.type,
      timestamp: at,
      type: 'StateUpdate',
      summary: `Alarm updated from ${old.value} to ${value}`,
      data: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: old.value, stateReason: old.reason },
        newState: {
          stateValue: value,
          stateReason: reason,
          ...(reasonData !== undefined ? { stateReasonData: safeJson(reasonData) } : {}),
        },
      }),
    });
    if (value === old.value) return;
    const event: AlarmChangeEvent = {
      alarmName: a.name,
      alarmArn: a.arn,
      alarmType: a.type,
      oldState: old.value,
      newState: value,
      reason,
      timestamp: at,
    };
    for (const fn of this.listeners) fn(event);
  }

  private recordConfig(a: AlarmRecord, what: 'created' | 'updated' | 'deleted', at: number): void {
    this.history.push({
      alarmName: a.name,
      alarmType: a.type,
      timestamp: at,
      type: 'ConfigurationUpdate',
      summary: `Alarm "${a.name}" ${what}`,
      data: JSON.stringify({
        version: '1.0',
        type: what === 'created' ? 'Create' : what === 'updated' ? 'Update' : 'Delete',
      }),
    });
  }
}

function initialState(now: number): AlarmState {
  return {
    value: 'INSUFFICIENT_DATA',
    reason: 'Unchecked: Initial alarm creation',
    updatedAt: now,
    transitionedAt: now,
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "Wednesday 01 January, 2026 00:05:00 UTC", as in composite alarm reasons. */
function longDate(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}
