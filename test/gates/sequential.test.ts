import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logNormalCdf, normalCdf } from '../../src/gates/normal.ts';
import type { CompareAccumulator } from '../../src/gates/sequential.ts';
import {
  accumulate,
  boundaryBaselineRate,
  emptyAccumulator,
  mixtureLikelihoodRatio,
  sequentialTest,
} from '../../src/gates/sequential.ts';
import { MIN, T0 } from './fixtures.ts';

/** One compared minute with these counts. */
const totals = (nc: number, xc: number, nb: number, xb: number): CompareAccumulator =>
  accumulate(emptyAccumulator(), [
    { t: T0, candidateRequests: nc, candidateErrors: xc, baselineRequests: nb, baselineErrors: xb },
  ]);
const params = { maxIncrease: 0.005, confidence: 0.95 };

describe('accumulate', () => {
  it('GIVEN overlapping windows THEN each minute is added once, and the state survives JSON', () => {
    const m = (i: number) => ({
      t: T0 + i * MIN,
      candidateRequests: 10,
      candidateErrors: 1,
      baselineRequests: 90,
      baselineErrors: 2,
    });
    let acc = accumulate(emptyAccumulator(), [m(1), m(0)]);
    acc = JSON.parse(JSON.stringify(acc));
    acc = accumulate(acc, [m(1), m(2)]);
    const w = (10 * 90) / 100;
    const round = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 1e9) / 1e9]));
    assert.deepEqual(
      round(acc),
      round({
        candidateRequests: 30,
        candidateErrors: 3,
        baselineRequests: 270,
        baselineErrors: 6,
        weight: 3 * w,
        weightedDifference: 3 * w * (1 / 10 - 2 / 90),
        candidateInformation: (3 * w * w) / 10,
        baselineInformation: (3 * w * w) / 90,
        minutes: 3,
        throughMs: T0 + 3 * MIN,
      }),
    );
  });

  it('GIVEN a minute with no requests on one side THEN it is passed over but not compared', () => {
    const acc = accumulate(emptyAccumulator(), [
      { t: T0, candidateRequests: 0, candidateErrors: 0, baselineRequests: 100, baselineErrors: 5 },
    ]);
    assert.deepEqual(acc, { ...emptyAccumulator(), minutes: 1, throughMs: T0 + MIN });
  });

  it('GIVEN equal splits every minute THEN the weighted difference is the pooled one', () => {
    const m = (i: number, xc: number, xb: number) => ({
      t: T0 + i * MIN,
      candidateRequests: 500,
      candidateErrors: xc,
      baselineRequests: 9500,
      baselineErrors: xb,
    });
    const acc = accumulate(emptyAccumulator(), [m(0, 5, 40), m(1, 1, 60)]);
    const r = sequentialTest(acc, params);
    assert.ok(Math.abs(r.difference - (6 / 1000 - 100 / 19000)) < 1e-12);
  });
});

describe('boundaryBaselineRate (restricted MLE on p_c = p_b + δ)', () => {
  const cases: Array<[number, number, number, number]> = [
    [500, 5, 9500, 40],
    [500, 0, 9500, 0],
    [100, 30, 1900, 2],
    [3000, 10, 3000, 60],
  ];
  for (const [nc, xc, nb, xb] of cases) {
    it(`GIVEN ${xc}/${nc} vs ${xb}/${nb} THEN it maximises the boundary likelihood (checked on a grid)`, () => {
      const d = 0.005;
      const ll = (p: number) =>
        (xc ? xc * Math.log(p + d) : 0) +
        (nc - xc) * Math.log(1 - p - d) +
        (xb ? xb * Math.log(p) : 0) +
        (nb - xb) * Math.log(1 - p);
      const p = boundaryBaselineRate(xc, nc, xb, nb, d);
      let best = 0;
      for (let g = 1e-6; g < 0.2; g += 1e-5) if (ll(g) > ll(best === 0 ? 1e-9 : best)) best = g;
      assert.ok(Math.abs(p - best) < 2e-5 || ll(p) >= ll(best), `${p} vs grid ${best}`);
    });
  }
});

describe('mixtureLikelihoodRatio', () => {
  it('GIVEN the closed form THEN it equals the half-normal mixture integral computed numerically', () => {
    const v = 1e-5;
    const tau2 = 0.005 ** 2;
    for (const x of [-0.004, 0, 0.002, 0.008]) {
      let sum = 0;
      const h = 1e-6;
      for (let th = h / 2; th < 0.1; th += h) {
        const prior = (2 / Math.sqrt(2 * Math.PI * tau2)) * Math.exp(-(th * th) / (2 * tau2));
        sum += prior * Math.exp((x * th - (th * th) / 2) / v) * h;
      }
      const closed = mixtureLikelihoodRatio(x, v, tau2);
      assert.ok(Math.abs(closed - sum) / sum < 1e-4, `x=${x}: ${closed} vs ${sum}`);
    }
  });
});

describe('sequentialTest', () => {
  const table: Array<[string, CompareAccumulator, 'fail' | 'pass' | 'undecided']> = [
    ['candidate 10× the baseline (5% vs 0.5%)', totals(600, 30, 11400, 57), 'fail'],
    ['the same rate with plenty of requests', totals(6000, 30, 114000, 570), 'pass'],
    ['the same rate, not yet enough requests', totals(3000, 15, 57000, 285), 'undecided'],
    ['the same rate on very little traffic', totals(100, 0, 1900, 10), 'undecided'],
    ['worse, but within the margin', totals(30000, 240, 270000, 1350), 'pass'], // 0.8% vs 0.5%, δ 0.5 points
    ['no errors anywhere', totals(2000, 0, 38000, 0), 'pass'],
  ];
  for (const [name, acc, want] of table) {
    it(`GIVEN ${name} THEN ${want}`, () => {
      const r = sequentialTest(acc, params);
      assert.equal(r.decision, want);
      assert.ok(r.lowerBound <= r.difference && r.difference <= r.upperBound);
      // The decision is the bounds' relation to the margin.
      assert.equal(r.decision === 'fail', r.lowerBound > params.maxIncrease - 1e-9);
      assert.equal(r.decision === 'pass', r.upperBound <= params.maxIncrease + 1e-9);
      assert.ok(r.pValue > 0 && r.pValue <= 1);
    });
  }

  it('GIVEN overwhelming evidence either way THEN finite numbers (no NaN from an overflow meeting an underflow)', () => {
    const worse = sequentialTest(totals(1_000_000, 500_000, 19_000_000, 1000), params);
    assert.equal(worse.decision, 'fail');
    assert.equal(worse.pValue, 0);
    assert.ok(Number.isFinite(worse.ePass) && worse.ePass >= 0);
    const fine = sequentialTest(totals(10_000_000, 0, 190_000_000, 19_000), params);
    assert.equal(fine.decision, 'pass');
    assert.equal(fine.pValue, 1);
    assert.ok(Number.isFinite(fine.eFail) && fine.eFail >= 0);
    assert.ok(Number.isFinite(fine.lowerBound) && Number.isFinite(fine.upperBound));
  });

  it('GIVEN a higher confidence THEN wider bounds and fewer decisions', () => {
    const acc = totals(600, 12, 11400, 57);
    const loose = sequentialTest(acc, { maxIncrease: 0.005, confidence: 0.8 });
    const strict = sequentialTest(acc, { maxIncrease: 0.005, confidence: 0.999 });
    assert.ok(strict.upperBound - strict.lowerBound > loose.upperBound - loose.lowerBound);
    assert.equal(loose.decision, 'fail');
    assert.equal(strict.decision, 'undecided');
  });
});

describe('normal CDF', () => {
  it('GIVEN known quantiles THEN Φ and log Φ match them, deep into the tail', () => {
    const table: Array<[number, number]> = [
      [0, 0.5],
      [1.6448536, 0.95],
      [-2.3263479, 0.01],
      [-8, 6.22096057e-16],
    ];
    for (const [x, p] of table) {
      assert.ok(Math.abs(normalCdf(x) - p) / p < 1e-5, `Φ(${x}) = ${normalCdf(x)}`);
      assert.ok(Math.abs(logNormalCdf(x) - Math.log(p)) < 1e-5);
    }
    // log Φ(−40) = −804.6084420137538 (Φ itself underflows to 0).
    assert.equal(normalCdf(-40), 0);
    assert.ok(Math.abs(logNormalCdf(-40) - -804.6084420137538) < 0.01);
    assert.ok(Math.abs(logNormalCdf(-29.999) - logNormalCdf(-30.001)) < 0.1);
  });
});
