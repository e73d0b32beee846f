/**
 * A virtual clock for running the real driver against the real sandbox as fast as the CPU
 * allows, with outcomes that do not depend on the machine's load: time stands still while an
 * HTTP request to a watched host (the sandbox's AWS endpoint) is open and, once none is and the
 * event loop has settled, jumps straight to the next timer. A ScaledClock at a high speed would
 * instead turn every wall millisecond of a busy machine into virtual seconds, so results would
 * move with the load; here every API call takes zero virtual time (the minutes a gate waits
 * dwarf the milliseconds an API call takes in AWS).
 *
 * Requests are seen through node:http's diagnostics channels (created → the request's `close`),
 * so the code under test is not wrapped: a port call that sleeps on this clock between two
 * requests (the lease's settle) lets time move, as it should. Anything the program awaits that is
 * neither a watched request nor this clock's timer (a wall-clock timer) is skipped over.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Clock } from '../src/util/clock.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Event-loop turns with no request open before the clock counts the program idle. */
const IDLE_TURNS = 3;
const CREATED = 'http.client.request.created';

export class SteppedClock implements Clock {
  readonly speed = 1;
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private open = 0;
  private readonly hosts = new Set<string>();
  private wakeIdle: (() => void) | undefined;
  private readonly onRequest = (message: unknown) => {
    const req = (message as { request: ClientRequest }).request;
    if (!this.hosts.has(String(req.getHeader('host')))) return;
    this.open++;
    req.once('close', () => {
      this.open--;
      if (this.open === 0) this.wakeIdle?.();
    });
  };

  constructor(start = Date.UTC(2026, 0, 1, 12)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        cancel();
        reject(signal?.reason);
      };
      const cancel = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Holds time still while an HTTP request to `url`'s host:port is open (until `runUntil` returns). */
  watch(url: string): void {
    this.hosts.add(new URL(url).host);
  }

  /** Requests to watched hosts open now. */
  get openRequests(): number {
    return this.open;
  }

  /**
   * Moves time on, timer by timer, until `done` settles: each time no watched request has been
   * open for a few event-loop turns, the earliest timer's time becomes now and it fires. Rejects
   * when the program is idle with no timer left (it would wait forever) or the next timer is more
   * than `limitMs` of virtual time from the start (a runaway run).
   */
  async runUntil<T>(done: Promise<T>, limitMs: number): Promise<T> {
    let settled = false;
    const watched = done.finally(() => {
      settled = true;
    });
    // Rejections surface through `watched` below; do not let them go unhandled meanwhile.
    watched.catch(() => undefined);
    const limit = this.t + limitMs;
    subscribe(CREATED, this.onRequest);
    try {
      for (;;) {
        await this.idle();
        if (settled) return await watched;
        const next = this.timers.reduce<Timer | undefined>(
          (a, b) => (a === undefined || b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a),
          undefined,
        );
        if (!next) throw new Error(`idle at ${new Date(this.t).toISOString()} with no timer set and no request open`);
        if (next.at > limit) throw new Error(`still running after ${limitMs / 60_000} virtual minutes`);
        this.timers.splice(this.timers.indexOf(next), 1);
        this.t = Math.max(this.t, next.at);
        next.fn();
      }
    } finally {
      unsubscribe(CREATED, this.onRequest);
    }
  }

  /** Resolves once no watched request has been open for IDLE_TURNS event-loop turns in a row. */
  private async idle(): Promise<void> {
    let quiet = 0;
    while (quiet < IDLE_TURNS) {
      if (this.open > 0) {
        await new Promise<void>((r) => {
          this.wakeIdle = r;
        });
        this.wakeIdle = undefined;
        quiet = 0;
        continue;
      }
      await new Promise<void>((r) => setImmediate(r));
      quiet = this.open > 0 ? 0 : quiet + 1;
    }
  }
}
