/**
 * Pure summaries for the driver benchmark (bench/driver.ts): what a set of runs of one case says
 * about detection (rolled back after the fault started, how long after) and about false rollbacks
 * (how many, with a confidence interval, because 0 of 200 is not 0%).
 */
import { percentile } from './stats.ts';

/** What the summaries need of a run (bench/driver-run.ts DriverRun). */
export interface RunOutcome {
  outcome: 'completed' | 'rolledBack' | 'aborted' | 'failed';
  onsetAt?: number;
  restoredAt?: number;
}

export interface DetectionSummary {
  runs: number;
  /** Rolled back, the rollback read back at or after the fault started. */
  detected: number;
  /** Rolled back before the fault started (a false rollback: the fault never had its chance). */
  early: number;
  /** Ended without a rollback (or failed) although the fault had started. */
  missed: number;
  /** Onset → restored of the detected runs, in ms; NaN when none. */
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

export function summarizeDetection(runs: readonly RunOutcome[]): DetectionSummary {
  const delays: number[] = [];
  let early = 0;
  for (const r of runs) {
    if (r.outcome !== 'rolledBack' || r.restoredAt === undefined) continue;
    if (r.onsetAt === undefined || r.restoredAt < r.onsetAt) early++;
    else delays.push(r.restoredAt - r.onsetAt);
  }
  const sorted = delays.sort((a, b) => a - b);
  return {
    runs: runs.length,
    detected: sorted.length,
    early,
    missed: runs.length - sorted.length - early,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/**
 * Wilson score interval of a proportion `k / n` at ~95% (z = 1.96): unlike k/n ± a normal error,
 * it stays inside [0, 1] and is not zero-width at k = 0 (0 of 200 gives [0, 1.9%]).
 */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** `k/n (x.x%, 95% CI a–b%)`, the way the benchmark prints a rate. */
export function rateText(k: number, n: number): string {
  const { low, high } = wilson(k, n);
  const pct = (x: number) => (100 * x).toFixed(1);
  return `${k}/${n} (${pct(n ? k / n : 0)}%, 95% CI ${pct(low)}–${pct(high)}%)`;
}

/** Virtual minutes with one decimal; – for none. */
export function minutes(ms: number): string {
  return Number.isFinite(ms) ? (ms / 60_000).toFixed(1) : '–';
}
