import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { representable } from '../../src/plan/weights.ts';
import { SCALE } from '../../src/plan/weights-search.ts';
import { randomSplit, seeded } from './random.ts';

/**
 * Optimality against brute force. Shares are handled in integer units (1e-5 percent point) and
 * errors compared as exact rationals, exactly as the rules state them: least max error, then
 * least summed error, then the smallest total.
 */
const S = 100 * SCALE;

interface Score {
  maxNum: number;
  sumNum: number;
  total: number;
}

function score(units: number[], w: number[]): Score {
  const T = w.reduce((a, b) => a + b, 0);
  const errs = w.map((wi, i) => Math.abs(wi * S - units[i]! * T));
  return { maxNum: Math.max(...errs), sumNum: errs.reduce((a, b) => a + b, 0), total: T };
}

/** <0 when a is better than b. */
function compare(a: Score, b: Score): number {
  return (
    Math.sign(a.maxNum * b.total - b.maxNum * a.total) ||
    Math.sign(a.sumNum * b.total - b.sumNum * a.total) ||
    a.total - b.total
  );
}

function weightsOf(units: number[], maxWeight?: number): number[] {
  const shares = Object.fromEntries(units.map((u, i) => [`c${i}`, u / SCALE]));
  return Object.values(representable(shares, maxWeight === undefined ? {} : { maxWeight }).weights);
}

function assertInvariants(units: number[], w: number[], maxWeight = 999) {
  assert.ok(
    w.every((x) => Number.isInteger(x) && x >= 0 && x <= maxWeight),
    `range ${w}`,
  );
  assert.ok(
    w.some((x) => x > 0),
    'never all zero',
  );
  units.forEach((u, i) => {
    assert.equal(w[i] === 0, u === 0, `cluster ${i}: share ${u / SCALE}% ⇔ weight ${w[i]}`);
  });
}

/**
 * Every split two ALB weights can make, (a, b) in 1..999 each, reduced to lowest terms (the
 * smallest pair for that ratio) and sorted by the share they give the second cluster.
 */
function allTwoWaySplits(): Array<{ b: number; T: number; v: number }> {
  const gcd = (x: number, y: number): number => (y ? gcd(y, x % y) : x);
  const out: Array<{ b: number; T: number; v: number }> = [];
  for (let a = 1; a <= 999; a++) {
    for (let b = 1; b <= 999; b++) if (gcd(a, b) === 1) out.push({ b, T: a + b, v: b / (a + b) });
  }
  return out.sort((x, y) => x.v - y.v);
}

describe('two clusters: optimal against every (a, b) in 0..999', () => {
  const splits = allTwoWaySplits();

  /** The best split for `g` units on the second cluster, by binary search then exact comparison. */
  function bruteBest(g: number): Score[] {
    const target = g / S;
    let lo = 0;
    let hi = splits.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (splits[mid]!.v < target) lo = mid + 1;
      else hi = mid;
    }
    const units = [S - g, g];
    const cands = splits
      .slice(Math.max(0, lo - 3), lo + 3)
      .map((s) => score(units, [s.T - s.b, s.b]))
      .sort(compare);
    return cands.filter((c) => compare(c, cands[0]!) === 0);
  }

  function check(g: number) {
    const units = [S - g, g];
    const w = weightsOf(units);
    assertInvariants(units, w);
    if (g === 0 || g === S) return assert.deepEqual(w, g === 0 ? [1, 0] : [0, 1]);
    const best = bruteBest(g);
    assert.equal(compare(score(units, w), best[0]!), 0, `${g / SCALE}%: got ${w}, best total ${best[0]!.total}`);
  }

  it('every percent 0.0–100.0 in 0.1 steps (all exactly representable)', () => {
    for (let k = 0; k <= 1000; k++) {
      const g = k * (S / 1000);
      check(g);
      assert.equal(representable({ b: 100 - k / 10, g: k / 10 }).exact, true, `${k / 10}%`);
    }
  });

  it('every percent 0.00–100.00 in 0.01 steps (mostly not representable)', () => {
    for (let k = 0; k <= 10_000; k++) check(k * (S / 10_000));
  });

  it('2,000 random shares with five decimals (seeded)', () => {
    const rand = seeded(2);
    for (let n = 0; n < 2000; n++) check(Math.floor(rand() * (S + 1)));
  });

  it('agrees with a literal double loop over all (a, b) in 0..999 for sample shares', () => {
    for (const pct of [0.01, 0.05, 1.23456, 10.01, 33.33, 49.99, 66.667, 99.95]) {
      const g = Math.round(pct * SCALE);
      const units = [S - g, g];
      let best: Score | undefined;
      for (let a = 0; a <= 999; a++) {
        for (let b = 0; b <= 999; b++) {
          if (a === 0 || b === 0) continue; // both shares are non-zero ⇒ both weights are
          const s = score(units, [a, b]);
          if (!best || compare(s, best) < 0) best = s;
        }
      }
      assert.equal(compare(score(units, weightsOf(units)), best!), 0, `${pct}%`);
    }
  });
});

describe('three and four clusters: optimal against exhaustive search with small weights', () => {
  function exhaustive(units: number[], maxWeight: number): Score {
    let best: Score | undefined;
    const w = new Array<number>(units.length).fill(0);
    const rec = (i: number) => {
      if (i === units.length) {
        const s = score(units, w);
        if (!best || compare(s, best) < 0) best = s;
        return;
      }
      for (let x = units[i] === 0 ? 0 : 1; x <= (units[i] === 0 ? 0 : maxWeight); x++) {
        w[i] = x;
        rec(i + 1);
      }
    };
    rec(0);
    return best!;
  }

  for (const [n, maxWeight, cases] of [
    [3, 25, 300],
    [4, 10, 200],
    [5, 5, 100],
  ] as const) {
    it(`${cases} random ${n}-cluster splits, weights 0..${maxWeight}`, () => {
      const rand = seeded(n * 100 + maxWeight);
      for (let k = 0; k < cases; k++) {
        const units = randomSplit(rand, n, S);
        const w = weightsOf(units, maxWeight);
        assertInvariants(units, w, maxWeight);
        const got = score(units, w);
        const best = exhaustive(units, maxWeight);
        assert.equal(compare(got, best), 0, `${units.map((u) => u / SCALE)} → ${w}`);
      }
    });
  }
});

describe('three to five clusters at ALB scale: invariants and a guaranteed bound', () => {
  it('300 random splits (seeded): range, zero ⇔ zero, never all zero, error < 0.1 point', () => {
    const rand = seeded(7);
    for (let k = 0; k < 300; k++) {
      const n = 3 + (k % 3);
      const units = randomSplit(rand, n, S);
      const shares = Object.fromEntries(units.map((u, i) => [`c${i}`, u / SCALE]));
      const r = representable(shares);
      const w = Object.values(r.weights);
      assertInvariants(units, w);
      // Total 1000 with largest remainders misses each share by < 1/1000 of all traffic, and
      // the search may only do better. Floors of 1 for tiny shares cost at most that much more.
      assert.ok(r.maxErrorPct < 0.1 + 1e-9, `${units.map((u) => u / SCALE)} → ${w}: ${r.maxErrorPct}`);
      if (r.exact) assert.equal(r.maxErrorPct, 0);
    }
  });

  it('splits in whole percents are exact in the smallest integers', () => {
    const rand = seeded(11);
    const gcd = (x: number, y: number): number => (y ? gcd(y, x % y) : x);
    for (let k = 0; k < 200; k++) {
      const n = 3 + (k % 3);
      const parts = randomSplit(rand, n, 100);
      const r = representable(Object.fromEntries(parts.map((p, i) => [`c${i}`, p])));
      const g = parts.reduce(gcd, 0);
      assert.deepEqual(
        Object.values(r.weights),
        parts.map((p) => p / g),
      );
      assert.equal(r.exact, true);
    }
  });
});
