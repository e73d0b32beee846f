import { type Bucket, emptyBucket, mergeInto, type Stat, statValue } from './statistics.ts';

export interface Dimension {
  Name: string;
  Value: string;
}

/** One publication into the store (the world's in-process API; PutMetricData uses it too). */
export interface PutDatumInput {
  namespace: string;
  metricName: string;
  dimensions?: Dimension[];
  /** Epoch ms; stored in its minute (or second, for high-resolution metrics). */
  timestamp: number;
  value?: number;
  statistics?: { sampleCount: number; sum: number; min: number; max: number };
  /** Raw values (percentiles need them), optionally weighted by `counts`. */
  values?: number[];
  counts?: number[];
  unit?: string;
  /** Epoch ms before which every read ignores this datum (ALB's publication lag). Default: visible at once. */
  visibleAt?: number;
  /** StorageResolution 1: kept per second instead of per minute. */
  highResolution?: boolean;
}

interface Part extends Bucket {
  unit: string;
  visibleAt: number;
}

export interface MetricSeries {
  readonly key: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Sorted by Name. */
  readonly dimensions: readonly Dimension[];
  readonly resolutionMs: number;
  /** Slot index (floor(timestamp / resolutionMs)) → contributions in that slot. */
  readonly slots: Map<number, Part[]>;
  /** Earliest visibleAt of any datum (ListMetrics shows a metric once a datum is visible). */
  firstVisibleAt: number;
  /** Latest datum timestamp (ListMetrics RecentlyActive). */
  lastTimestamp: number;
}

export interface BucketQuery {
  /** Inclusive epoch ms; buckets start here and step by periodMs. */
  start: number;
  /** Exclusive epoch ms. */
  end: number;
  periodMs: number;
  /** Reads see only data with visibleAt ≤ asOf. */
  asOf: number;
  /** When set, only data published with this unit. */
  unit?: string;
}

export interface TimedBucket {
  timestamp: number;
  bucket: Bucket;
  unit: string;
}

export interface SeriesPoints {
  timestamps: number[];
  values: number[];
}

const MINUTE = 60_000;

export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[] = []): string {
  const dims = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return `${namespace}\u0000${metricName}\u0000${dims.map((d) => `${d.Name}\u0001${d.Value}`).join('\u0002')}`;
}

/**
 * The metric store: series keyed by namespace + name + exact dimension set (order-insensitive),
 * each a map of minute (or second) slots holding the contributions published for that slot.
 * Contributions are kept apart (not pre-merged) because each has its own visibleAt; almost every
 * slot holds exactly one.
 */
export class MetricStore {
  private readonly series = new Map<string, MetricSeries>();

  put(d: PutDatumInput): void {
    const key = seriesKey(d.namespace, d.metricName, d.dimensions);
    let s = this.series.get(key);
    if (!s) {
      s = {
        key,
        namespace: d.namespace,
        metricName: d.metricName,
        dimensions: [...(d.dimensions ?? [])].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)),
        resolutionMs: d.highResolution ? 1000 : MINUTE,
        slots: new Map(),
        firstVisibleAt: Number.POSITIVE_INFINITY,
        lastTimestamp: Number.NEGATIVE_INFINITY,
      };
      this.series.set(key, s);
    }
    const part = toPart(d);
    const slot = Math.floor(d.timestamp / s.resolutionMs);
    const parts = s.slots.get(slot);
    if (parts) parts.push(part);
    else s.slots.set(slot, [part]);
    s.firstVisibleAt = Math.min(s.firstVisibleAt, part.visibleAt);
    s.lastTimestamp = Math.max(s.lastTimestamp, d.timestamp);
  }

  get(namespace: string, metricName: string, dimensions: readonly Dimension[] = []): MetricSeries | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions));
  }

  all(): IterableIterator<MetricSeries> {
    return this.series.values();
  }

  /** Merged buckets of `s` over the query window, ascending; empty buckets are absent. */
  buckets(s: MetricSeries, q: BucketQuery): TimedBucket[] {
    const byIndex = new Map<number, TimedBucket>();
    const visit = (slot: number, parts: Part[]) => {
      const t = slot * s.resolutionMs;
      if (t < q.start || t >= q.end) return;
      const k = Math.floor((t - q.start) / q.periodMs);
      for (const p of parts) {
        if (p.visibleAt > q.asOf) continue;
        if (q.unit !== undefined && p.unit !== q.unit) continue;
        let tb = byIndex.get(k);
        if (!tb) {
          tb = { timestamp: q.start + k * q.periodMs, bucket: emptyBucket(), unit: p.unit };
          byIndex.set(k, tb);
        }
        mergeInto(tb.bucket, p);
      }
    };
    const first = Math.ceil(q.start / s.resolutionMs);
    const last = Math.ceil(q.end / s.resolutionMs); // exclusive
    if (last - first <= s.slots.size) {
      for (let slot = first; slot < last; slot++) {
        const parts = s.slots.get(slot);
        if (parts) visit(slot, parts);
      }
    } else {
      for (const [slot, parts] of s.slots) visit(slot, parts);
    }
    return [...byIndex.values()].sort((a, b) => a.timestamp - b.timestamp);
  }

  /** One statistic per period, ascending; periods without data (or without percentile data) are absent. */
  aggregate(s: MetricSeries | undefined, q: BucketQuery, stat: Stat): SeriesPoints {
    const out: SeriesPoints = { timestamps: [], values: [] };
    if (!s) return out;
    for (const tb of this.buckets(s, q)) {
      const v = statValue(tb.bucket, stat);
      if (v === undefined || !Number.isFinite(v)) continue;
      out.timestamps.push(tb.timestamp);
      out.values.push(v);
    }
    return out;
  }

  /** Drops slots older than `before` (retention) and series left empty. */
  prune(before: number): void {
    for (const [key, s] of this.series) {
      const cutoff = Math.floor(before / s.resolutionMs);
      for (const slot of s.slots.keys()) if (slot < cutoff) s.slots.delete(slot);
      if (s.slots.size === 0) this.series.delete(key);
    }
  }
}

function toPart(d: PutDatumInput): Part {
  const unit = d.unit ?? 'None';
  const visibleAt = d.visibleAt ?? Number.NEGATIVE_INFINITY;
  if (d.values && d.values.length > 0) {
    const counts = d.counts;
    let count = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    d.values.forEach((v, i) => {
      const c = counts?.[i] ?? 1;
      count += c;
      sum += v * c;
      min = Math.min(min, v);
      max = Math.max(max, v);
    });
    return { count, sum, min, max, values: [...d.values], ...(counts ? { counts: [...counts] } : {}), unit, visibleAt };
  }
  if (d.statistics) {
    const { sampleCount, sum, min, max } = d.statistics;
    // A statistic set still yields exact percentiles when all its samples are equal.
    const exact = sampleCount > 0 && (sampleCount === 1 || min === max);
    return {
      count: sampleCount,
      sum,
      min,
      max,
      ...(exact ? { values: [min], counts: [sampleCount] } : {}),
      unit,
      visibleAt,
    };
  }
  const v = d.value ?? 0;
  return { count: 1, sum: v, min: v, max: v, values: [v], unit, visibleAt };
}
