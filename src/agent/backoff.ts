/**
 * Retry delays after a failed reconcile: exponential from `baseMs`, capped at `capMs`, with full
 * jitter from an injected random source. The cap is minutes, not the AWS controller's 16m40s,
 * so a binding that failed on a passing fault never waits long after the fault clears.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 120_000 };

/** The delay before retry number `attempt` (0-based); `random` returns [0, 1). */
export function backoffDelay(attempt: number, random: () => number, o: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.min(attempt, 30));
  // Full jitter, but never below half the ceiling: retries spread out without bunching at zero.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
