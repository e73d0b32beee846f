/**
 * When the driver ticks. CloudWatch publishes ALB metrics per 60 s period, some time after the
 * period ends (`lag`). A step is judged only on windows that start after its split was verified,
 * so its first window starts at the first period boundary at or after `verifiedAt`, covers
 * `interval`, and can be read `lag` after it ends. Later ticks follow every `interval`.
 */
export const PERIOD_MS = 60_000;

/** The first period boundary at or after `t`. */
export function nextPeriodStart(t: number): number {
  return Math.ceil(t / PERIOD_MS) * PERIOD_MS;
}

/** When the first tick that sees only this step's traffic can run. */
export function firstTickAt(verifiedAt: number, intervalMs: number, lagMs: number): number {
  return nextPeriodStart(verifiedAt) + intervalMs + lagMs;
}

/** The tick after one that was due at `dueAt` and ran at `now` (never in the past). */
export function nextTickAt(dueAt: number, now: number, intervalMs: number): number {
  let next = dueAt + intervalMs;
  while (next <= now) next += intervalMs;
  return next;
}
