import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCompare5xx } from '../../src/gates/compare5xx.ts';
import { emptyAccumulator } from '../../src/gates/sequential.ts';
import { MIN, T0 } from './fixtures.ts';
import { webReadings } from './readings.ts';

// blue (baseline) is tg0, green (candidate) tg1 in webReadings.
const spec = { baseline: 'blue', candidate: 'green', maxIncrease: 0.005, minRequests: 300, confidence: 0.95 };

describe('compare5xx', () => {
  it('GIVEN a 10× regression at 5% weight THEN fail, with both sides and the bounds in numbers and words', () => {
    const r = webReadings(
      { tg1_requests: [600, 600], tg1_target5xx: [30, 31], tg0_requests: [11400, 11400], tg0_target5xx: [57, 57] },
      2,
    );
    const { verdict, accumulator } = evaluateCompare5xx(5, spec, r, emptyAccumulator());
    assert.equal(verdict.outcome, 'fail');
    assert.equal(verdict.numbers.requests, 1200);
    assert.equal(verdict.numbers.errors, 61);
    assert.equal(verdict.numbers.baselineErrors, 114);
    assert.ok(verdict.numbers.lowerBound! > 0.005);
    assert.ok(verdict.numbers.pValue! < 0.05);
    assert.match(
      verdict.description,
      /^compare5xx green vs blue 5\.083% \(61\/1200\) vs 0\.5% \(114\/22800\), difference \+4\.583% in \[\+[\d.]+%, \+[\d.]+%\] \(95%\) vs \+0\.5% fail$/,
    );
    assert.equal(accumulator.minutes, 2);
  });

  it('GIVEN a healthy candidate over enough minutes THEN inconclusive at first, pass once the evidence is in', () => {
    let acc = emptyAccumulator();
    const outcomes: string[] = [];
    for (let m = 0; m < 12; m++) {
      // One new minute per tick; each window also repeats the previous minute (overlap is not double counted).
      const r = webReadings(
        { tg1_requests: [600, 600], tg1_target5xx: [3, 3], tg0_requests: [11400, 11400], tg0_target5xx: [57, 57] },
        2,
      );
      const shifted = { ...r, window: { startMs: T0 + (m - 1) * MIN, endMs: T0 + (m + 1) * MIN } };
      shifted.series = Object.fromEntries(
        Object.entries(r.series).map(([id, s]) => [
          id,
          s.ok ? { ok: true as const, points: s.points.map(([t, v]): [number, number] => [t + (m - 1) * MIN, v]) } : s,
        ]),
      );
      const out = evaluateCompare5xx(5, spec, shifted, acc);
      acc = out.accumulator;
      outcomes.push(out.verdict.outcome);
    }
    assert.equal(acc.minutes, 13);
    assert.equal(outcomes[0], 'inconclusive');
    assert.equal(outcomes.at(-1), 'pass');
    assert.ok(!outcomes.includes('fail'));
  });

  it('GIVEN too few candidate requests THEN inconclusive even with many errors, never a pass', () => {
    const r = webReadings({ tg1_requests: [100], tg1_target5xx: [50], tg0_requests: [10000] });
    const { verdict } = evaluateCompare5xx(0, spec, r, emptyAccumulator());
    assert.equal(verdict.outcome, 'inconclusive');
    assert.match(verdict.description, /fewer than 300 requests on a side/);
  });

  it('GIVEN an unreadable series THEN inconclusive and the accumulator is unchanged', () => {
    const r = webReadings({ tg1_requests: [600], tg0_requests: [11400] });
    r.series.tg0_target5xx = { ok: false, reason: 'status InternalError' };
    const acc = { ...emptyAccumulator(), candidateRequests: 5 };
    const out = evaluateCompare5xx(0, spec, r, acc);
    assert.equal(out.verdict.outcome, 'inconclusive');
    assert.match(out.verdict.description, /unreadable .*InternalError/);
    assert.equal(out.accumulator, acc);
  });
});
