import type { Millis } from '../spec/types.ts';

/**
 * Metric windows. ALB publishes one datapoint per metric per 60-second period (ARCHITECTURE.md §3;
 * aws-k8s-facts §3), a few minutes late, so a tick judges whole periods ending behind the
 * publication lag, and a step is judged only on periods that started after its write was verified.
 */

/** The CloudWatch period of every gate query: ALB metrics are published per minute. */
export const PERIOD_MS: Millis = 60_000;

/** A span of whole periods, `[startMs, endMs)`: CloudWatch's StartTime is inclusive, EndTime exclusive. */
export interface MetricWindow {
  startMs: number;
  endMs: number;
}

/** `t` rounded down to a period boundary. */
export function floorToPeriod(t: number): number {
  return Math.floor(t / PERIOD_MS) * PERIOD_MS;
}

/** `t` rounded up to a period boundary (a boundary stays where it is). */
export function ceilToPeriod(t: number): number {
  return Math.ceil(t / PERIOD_MS) * PERIOD_MS;
}

/**
 * How long a tick's window is: the interval in whole periods, rounded up so that ticks every
 * `intervalMs` leave no minute unjudged (a 90 s interval judges 2-minute windows). At least one period.
 */
export function windowLengthMs(intervalMs: Millis): Millis {
  return Math.max(1, Math.ceil(intervalMs / PERIOD_MS)) * PERIOD_MS;
}

/**
 * The window a tick at `nowMs` judges: whole periods ending at the last period boundary at least
 * `lagMs` before now (minutes younger than the lag may not be fully published yet), reaching
 * back `windowLengthMs(intervalMs)`.
 */
export function tickWindow(nowMs: number, intervalMs: Millis, lagMs: Millis): MetricWindow {
  const endMs = floorToPeriod(nowMs - lagMs);
  return { startMs: endMs - windowLengthMs(intervalMs), endMs };
}

/**
 * Whether a window judges a step's own traffic: it starts no earlier than the moment the step's
 * write was verified. A period that began before then mixes the previous split's requests into the
 * datapoint (CloudWatch sums the whole minute), so it cannot speak for this step.
 */
export function ownsWindow(window: MetricWindow, verifiedAtMs: number): boolean {
  return window.startMs >= verifiedAtMs;
}

/**
 * The earliest time a tick can judge a step's first own window: that window starts at the first
 * period boundary at or after the verified write, lasts `windowLengthMs(intervalMs)`, and can be
 * read `lagMs` after it ends.
 */
export function firstOwnVerdictAt(verifiedAtMs: number, intervalMs: Millis, lagMs: Millis): number {
  return ceilToPeriod(verifiedAtMs) + windowLengthMs(intervalMs) + lagMs;
}

/**
 * The least time from a verified write to its step's first own verdict: window length + lag when
 * the write is verified exactly on a period boundary. A write verified just after a boundary waits
 * up to one period more (`firstOwnVerdictAt` gives the exact time once it is known).
 */
export function minFirstVerdictDelayMs(intervalMs: Millis, lagMs: Millis): Millis {
  return windowLengthMs(intervalMs) + lagMs;
}

/**
 * The true minimum duration of a weight step for `cutover plan`: its bake, but never less than the
 * time to its first own verdict when it has checks to judge (a step advances only after an own
 * tick passed). Without applicable checks a step moves on its bake alone.
 */
export function minStepDurationMs(
  bakeMs: Millis,
  gates: { intervalMs: Millis; lagMs: Millis },
  hasChecks: boolean,
): Millis {
  return hasChecks ? Math.max(bakeMs, minFirstVerdictDelayMs(gates.intervalMs, gates.lagMs)) : bakeMs;
}
