import type { Clock } from '../../util/clock.ts';

/**
 * The clock the world's models (ELBv2, CloudWatch, the cluster stores) read. While the world is
 * stepping it is pinned to the step's time, so every timestamp a step writes (registration times,
 * deletionTimestamps, creationTimestamps) is the step's own, whatever the wall clock did meanwhile;
 * between steps it follows the base clock, which client requests see. Pinning also lets the world
 * start with a warm-up before "now" (pods already running, targets healthy, some metric history).
 */
export class WorldClock implements Clock {
  private pinned: number | undefined;

  constructor(readonly base: Clock) {}

  get speed(): number {
    return this.base.speed;
  }

  now(): number {
    return this.pinned ?? this.base.now();
  }

  setTimeout(fn: () => void, ms: number): () => void {
    return this.base.setTimeout(fn, ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }

  /** Runs `fn` with the clock reading `t`; nests (the innermost pin wins). */
  at<T>(t: number, fn: () => T): T {
    const before = this.pinned;
    this.pinned = t;
    try {
      return fn();
    } finally {
      this.pinned = before;
    }
  }
}
