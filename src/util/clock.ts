/**
 * Time, injected everywhere (never call Date.now() in logic). Three implementations:
 * - SystemClock: real time.
 * - ScaledClock: virtual time running `speed`× faster than the wall clock from a shared origin.
 *   Every process given the same origin/speed (via the CUTOVER_CLOCK environment variable the
 *   sandbox writes into its env file) computes the same virtual time without talking to the others.
 * - ManualClock: tests advance it explicitly; due timers fire in time order.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, in this clock's time. */
  now(): number;
  /** Calls `fn` after `ms` of this clock's time; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** How many clock milliseconds pass per wall millisecond (1 for real time). */
  readonly speed: number;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class SystemClock implements Clock {
  readonly speed = 1;
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): () => void {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}

export interface ScaledClockOptions {
  /** Virtual time at `wallOrigin`. */
  origin: number;
  /** Wall time (Date.now()) at which virtual time was `origin`. */
  wallOrigin: number;
  speed: number;
  /** Source of wall time; injectable for tests. */
  wallNow?: () => number;
}

export class ScaledClock implements Clock {
  readonly speed: number;
  readonly origin: number;
  readonly wallOrigin: number;
  private readonly wallNow: () => number;

  constructor(o: ScaledClockOptions) {
    if (!(o.speed > 0) || !Number.isFinite(o.speed)) throw new RangeError(`clock speed must be > 0, got ${o.speed}`);
    this.speed = o.speed;
    this.origin = o.origin;
    this.wallOrigin = o.wallOrigin;
    this.wallNow = o.wallNow ?? Date.now;
  }
  now(): number {
    return Math.floor(this.origin + (this.wallNow() - this.wallOrigin) * this.speed);
  }
  setTimeout(fn: () => void, ms: number): () => void {
    const t = setTimeout(fn, Math.max(0, ms / this.speed));
    return () => clearTimeout(t);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  /** The value of CUTOVER_CLOCK that makes another process follow this clock. */
  toEnv(): string {
    return `origin=${this.origin};wall=${this.wallOrigin};speed=${this.speed}`;
  }
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  readonly speed = 1;
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  /** Moves time forward by `ms`, firing due timers in order; awaits microtasks between timers. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await new Promise<void>((r) => setImmediate(r));
    }
    this.t = end;
  }
  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.length;
  }
}

/** Parses CUTOVER_CLOCK (`origin=…;wall=…;speed=…`); returns a SystemClock when unset. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env.CUTOVER_CLOCK;
  if (!raw) return new SystemClock();
  const kv = Object.fromEntries(
    raw.split(';').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), Number(p.slice(i + 1))];
    }),
  );
  const { origin, wall, speed } = kv as Record<string, number>;
  if (![origin, wall, speed].every((n) => Number.isFinite(n))) {
    throw new RangeError(`CUTOVER_CLOCK must look like origin=<ms>;wall=<ms>;speed=<n>, got ${JSON.stringify(raw)}`);
  }
  return new ScaledClock({ origin: origin as number, wallOrigin: wall as number, speed: speed as number });
}
