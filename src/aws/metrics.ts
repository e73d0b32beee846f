import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { CutoverError } from '../errors.ts';
import { awsCall } from './errors.ts';
import type { MetricQuery, MetricSeries, MetricsReader } from './ports.ts';

/** GetMetricData takes at most 500 queries per call (API reference). */
export const MAX_QUERIES_PER_CALL = 500;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

/**
 * MetricsReader over GetMetricData: every query in one call (the gates keep a tick ≤ 500
 * queries; a larger batch is split into calls of 500), `ScanBy: TimestampAscending`, every
 * `NextToken` page followed and merged per Id. Absent datapoints stay absent: ALB publishes
 * nothing for a zero count, and what that means is the gates' decision, not this adapter's.
 */
export class CloudWatchMetrics implements MetricsReader {
  /** `maxDatapoints`: GetMetricData's page size (AWS default 100,800); tests make it small. */
  constructor(
    private readonly cw: CloudWatchClient,
    private readonly o: { maxDatapoints?: number } = {},
  ) {}

  async queryMetrics(
    queries: readonly MetricQuery[],
    window: { startMs: number; endMs: number },
  ): Promise<MetricSeries[]> {
    checkQueries(queries, window);
    const series = new Map<string, MetricSeries>(
      queries.map((q) => [q.id, { id: q.id, timestamps: [], values: [], status: 'Complete', messages: [] }]),
    );
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_CALL) {
      await this.readBatch(queries.slice(i, i + MAX_QUERIES_PER_CALL), window, series);
    }
    return queries.map((q) => sortSeries(series.get(q.id)!));
  }

  private async readBatch(
    batch: readonly MetricQuery[],
    window: { startMs: number; endMs: number },
    series: Map<string, MetricSeries>,
  ): Promise<void> {
    const MetricDataQueries = batch.map(toSdkQuery);
    let NextToken: string | undefined;
    do {
      const out = await awsCall({ operation: 'GetMetricData' }, () =>
        this.cw.send(
          new GetMetricDataCommand({
            MetricDataQueries,
            StartTime: new Date(window.startMs),
            EndTime: new Date(window.endMs),
            ScanBy: 'TimestampAscending',
            ...(this.o.maxDatapoints ? { MaxDatapoints: this.o.maxDatapoints } : {}),
            ...(NextToken ? { NextToken } : {}),
          }),
        ),
      );
      for (const r of out.MetricDataResults ?? []) merge(series, r);
      NextToken = out.NextToken;
    } while (NextToken);
  }
}

function toSdkQuery(q: MetricQuery): MetricDataQuery {
  return {
    Id: q.id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: q.namespace,
        MetricName: q.metricName,
        Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: q.periodSec,
      Stat: q.stat,
    },
  };
}

function merge(series: Map<string, MetricSeries>, r: MetricDataResult): void {
  const s = r.Id === undefined ? undefined : series.get(r.Id);
  if (!s) return;
  const ts = r.Timestamps ?? [];
  const vs = r.Values ?? [];
  ts.forEach((t, i) => {
    s.timestamps.push(t.getTime());
    s.values.push(vs[i] ?? Number.NaN);
  });
  // PartialData on a page only says more pages follow; the last page's status is the answer.
  s.status = r.StatusCode ?? s.status;
  for (const m of r.Messages ?? []) s.messages.push(`${m.Code ?? ''}: ${m.Value ?? ''}`);
}

function sortSeries(s: MetricSeries): MetricSeries {
  const order = s.timestamps.map((_, i) => i).sort((a, b) => s.timestamps[a]! - s.timestamps[b]!);
  return { ...s, timestamps: order.map((i) => s.timestamps[i]!), values: order.map((i) => s.values[i]!) };
}

function checkQueries(queries: readonly MetricQuery[], window: { startMs: number; endMs: number }): void {
  const seen = new Set<string>();
  for (const q of queries) {
    const problem = !QUERY_ID.test(q.id)
      ? 'must start with a lowercase letter and hold only letters, digits and _'
      : seen.has(q.id)
        ? 'is used twice'
        : !(
              Number.isInteger(q.periodSec) &&
              q.periodSec > 0 &&
              (q.periodSec % 60 === 0 || [1, 5, 10, 20, 30].includes(q.periodSec))
            )
          ? `has period ${q.periodSec} s, not 1, 5, 10, 20, 30 or a multiple of 60`
          : undefined;
    if (problem) {
      throw new CutoverError('E_METRIC_QUERY', `metric query id "${q.id}" ${problem}`, {
        value: q.id,
        hint: 'GetMetricData ids are unique per call and match ^[a-z][a-zA-Z0-9_]*$',
      });
    }
    seen.add(q.id);
  }
  if (!(window.endMs > window.startMs)) {
    throw new CutoverError('E_METRIC_QUERY', 'the metric window ends before it starts', {
      value: window,
      hint: 'startMs must be before endMs',
    });
  }
}
