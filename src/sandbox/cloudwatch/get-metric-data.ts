import { optInt, optStr, toDate, toList } from './coerce.ts';
import { invalidValue, validationError } from './errors.ts';
import { parseQueries, runQueries } from './metric-queries.ts';
import type { MetricStore } from './metric-store.ts';
import { decodeToken, encodeToken, fingerprint } from './pagination.ts';

const MAX_QUERIES = 500;
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * StartTime rounded down as the API reference documents it (GetMetricData, GetMetricStatistics):
 * with periods under a minute, to the period's division of the minute (a 10 s period: 01:05:23 →
 * 01:05:20); otherwise by the start's age: to the minute (< 15 days), to 5 minutes (15–63 days),
 * to the hour (older). Several sub-minute periods round to their common division [U].
 */
export function roundStartTime(raw: number, periodsSec: readonly number[], now: number): number {
  let unit: number;
  if (periodsSec.length > 0 && periodsSec.every((p) => p < 60)) unit = periodsSec.reduce(gcd) * 1000;
  else {
    const age = now - raw;
    unit = age > 63 * DAY ? 60 * MINUTE : age > 15 * DAY ? 5 * MINUTE : MINUTE;
  }
  return Math.floor(raw / unit) * unit;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

const DEFAULT_MAX_DATAPOINTS = 100_800;

export interface MetricDataResultOut {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
}

/**
 * GetMetricData. Window: StartTime rounded down ({@link roundStartTime}), EndTime exclusive;
 * buckets start at the rounded StartTime and step by the period.
 * Pagination (MaxDatapoints, NextToken) applies to MetricStat results in request order; math
 * results come whole on the first page and never carry a NextToken of their own.
 */
export function getMetricData(store: MetricStore, input: Record<string, any>, now: number) {
  const rawQueries = toList(input.MetricDataQueries);
  if (rawQueries.length === 0) throw validationError('The parameter MetricDataQueries is required.');
  if (rawQueries.length > MAX_QUERIES) {
    throw validationError(
      `1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_QUERIES}`,
    );
  }
  const queries = parseQueries(rawQueries);
  const startRaw = toDate(input.StartTime, 'StartTime').getTime();
  const end = toDate(input.EndTime, 'EndTime').getTime();
  const periods = queries.map((q) => q.metricStat?.periodSec ?? q.periodSec ?? 60);
  const start = roundStartTime(startRaw, periods, now);
  if (start >= end) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = optStr(input.ScanBy) ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidValue(`The value ${scanBy} for parameter ScanBy is not valid.`);
  }
  const maxDatapoints = optInt(input.MaxDatapoints, 'MaxDatapoints') ?? DEFAULT_MAX_DATAPOINTS;
  if (maxDatapoints < 1) throw invalidValue('The parameter MaxDatapoints must be greater than 0.');
  const fp = fingerprint([rawQueries, start, end, scanBy, maxDatapoints]);
  const prior = decodeToken(optStr(input.NextToken), fp);
  let offset = prior;

  const results = runQueries(store, queries, { start, end, asOf: now });
  const descending = scanBy === 'TimestampDescending';
  const firstPage = offset === 0;
  const out: MetricDataResultOut[] = [];
  let budget = maxDatapoints;
  let more = false;
  for (const r of results) {
    let ts = r.series.timestamps;
    let vs = r.series.values;
    if (descending) {
      ts = [...ts].reverse();
      vs = [...vs].reverse();
    }
    if (r.fromMath) {
      if (firstPage) out.push(result(r.id, r.label, ts, vs, 'Complete'));
      continue;
    }
    // `offset` counts MetricStat datapoints already returned on earlier pages.
    const skip = Math.min(offset, ts.length);
    offset -= skip;
    const take = Math.min(budget, ts.length - skip);
    budget -= take;
    const partial = skip + take < ts.length;
    more ||= partial;
    out.push(
      result(
        r.id,
        r.label,
        ts.slice(skip, skip + take),
        vs.slice(skip, skip + take),
        partial ? 'PartialData' : 'Complete',
      ),
    );
  }
  const consumed = maxDatapoints - budget;
  return {
    MetricDataResults: out,
    Messages: [],
    ...(more ? { NextToken: encodeToken(prior + consumed, fp) } : {}),
  };
}

function result(id: string, label: string, ts: number[], vs: number[], status: 'Complete' | 'PartialData') {
  return { Id: id, Label: label, Timestamps: ts.map((t) => new Date(t)), Values: vs, StatusCode: status };
}
