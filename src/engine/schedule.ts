/**
 * When the driver ticks after the first own verdict time (gates/windows.ts `firstOwnVerdictAt`):
 * every interval, never in the past.
 */
export function nextTickAt(dueAt: number, now: number, intervalMs: number): number {
  let next = dueAt + intervalMs;
  while (next <= now) next += intervalMs;
  return next;
}
