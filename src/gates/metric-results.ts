import type { MetricKey, MetricQueryPlan } from './metric-queries.ts';
import type { MinuteTraffic } from './tick.ts';
import type { MetricWindow } from './windows.ts';
import { PERIOD_MS } from './windows.ts';

/**
 * Reading a GetMetricData answer back into series. ALB publishes nothing for a minute with a zero
 * count (aws-k8s-facts §3), so a minute without a datapoint is 0 — for RequestCount too; it is the
 * checks that refuse to judge too few requests. A result that is missing, PartialData (the adapter
 * pages with NextToken, so what is left partial was not all read) or InternalError makes its
 * series unreadable: the checks reading it are inconclusive, never a pass.
 */

/** One MetricDataResult as the SDK returns it (all fields optional, as in the SDK's types). */
export interface MetricDataResultLike {
  Id?: string;
  Label?: string;
  Timestamps?: Array<Date | number>;
  Values?: number[];
  StatusCode?: string;
  Messages?: Array<{ Code?: string; Value?: string }>;
}

/** A series read: its value per period start (ms); or why it could not be read. */
export type SeriesReading = { ok: true; points: Array<[number, number]> } | { ok: false; reason: string };

/** Every series of a tick, by query Id, with what each Id stands for. JSON-serialisable. */
export interface MetricReadings {
  window: MetricWindow;
  keys: MetricKey[];
  series: Record<string, SeriesReading>;
}

/**
 * Reads `results` (all pages' MetricDataResults, in any order; one Id may appear on several pages)
 * against the plan that asked for them. `messages` are the response-level Messages, quoted in reasons.
 */
export function parseMetricData(
  plan: MetricQueryPlan,
  results: MetricDataResultLike[],
  messages: Array<{ Code?: string; Value?: string }> = [],
): MetricReadings {
  const byId = new Map<string, MetricDataResultLike[]>();
  for (const r of results) if (r.Id !== undefined) byId.set(r.Id, [...(byId.get(r.Id) ?? []), r]);
  const series: Record<string, SeriesReading> = {};
  for (const key of plan.keys) series[key.id] = readSeries(byId.get(key.id) ?? [], plan.window, messages);
  return { window: plan.window, keys: plan.keys, series };
}

function readSeries(
  parts: MetricDataResultLike[],
  window: MetricWindow,
  messages: Array<{ Code?: string; Value?: string }>,
): SeriesReading {
  if (parts.length === 0) return { ok: false, reason: `no result${quote(messages)}` };
  const points = new Map<number, number>();
  let complete = false;
  for (const part of parts) {
    const status = part.StatusCode ?? 'Complete';
    if (status === 'Complete') complete = true;
    else if (status !== 'PartialData')
      return { ok: false, reason: `status ${status}${quote(part.Messages ?? messages)}` };
    const ts = part.Timestamps ?? [];
    const vs = part.Values ?? [];
    if (ts.length !== vs.length) return { ok: false, reason: `${ts.length} timestamps for ${vs.length} values` };
    for (let i = 0; i < ts.length; i++) {
      const t = typeof ts[i] === 'number' ? (ts[i] as number) : (ts[i] as Date).getTime();
      const v = vs[i]!;
      if (!Number.isFinite(t) || !Number.isFinite(v) || v < 0)
        return { ok: false, reason: `bad datapoint ${v} at ${t}` };
      if (t >= window.startMs && t < window.endMs) points.set(t, v);
    }
  }
  // Pages of one query end with a Complete part; one still PartialData was not read to its end.
  if (!complete) return { ok: false, reason: `status PartialData${quote(parts.at(-1)?.Messages ?? messages)}` };
  return { ok: true, points: [...points.entries()].sort((a, b) => a[0] - b[0]) };
}

function quote(messages: Array<{ Code?: string; Value?: string }>): string {
  const text = messages.map((m) => [m.Code, m.Value].filter(Boolean).join(': ')).filter(Boolean);
  return text.length ? ` (${text.join('; ')})` : '';
}

/** Period starts of a window, in order. */
export function minutesOf(window: MetricWindow): number[] {
  const out: number[] = [];
  for (let t = window.startMs; t < window.endMs; t += PERIOD_MS) out.push(t);
  return out;
}

/** Per-minute totals of several series (missing minutes are 0), or why one could not be read. */
export type MinuteTotals = { ok: true; minutes: Array<[number, number]> } | { ok: false; reason: string };

/**
 * Adds up, minute by minute over the readings' window, the series of `keys` (e.g. one cluster's
 * target groups on every route). No keys at all is unreadable: there is nothing to judge.
 */
export function minuteTotals(readings: MetricReadings, keys: MetricKey[]): MinuteTotals {
  if (keys.length === 0) return { ok: false, reason: 'no series to read' };
  const totals = new Map(minutesOf(readings.window).map((t) => [t, 0]));
  for (const key of keys) {
    const s = readings.series[key.id];
    if (!s) return { ok: false, reason: `${key.metric} ${key.targetGroup ?? key.loadBalancer}: not queried` };
    if (!s.ok) return { ok: false, reason: `${key.metric} ${key.targetGroup ?? key.loadBalancer}: ${s.reason}` };
    for (const [t, v] of s.points) if (totals.has(t)) totals.set(t, totals.get(t)! + v);
  }
  return { ok: true, minutes: [...totals.entries()] };
}

/** The keys of one metric of one cluster's target groups (every route), or of every load balancer. */
export function keysFor(readings: MetricReadings, metric: MetricKey['metric'], cluster?: string): MetricKey[] {
  return readings.keys.filter(
    (k) => k.metric === metric && (cluster === undefined ? k.targetGroup === undefined : k.cluster === cluster),
  );
}

/**
 * Each cluster's requests and target 5xx per minute of the readings' window, summed over its
 * target groups (every route). A cluster with an unreadable series is left out: a chart shows a
 * gap rather than a zero that was never read.
 */
export function clusterTraffic(readings: MetricReadings): Record<string, MinuteTraffic[]> {
  const clusters = [...new Set(readings.keys.flatMap((k) => (k.cluster === undefined ? [] : [k.cluster])))];
  const out: Record<string, MinuteTraffic[]> = {};
  for (const cluster of clusters) {
    const requests = minuteTotals(readings, keysFor(readings, 'RequestCount', cluster));
    const errors = minuteTotals(readings, keysFor(readings, 'HTTPCode_Target_5XX_Count', cluster));
    if (!requests.ok || !errors.ok) continue;
    const errorsAt = new Map(errors.minutes);
    out[cluster] = requests.minutes.map(([startMs, n]) => ({
      startMs,
      requests: n,
      errors: errorsAt.get(startMs) ?? 0,
    }));
  }
  return out;
}
