import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxTicksOfStep, nextTickAt, replayTicks } from '../../src/engine/schedule.ts';

const G = { intervalMs: 60_000, lagMs: 120_000, failureLimit: 1, inconclusiveLimit: 5 };
const T = Date.UTC(2026, 0, 1, 12, 0, 30);
const at = (h: number, m: number) => Date.UTC(2026, 0, 1, h, m);

describe('tick schedule', () => {
  it('GIVEN a tick due THEN the next is an interval later, never in the past', () => {
    assert.equal(nextTickAt(at(12, 0), at(12, 0), 60_000), at(12, 1));
    assert.equal(nextTickAt(at(12, 0), at(12, 3) + 1, 60_000), at(12, 4));
  });

  it('GIVEN a bake verified 5 min ago THEN the ticks since its first own verdict are replayed, in order', () => {
    // Verified 11:55:30: first own window 11:56–11:57, readable at 11:59 after the 2 min lag.
    assert.deepEqual(replayTicks(T - 300_000, 120_000, T, G), { from: at(11, 59), count: 2 });
  });

  it('GIVEN no own window readable yet THEN nothing is replayed and the first live tick is its first own verdict', () => {
    // Verified 12:00:00: first own window 12:00–12:01, readable at 12:03.
    assert.deepEqual(replayTicks(T - 30_000, 120_000, T, G), { from: at(12, 3), count: 0 });
  });

  it('GIVEN no driver for 3 hours THEN at most the ticks one step can take are replayed, the newest ones', () => {
    // A 2 min bake ends before its first verdict: 0 ticks during it, then at most 6 × 2 until the rules decide.
    assert.equal(maxTicksOfStep(T - 3 * 3_600_000, 120_000, G), 12);
    // A 30 min bake verified 12:00:30: 27 ticks (12:04 … 12:30) before it ends, then the same 12.
    assert.equal(maxTicksOfStep(T, 30 * 60_000, G), 27 + 12);
    const r = replayTicks(T - 3 * 3_600_000, 120_000, T, G);
    assert.equal(r.count, 12);
    assert.equal(r.from + r.count * 60_000, at(12, 1), 'up to the last tick due now; the next live one at 12:01');
  });
});
