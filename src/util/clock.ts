import { CutoverError } from '../errors.ts';

/**
 * Time, injected everywhere (never call Date.now() in logic). Three implementations:
 * - SystemClock: real time.
 * - ScaledClock: virtual time running `speed`× faster than the wall clock from a shared origin.
 *   Every process given the same origin/speed (via the CUTOVER_CLOCK environment variable the
 *   sandbox writes into its env file) computes the same virtual time without talking to the others.
 * - ManualClock: tests advance it explicitly; due timers fire in time order.
 * A timer never fires early: when it runs, now() is at least the time it was set for.
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

/** The timer functions of the host (Node's globals by default); injectable for tests. */
export interface WallTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: WallTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Node fires a timer at once (with a TimeoutOverflowWarning) when asked to wait more than
 * 2^31 − 1 ms (~24.8 days); longer waits are made of several timers no longer than this.
 */
export const MAX_WALL_TIMER_MS = 2 ** 31 - 1;

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

/**
 * A clock-time timer on wall timers: waits the wall time `ms` should take at `clock.speed`
 * (rounded up, at most MAX_WALL_TIMER_MS per wall timer), then checks the clock and waits again
 * for what is left. Re-checking is what makes it never early: a wall timer may fire a little
 * before the wall clock read by now() has moved on (Node's timers run on a monotonic clock, and
 * now() floors scaled time), so at speed 60 one wall millisecond short is 60 clock ms early.
 */
function clockTimer(clock: Clock, timers: WallTimers, fn: () => void, ms: number): () => void {
  const due = clock.now() + Math.max(0, ms);
  let handle: unknown;
  const arm = (left: number) => {
    handle = timers.setTimeout(check, Math.min(MAX_WALL_TIMER_MS, Math.ceil(left / clock.speed)));
  };
  const check = () => {
    const left = due - clock.now();
    if (left <= 0) fn();
    else arm(left);
  };
  arm(Math.max(0, ms));
  return () => timers.clearTimeout(handle);
}

export interface SystemClockOptions {
  /** Source of wall time; Date.now by default. */
  wallNow?: () => number;
  timers?: WallTimers;
}

export class SystemClock implements Clock {
  readonly speed = 1;
  private readonly wallNow: () => number;
  private readonly timers: WallTimers;

  constructor(o: SystemClockOptions = {}) {
    this.wallNow = o.wallNow ?? Date.now;
    this.timers = o.timers ?? NODE_TIMERS;
  }
  now(): number {
    return this.wallNow();
  }
  setTimeout(fn: () => void, ms: number): () => void {
    return clockTimer(this, this.timers, fn, ms);
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
  /** Wall timers; injectable for tests. */
  timers?: WallTimers;
}

export class ScaledClock implements Clock {
  readonly speed: number;
  readonly origin: number;
  readonly wallOrigin: number;
  private readonly wallNow: () => number;
  private readonly timers: WallTimers;

  constructor(o: ScaledClockOptions) {
    if (!(o.speed > 0) || !Number.isFinite(o.speed)) throw new RangeError(`clock speed must be > 0, got ${o.speed}`);
    this.speed = o.speed;
    this.origin = o.origin;
    this.wallOrigin = o.wallOrigin;
    this.wallNow = o.wallNow ?? Date.now;
    this.timers = o.timers ?? NODE_TIMERS;
  }
  now(): number {
    return Math.floor(this.origin + (this.wallNow() - this.wallOrigin) * this.speed);
  }
  setTimeout(fn: () => void, ms: number): () => void {
    return clockTimer(this, this.timers, fn, ms);
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

/**
 * The clock interface xstate v5 takes (`createActor(machine, { clock })`): timer ids instead of
 * cancel functions. Structural, so this module does not import xstate.
 */
export interface XStateClock {
  setTimeout(fn: (...args: any[]) => void, timeout: number): number;
  clearTimeout(id: number): void;
}

/**
 * Adapts a Clock to xstate's, so `after` delays and delayed events run on injected time: a
 * ManualClock in tests, the sandbox's ScaledClock in a demo. Cancelling a fired or unknown id is
 * a no-op, as with Node's clearTimeout.
 */
export function toXStateClock(clock: Clock): XStateClock {
  const cancels = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout(fn, timeout) {
      const id = next++;
      cancels.set(
        id,
        clock.setTimeout(() => {
          cancels.delete(id);
          fn();
        }, timeout),
      );
      return id;
    },
    clearTimeout(id) {
      cancels.get(id)?.();
      cancels.delete(id);
    },
  };
}

const CLOCK_FORMAT = 'origin=<ms>;wall=<ms>;speed=<n>';

/**
 * Parses CUTOVER_CLOCK (`origin=…;wall=…;speed=…`, as the sandbox writes it into its env file);
 * returns a SystemClock when unset or empty. A malformed value is the user's environment, not a
 * bug: a CutoverError (exit 2) naming the variable, the value and the format.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env.CUTOVER_CLOCK;
  if (!raw) return new SystemClock();
  const bad = (why: string) =>
    new CutoverError('E_BAD_CLOCK', `CUTOVER_CLOCK ${why}`, {
      value: raw,
      hint: `write ${CLOCK_FORMAT} (the sandbox's env file sets it), or unset it for real time`,
    });
  const kv = new Map<string, string>();
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    const key = part.slice(0, i).trim();
    if (i < 0 || !['origin', 'wall', 'speed'].includes(key)) throw bad(`must look like ${CLOCK_FORMAT}`);
    if (kv.has(key)) throw bad(`gives ${key} twice`);
    kv.set(key, part.slice(i + 1).trim());
  }
  const num = (key: string) => {
    const text = kv.get(key);
    const n = text === undefined || text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(n)) throw bad(`needs a number for ${key} (format ${CLOCK_FORMAT})`);
    return n;
  };
  const origin = num('origin');
  const wallOrigin = num('wall');
  const speed = num('speed');
  if (!(speed > 0)) throw bad('needs a speed above 0');
  return new ScaledClock({ origin, wallOrigin, speed });
}
