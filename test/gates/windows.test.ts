import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  firstOwnVerdictAt,
  minFirstVerdictDelayMs,
  minStepDurationMs,
  ownsWindow,
  tickWindow,
  windowLengthMs,
} from '../../src/gates/windows.ts';
import { MIN, T0 } from './fixtures.ts';

const S = 1000;

describe('tickWindow', () => {
  const table: Array<[string, number, number, number, [number, number]]> = [
    // name, now (after T0), interval, lag, [start, end] (after T0)
    ['on a boundary, 1m interval, 2m lag', 10 * MIN, MIN, 2 * MIN, [7 * MIN, 8 * MIN]],
    ['mid-period now is floored', 10 * MIN + 59 * S, MIN, 2 * MIN, [7 * MIN, 8 * MIN]],
    ['5m interval, 3m lag', 20 * MIN + 30 * S, 5 * MIN, 3 * MIN, [12 * MIN, 17 * MIN]],
    ['90s interval rounds up to 2 periods', 10 * MIN, 90 * S, 0, [8 * MIN, 10 * MIN]],
    ['lag of 90s', 10 * MIN, MIN, 90 * S, [7 * MIN, 8 * MIN]],
    ['no lag', 10 * MIN + S, MIN, 0, [9 * MIN, 10 * MIN]],
  ];
  for (const [name, now, interval, lag, [start, end]] of table) {
    it(`GIVEN ${name} THEN the window is whole periods behind the lag`, () => {
      const w = tickWindow(T0 + now, interval, lag);
      assert.deepEqual(w, { startMs: T0 + start, endMs: T0 + end });
      assert.equal(w.startMs % MIN, 0);
      assert.ok(w.endMs <= T0 + now - lag);
    });
  }

  it('GIVEN intervals THEN windows are whole periods, at least one', () => {
    assert.equal(windowLengthMs(MIN), MIN);
    assert.equal(windowLengthMs(61 * S), 2 * MIN);
    assert.equal(windowLengthMs(10 * MIN), 10 * MIN);
  });
});

describe('ownsWindow and the first own verdict', () => {
  it('GIVEN a write verified mid-minute THEN that minute is not the step own, the next is', () => {
    const verified = T0 + 5 * MIN + 20 * S;
    assert.equal(ownsWindow({ startMs: T0 + 5 * MIN, endMs: T0 + 6 * MIN }, verified), false);
    assert.equal(ownsWindow({ startMs: T0 + 6 * MIN, endMs: T0 + 7 * MIN }, verified), true);
    // A write verified exactly on a boundary owns the minute starting there.
    assert.equal(ownsWindow({ startMs: T0 + 6 * MIN, endMs: T0 + 7 * MIN }, T0 + 6 * MIN), true);
  });

  const table: Array<[string, number, number, number, number]> = [
    // verified at (after T0), interval, lag, first verdict (after T0)
    ['on a boundary', 5 * MIN, MIN, 2 * MIN, 8 * MIN],
    ['just after a boundary waits for the next', 5 * MIN + S, MIN, 2 * MIN, 9 * MIN],
    ['5m windows', 5 * MIN + 30 * S, 5 * MIN, 2 * MIN, 13 * MIN],
    ['a lag of 90s', 5 * MIN, MIN, 90 * S, 7 * MIN + 30 * S],
  ];
  for (const [name, verified, interval, lag, want] of table) {
    it(`GIVEN a write verified ${name} THEN the first own verdict is due at the right time`, () => {
      const at = firstOwnVerdictAt(T0 + verified, interval, lag);
      assert.equal(at, T0 + want);
      // WHEN a tick runs then THEN its window is the step's own; a tick one second earlier is not.
      assert.ok(ownsWindow(tickWindow(at, interval, lag), T0 + verified));
      assert.ok(!ownsWindow(tickWindow(at - S, interval, lag), T0 + verified));
    });
  }

  it('GIVEN bakes shorter and longer than interval + lag THEN the step minimum is the larger', () => {
    const gates = { intervalMs: MIN, lagMs: 2 * MIN };
    assert.equal(minFirstVerdictDelayMs(MIN, 2 * MIN), 3 * MIN);
    assert.equal(minStepDurationMs(MIN, gates, true), 3 * MIN);
    assert.equal(minStepDurationMs(10 * MIN, gates, true), 10 * MIN);
    assert.equal(minStepDurationMs(MIN, gates, false), MIN);
  });
});
