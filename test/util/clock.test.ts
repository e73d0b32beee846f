import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, createMachine } from 'xstate';
import { CutoverError } from '../../src/errors.ts';
import {
  clockFromEnv,
  MAX_WALL_TIMER_MS,
  ManualClock,
  ScaledClock,
  SystemClock,
  toXStateClock,
  type WallTimers,
} from '../../src/util/clock.ts';

/**
 * A fake wall clock with its own timers. `lateness` says when a timer runs relative to its due
 * wall time: -1 models Node firing a timer a millisecond before Date.now() has reached it (its
 * timers run on a monotonic clock), never before the timer was set.
 */
class FakeWall {
  t = 1_000_000;
  delays: number[] = [];
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  private ids = 0;
  constructor(private readonly lateness = 0) {}
  now = () => this.t;
  timers_: WallTimers = {
    setTimeout: (fn, ms) => {
      this.delays.push(ms);
      const id = ++this.ids;
      this.timers.push({ id, at: this.t + Math.max(ms + this.lateness, ms > 1 ? 1 : ms), fn });
      return id;
    },
    clearTimeout: (id) => {
      this.timers = this.timers.filter((x) => x.id !== id);
    },
  };
  /** Runs every timer due up to `until`, in time order, moving the wall clock to each. */
  runUntil(until: number): void {
    for (;;) {
      const next = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = until;
  }
  pending(): number {
    return this.timers.length;
  }
}

describe('ManualClock', () => {
  it('GIVEN timers set out of order WHEN advanced THEN they fire in time order, ties in setting order', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 300);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`b1@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`b2@${clock.now()}`), 200);
    await clock.advance(250);
    assert.deepEqual(fired, ['a@100', 'b1@200', 'b2@200']);
    assert.equal(clock.now(), 250);
    assert.equal(clock.pending(), 1);
    await clock.advance(50);
    assert.deepEqual(fired.at(-1), 'c@300');
  });

  it('GIVEN a timer set by a firing timer within the advanced span THEN it fires in the same advance', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
    }, 10);
    await clock.advance(30);
    assert.deepEqual(fired, [10, 20]);
  });

  it('GIVEN a cancelled timer THEN it never fires', async () => {
    const clock = new ManualClock(0);
    let fired = false;
    const cancel = clock.setTimeout(() => {
      fired = true;
    }, 10);
    cancel();
    await clock.advance(100);
    assert.equal(fired, false);
    assert.equal(clock.pending(), 0);
  });

  it('GIVEN a sleep WHEN its signal aborts THEN it rejects with the reason and leaves no timer', async () => {
    const clock = new ManualClock(0);
    const ac = new AbortController();
    const slept = clock.sleep(1_000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(slept, /stop/);
    assert.equal(clock.pending(), 0);
    // AND an already aborted signal rejects at once
    await assert.rejects(clock.sleep(1, ac.signal), /stop/);
  });

  it('GIVEN a sleep THEN it resolves once the clock has advanced by its duration', async () => {
    const clock = new ManualClock(0);
    let done = false;
    const slept = clock.sleep(500).then(() => {
      done = true;
    });
    await clock.advance(499);
    assert.equal(done, false);
    await clock.advance(1);
    await slept;
    assert.equal(done, true);
  });
});

describe('ScaledClock', () => {
  it('reads virtual time from the wall clock: origin + elapsed wall × speed', () => {
    const wall = new FakeWall();
    const clock = new ScaledClock({ origin: 5_000, wallOrigin: wall.t, speed: 60, wallNow: wall.now });
    wall.t += 1_000;
    assert.equal(clock.now(), 65_000);
    assert.equal(clock.toEnv(), `origin=5000;wall=${wall.t - 1_000};speed=60`);
  });

  it('GIVEN wall timers that fire a millisecond early THEN a timer still never fires before its time', () => {
    // Before: a 1000 ms timer at speed 60 waited 1000/60 wall ms once; one wall ms early is 60
    // virtual ms early.
    const wall = new FakeWall(-1);
    const clock = new ScaledClock({
      origin: 0,
      wallOrigin: wall.t,
      speed: 60,
      wallNow: wall.now,
      timers: wall.timers_,
    });
    const results: Array<[number, number]> = [];
    for (let i = 0; i < 50; i++) {
      const ms = 1_000 + (i % 7) * 13;
      const start = clock.now();
      clock.setTimeout(() => results.push([ms, clock.now() - start]), ms);
      wall.runUntil(wall.t + 100);
    }
    assert.equal(results.length, 50);
    for (const [ms, elapsed] of results) assert.ok(elapsed >= ms, `woke after ${elapsed} of ${ms} virtual ms`);
    // AND it re-armed for the remainder rather than spinning
    assert.ok(wall.delays.every((d) => d >= 1));
  });

  it('GIVEN real timers at speed 60 THEN sleeps never return early', async () => {
    const clock = new ScaledClock({ origin: 0, wallOrigin: Date.now(), speed: 60 });
    for (let i = 0; i < 40; i++) {
      const ms = 300 + (i % 7) * 13;
      const start = clock.now();
      await clock.sleep(ms);
      const elapsed = clock.now() - start;
      assert.ok(elapsed >= ms, `sleep ${ms} returned after ${elapsed} virtual ms`);
    }
  });

  it('GIVEN a wait longer than Node can time (168h at speed 0.25) THEN it is chunked and fires on time', () => {
    const wall = new FakeWall();
    const clock = new ScaledClock({
      origin: 0,
      wallOrigin: wall.t,
      speed: 0.25,
      wallNow: wall.now,
      timers: wall.timers_,
    });
    const ms = 168 * 3_600_000;
    let firedAt: number | undefined;
    clock.setTimeout(() => {
      firedAt = clock.now();
    }, ms);
    assert.deepEqual(wall.delays, [MAX_WALL_TIMER_MS]);
    const start = wall.t;
    wall.runUntil(start + MAX_WALL_TIMER_MS);
    assert.equal(firedAt, undefined, 'must not fire after the first chunk');
    // (a few wall ms past 4 × ms: virtual time is floored, so the remainder is rounded up)
    wall.runUntil(start + ms * 4 + 10);
    assert.equal(firedAt, ms);
    assert.equal(wall.delays.length, 2);
    assert.ok(wall.delays.every((d) => d <= MAX_WALL_TIMER_MS));
  });

  it('GIVEN a cancelled long timer THEN the chunk that is armed is cleared', () => {
    const wall = new FakeWall();
    const clock = new ScaledClock({ origin: 0, wallOrigin: wall.t, speed: 1, wallNow: wall.now, timers: wall.timers_ });
    const cancel = clock.setTimeout(() => assert.fail('cancelled timer fired'), 3 * MAX_WALL_TIMER_MS);
    wall.runUntil(wall.t + MAX_WALL_TIMER_MS);
    assert.equal(wall.pending(), 1);
    cancel();
    assert.equal(wall.pending(), 0);
  });

  it('rejects a speed that is not above 0', () => {
    assert.throws(() => new ScaledClock({ origin: 0, wallOrigin: 0, speed: 0 }), RangeError);
  });
});

describe('SystemClock', () => {
  it('GIVEN a 30-day timer THEN it waits in chunks Node can time instead of firing at once', () => {
    const wall = new FakeWall();
    const clock = new SystemClock({ wallNow: wall.now, timers: wall.timers_ });
    const ms = 30 * 86_400_000;
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, ms);
    wall.runUntil(wall.t + ms - 1);
    assert.equal(fired, false);
    wall.runUntil(wall.t + 1);
    assert.equal(fired, true);
    assert.deepEqual(wall.delays, [MAX_WALL_TIMER_MS, ms - MAX_WALL_TIMER_MS]);
  });

  it('sleeps on real time', async () => {
    const clock = new SystemClock();
    const start = clock.now();
    await clock.sleep(20);
    assert.ok(clock.now() - start >= 20);
  });
});

describe('toXStateClock', () => {
  const machine = createMachine({
    id: 'tiny',
    initial: 'shifting',
    states: {
      shifting: { after: { 1000: 'baking' } },
      baking: { after: { 60000: 'done' }, on: { ABORT: 'aborted' } },
      done: { type: 'final' },
      aborted: { type: 'final' },
    },
  });

  it('GIVEN a machine with `after` delays on a ManualClock THEN they follow the clock, not the wall', async () => {
    const clock = new ManualClock(0);
    const actor = createActor(machine, { clock: toXStateClock(clock) }).start();
    assert.equal(actor.getSnapshot().value, 'shifting');
    await clock.advance(999);
    assert.equal(actor.getSnapshot().value, 'shifting');
    await clock.advance(1);
    assert.equal(actor.getSnapshot().value, 'baking');
    await clock.advance(59_999);
    assert.equal(actor.getSnapshot().value, 'baking');
    await clock.advance(1);
    assert.equal(actor.getSnapshot().value, 'done');
    assert.equal(clock.pending(), 0);
  });

  it('GIVEN a state left before its delay THEN xstate cancels the timer on the clock', async () => {
    const clock = new ManualClock(0);
    const actor = createActor(machine, { clock: toXStateClock(clock) }).start();
    await clock.advance(1_000);
    assert.equal(clock.pending(), 1);
    actor.send({ type: 'ABORT' });
    assert.equal(actor.getSnapshot().value, 'aborted');
    assert.equal(clock.pending(), 0);
  });
});

describe('clockFromEnv', () => {
  it('GIVEN no CUTOVER_CLOCK (or an empty one) THEN real time', () => {
    assert.ok(clockFromEnv({}) instanceof SystemClock);
    assert.ok(clockFromEnv({ CUTOVER_CLOCK: '' }) instanceof SystemClock);
  });

  it('GIVEN what a ScaledClock writes THEN the same clock', () => {
    const a = new ScaledClock({ origin: 1_700_000_000_000, wallOrigin: 1_700_000_100_000, speed: 10 });
    const b = clockFromEnv({ CUTOVER_CLOCK: a.toEnv() });
    assert.ok(b instanceof ScaledClock);
    assert.deepEqual([b.origin, b.wallOrigin, b.speed], [a.origin, a.wallOrigin, a.speed]);
  });

  const bad: Array<[string, RegExp]> = [
    ['origin=1;wall=2', /needs a number for speed/],
    ['origin=1;wall=2;speed=fast', /needs a number for speed/],
    ['origin=1;wall=2;speed=0', /speed above 0/],
    ['origin=1;wall=2;speed=-3', /speed above 0/],
    ['origin=1;wall=;speed=2', /needs a number for wall/],
    ['1;2;3', /must look like origin=<ms>;wall=<ms>;speed=<n>/],
    ['origin=1;wall=2;speed=3;tz=utc', /must look like/],
    ['origin=1;origin=2;wall=2;speed=3', /gives origin twice/],
  ];
  for (const [value, message] of bad) {
    it(`GIVEN CUTOVER_CLOCK=${value} THEN a CutoverError (exit 2) naming the variable, value and format`, () => {
      assert.throws(
        () => clockFromEnv({ CUTOVER_CLOCK: value }),
        (e: unknown) => {
          assert.ok(e instanceof CutoverError, String(e));
          assert.equal(e.exitCode, 2);
          assert.match(e.message, /^CUTOVER_CLOCK /);
          assert.match(e.message, message);
          assert.equal(e.value, value);
          assert.match(e.hint ?? '', /origin=<ms>;wall=<ms>;speed=<n>/);
          return true;
        },
      );
    });
  }
});
