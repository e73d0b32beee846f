/**
 * Statistics over a bucket of datapoints. A bucket holds a statistic set, plus (when every
 * contribution carried raw values) the values with their counts, which percentiles need.
 */

export interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Raw values (weighted by `counts`) when every contribution had them; undefined otherwise. */
  values?: number[];
  counts?: number[];
  /** values/counts are borrowed from a stored contribution: copy before appending. */
  borrowed?: boolean;
}

export type Stat =
  | { kind: 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum'; name: string }
  | { kind: 'percentile'; p: number; name: string };

export const BASIC_STATS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;

/** Parses a statistic name: the five basic ones, or `pNN`/`pNN.NN` (0–100). Others are unsupported. */
export function parseStat(name: string): Stat | undefined {
  if ((BASIC_STATS as readonly string[]).includes(name)) return { kind: name as (typeof BASIC_STATS)[number], name };
  const m = /^p(\d{1,3}(?:\.\d{1,10})?)$/.exec(name);
  if (m) {
    const p = Number(m[1]);
    if (p >= 0 && p <= 100) return { kind: 'percentile', p, name };
  }
  return undefined;
}

/** The statistic's value for a bucket, or undefined when it cannot be computed (no percentile data). */
export function statValue(b: Bucket, stat: Stat): number | undefined {
  switch (stat.kind) {
    case 'SampleCount':
      return b.count;
    case 'Sum':
      return b.sum;
    case 'Average':
      return b.count > 0 ? b.sum / b.count : undefined;
    case 'Minimum':
      return b.min;
    case 'Maximum':
      return b.max;
    case 'percentile':
      return b.values ? percentile(b.values, b.counts, stat.p) : undefined;
  }
}

/**
 * Nearest-rank percentile over weighted values: the smallest value v such that at least p% of
 * the samples are ≤ v. CloudWatch's exact estimator is not documented [U]; this matches it on
 * exact data for the usual p50/p90/p99 questions up to rank rounding.
 */
export function percentile(values: number[], counts: number[] | undefined, p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!counts) {
    // Unweighted fast path: a typed-array sort is numeric and allocation-light.
    const sorted = Float64Array.from(values).sort();
    return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
  }
  const idx = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const i of idx) total += counts[i] ?? 1;
  if (total <= 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const i of idx) {
    seen += counts[i] ?? 1;
    if (seen >= rank) return values[i];
  }
  return values[idx[idx.length - 1]!];
}

/** Merges `src` into `dst` (both statistic sets; raw values kept only while both sides have them). */
export function mergeInto(dst: Bucket, src: Bucket): void {
  if (dst.count === 0) {
    // An empty accumulator borrows the source's values (most buckets hold one contribution).
    dst.values = src.values;
    dst.counts = src.values ? src.counts : undefined;
    dst.borrowed = true;
  } else if (dst.values && src.values) {
    const weighted = dst.counts !== undefined || src.counts !== undefined;
    const counts = weighted
      ? [...(dst.counts ?? dst.values.map(() => 1)), ...(src.counts ?? src.values.map(() => 1))]
      : undefined;
    const values = dst.borrowed ? [...dst.values] : dst.values;
    values.push(...src.values);
    dst.values = values;
    dst.counts = counts;
    dst.borrowed = false;
  } else {
    dst.values = undefined;
    dst.counts = undefined;
  }
  dst.count += src.count;
  dst.sum += src.sum;
  dst.min = Math.min(dst.min, src.min);
  dst.max = Math.max(dst.max, src.max);
}

export function emptyBucket(): Bucket {
  return { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
}
