import { optDate, optInt, optNumber, optStr, toDate, toList, toStr } from './coerce.ts';
import { invalidCombination, invalidValue, missingParameter } from './errors.ts';
import { roundStartTime } from './get-metric-data.ts';
import { isValidPeriod, parseDimensions } from './metric-queries.ts';
import type { MetricSeries, MetricStore, PutDatumInput } from './metric-store.ts';
import { decodeToken, encodeToken, fingerprint } from './pagination.ts';
import { BASIC_STATS, parseStat, statValue } from './statistics.ts';

const DAY = 86_400_000;

/** PutMetricData: custom namespaces only; data is visible to reads at once. */
export function putMetricData(store: MetricStore, input: Record<string, any>, now: number): Record<string, never> {
  const namespace = toStr(input.Namespace, 'Namespace');
  if (namespace.startsWith('AWS/')) throw invalidValue(`The value AWS/ for parameter Namespace is invalid.`);
  const data = toList(input.MetricData);
  if (data.length === 0) throw missingParameter('MetricData');
  if (data.length > 1000) throw invalidValue('The collection MetricData must not have a size greater than 1000.');
  // Validate everything first: PutMetricData is all-or-nothing.
  const datums: PutDatumInput[] = data.map((d: any, i) => {
    const at = `MetricData.member.${i + 1}`;
    const metricName = toStr(d?.MetricName, `${at}.MetricName`);
    const timestamp = optDate(d.Timestamp, `${at}.Timestamp`)?.getTime() ?? now;
    if (timestamp < now - 14 * DAY || timestamp > now + 2 * 3_600_000) {
      throw invalidValue(
        `The parameter ${at}.Timestamp must specify a time no more than two weeks in the past or two hours in the future.`,
      );
    }
    const value = optNumber(d.Value, `${at}.Value`);
    const values = toList(d.Values).map((v, j) => finite(optNumber(v, `${at}.Values.member.${j + 1}`), `${at}.Values`));
    const counts = toList(d.Counts).map((v, j) => finite(optNumber(v, `${at}.Counts.member.${j + 1}`), `${at}.Counts`));
    const sv = d.StatisticValues;
    const given = [value !== undefined, values.length > 0, sv !== undefined && sv !== null && sv !== ''].filter(
      Boolean,
    );
    if (given.length > 1) {
      throw invalidCombination(
        `The parameters ${at}.Value, ${at}.Values and ${at}.StatisticValues are mutually exclusive.`,
      );
    }
    if (counts.length > 0 && counts.length !== values.length) {
      throw invalidValue(`The parameters ${at}.Values and ${at}.Counts must be arrays of the same size.`);
    }
    const out: PutDatumInput = {
      namespace,
      metricName,
      dimensions: parseDimensions(d.Dimensions, `${at}.Dimensions`),
      timestamp,
      visibleAt: now,
    };
    const unit = optStr(d.Unit);
    if (unit) out.unit = unit;
    if (optInt(d.StorageResolution, `${at}.StorageResolution`) === 1) out.highResolution = true;
    if (value !== undefined) out.value = finite(value, `${at}.Value`);
    else if (values.length > 0) {
      out.values = values;
      if (counts.length > 0) out.counts = counts;
    } else if (given.length === 1) {
      out.statistics = {
        sampleCount: finite(
          optNumber(sv.SampleCount, `${at}.StatisticValues.SampleCount`),
          `${at}.StatisticValues.SampleCount`,
        ),
        sum: finite(optNumber(sv.Sum, `${at}.StatisticValues.Sum`), `${at}.StatisticValues.Sum`),
        min: finite(optNumber(sv.Minimum, `${at}.StatisticValues.Minimum`), `${at}.StatisticValues.Minimum`),
        max: finite(optNumber(sv.Maximum, `${at}.StatisticValues.Maximum`), `${at}.StatisticValues.Maximum`),
      };
    } else {
      // AWS treats a datum with no value as 0 [U]; the SDK docs only say one of them "must" be given.
      out.value = 0;
    }
    return out;
  });
  for (const d of datums) store.put(d);
  return {};
}

function finite(n: number | undefined, field: string): number {
  if (n === undefined) throw missingParameter(field);
  if (!Number.isFinite(n)) throw invalidValue(`The value ${n} for parameter ${field} is not a finite number.`);
  return n;
}

/** GetMetricStatistics: one Datapoint per period with data, in no particular order (here ascending). */
export function getMetricStatistics(store: MetricStore, input: Record<string, any>, now: number) {
  const namespace = toStr(input.Namespace, 'Namespace');
  const metricName = toStr(input.MetricName, 'MetricName');
  const dimensions = parseDimensions(input.Dimensions, 'Dimensions');
  const startRaw = toDate(input.StartTime, 'StartTime').getTime();
  const end = toDate(input.EndTime, 'EndTime').getTime();
  const period = optInt(input.Period, 'Period');
  if (period === undefined) throw missingParameter('Period');
  if (!isValidPeriod(period)) throw invalidValue('The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60.');
  const statistics = toList(input.Statistics).map(String);
  const extended = toList(input.ExtendedStatistics).map(String);
  if (statistics.length === 0 && extended.length === 0) {
    throw invalidCombination('Must specify either Statistics or ExtendedStatistics');
  }
  if (statistics.length > 0 && extended.length > 0) {
    throw invalidCombination('The parameters Statistics and ExtendedStatistics are mutually exclusive.');
  }
  for (const s of statistics) {
    if (!(BASIC_STATS as readonly string[]).includes(s))
      throw invalidValue(`The value ${s} for parameter Statistics is not valid.`);
  }
  const ext = extended.map((s) => {
    const st = parseStat(s);
    if (st?.kind !== 'percentile') throw invalidValue(`The value ${s} for parameter ExtendedStatistics is not valid.`);
    return st;
  });
  const start = roundStartTime(startRaw, [period], now);
  if (start >= end) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const requested = Math.ceil((end - start) / (period * 1000));
  if (requested > 1440) {
    throw invalidCombination(
      `You have requested up to ${requested} datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const unit = optStr(input.Unit);
  const buckets = store.buckets(store.get(namespace, metricName, dimensions) ?? emptySeries(), {
    start,
    end,
    periodMs: period * 1000,
    asOf: now,
    ...(unit ? { unit } : {}),
  });
  const Datapoints = buckets.map((tb) => {
    const dp: Record<string, any> = { Timestamp: new Date(tb.timestamp), Unit: tb.unit };
    for (const s of statistics) dp[s] = statValue(tb.bucket, parseStat(s)!);
    if (ext.length > 0) {
      const es: Record<string, number> = {};
      for (const st of ext) {
        const v = statValue(tb.bucket, st);
        if (v !== undefined) es[st.name] = v;
      }
      dp.ExtendedStatistics = es;
    }
    return dp;
  });
  return { Label: metricName, Datapoints };
}

function emptySeries(): MetricSeries {
  return {
    key: '',
    namespace: '',
    metricName: '',
    dimensions: [],
    resolutionMs: 60_000,
    slots: new Map(),
    firstVisibleAt: Number.POSITIVE_INFINITY,
    lastTimestamp: Number.NEGATIVE_INFINITY,
  };
}

const LIST_PAGE = 500;

/**
 * ListMetrics: a metric is listed once one of its datapoints is visible; the Dimensions filter
 * keeps metrics that have every named dimension (with the given Value, when one is given), extra
 * dimensions allowed. Sorted by namespace, name and dimensions, 500 per page.
 */
export function listMetrics(store: MetricStore, input: Record<string, any>, now: number) {
  const namespace = optStr(input.Namespace);
  const metricName = optStr(input.MetricName);
  const filters = toList(input.Dimensions).map((d: any, i) => {
    const Name = optStr(d?.Name);
    if (!Name) throw missingParameter(`Dimensions.member.${i + 1}.Name`);
    return { Name, Value: optStr(d.Value) };
  });
  if (filters.length > 10) throw invalidValue('The collection Dimensions must not have a size greater than 10.');
  const recentlyActive = optStr(input.RecentlyActive);
  if (recentlyActive !== undefined && recentlyActive !== 'PT3H') {
    throw invalidValue(`The value ${recentlyActive} for parameter RecentlyActive is not valid.`);
  }
  const matches = [...store.all()]
    .filter((s) => s.firstVisibleAt <= now)
    .filter(
      (s) =>
        (namespace === undefined || s.namespace === namespace) &&
        (metricName === undefined || s.metricName === metricName),
    )
    .filter((s) =>
      filters.every((f) =>
        s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      ),
    )
    .filter((s) => recentlyActive === undefined || s.lastTimestamp >= now - 3 * 3_600_000)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const fp = fingerprint([namespace, metricName, filters, recentlyActive]);
  const offset = decodeToken(optStr(input.NextToken), fp);
  const page = matches.slice(offset, offset + LIST_PAGE);
  return {
    Metrics: page.map((s) => ({
      Namespace: s.namespace,
      MetricName: s.metricName,
      Dimensions: s.dimensions.map((d) => ({ ...d })),
    })),
    ...(offset + LIST_PAGE < matches.length ? { NextToken: encodeToken(offset + LIST_PAGE, fp) } : {}),
  };
}
