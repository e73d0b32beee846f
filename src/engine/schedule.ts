import type { GateLimits } from '../gates/step-rules.ts';
import { firstOwnVerdictAt } from '../gates/windows.ts';

/**
 * When the driver ticks after the first own verdict time (gates/windows.ts `firstOwnVerdictAt`):
 * every interval, never in the past.
 */
export function nextTickAt(dueAt: number, now: number, intervalMs: number): number {
  let next = dueAt + intervalMs;
  while (next <= now) next += intervalMs;
  return next;
}

export interface GateTiming extends GateLimits {
  intervalMs: number;
  lagMs: number;
}

/**
 * The most ticks one step can be judged on before the step rules (gates/step-rules.ts) decide:
 * every tick until its bake ends, then at most (inconclusiveLimit + 1) × (failureLimit + 1) more —
 * after the bake a pass advances, a failure counts, and every inconclusiveLimit + 1 inconclusive
 * ticks in a row count as one failure, so by then the step has rolled back.
 */
export function maxTicksOfStep(verifiedAt: number, bakeMs: number, g: GateTiming): number {
  const first = firstOwnVerdictAt(verifiedAt, g.intervalMs, g.lagMs);
  const bakeEnd = verifiedAt + bakeMs;
  const duringBake = bakeEnd >= first ? Math.floor((bakeEnd - first) / g.intervalMs) + 1 : 0;
  return duringBake + (g.inconclusiveLimit + 1) * (g.failureLimit + 1);
}

/**
 * The ticks a resumed bake replays: the ones the stopped driver would have run for this step —
 * every interval from the step's first own verdict time up to `now` — in order. Bounded by
 * `maxTicksOfStep`: when no driver ran for longer than a step can take, the newest of them (the
 * evidence nearest now; every one of them still judges the step's own traffic). `from` is the
 * first tick's time, `count` how many; the next live tick is due at `from + count × interval`.
 */
export function replayTicks(
  verifiedAt: number,
  bakeMs: number,
  now: number,
  g: GateTiming,
): { from: number; count: number } {
  const first = firstOwnVerdictAt(verifiedAt, g.intervalMs, g.lagMs);
  if (verifiedAt <= 0 || now < first) return { from: first, count: 0 };
  const due = Math.floor((now - first) / g.intervalMs) + 1;
  const count = Math.min(due, maxTicksOfStep(verifiedAt, bakeMs, g));
  return { from: first + (due - count) * g.intervalMs, count };
}
