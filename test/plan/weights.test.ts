import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCutoverError } from '../../src/errors.ts';
import { albWeights, effectiveShares, representable, sharesFor } from '../../src/plan/weights.ts';

const two = (green: number) => ({ blue: 100 - green, green });

describe('albWeights: known values (two clusters, percent on green)', () => {
  const table: Array<[number, number, number, boolean]> = [
    // green %, blue weight, green weight, exact
    [0, 1, 0, true],
    [100, 0, 1, true],
    [50, 1, 1, true],
    [5, 19, 1, true],
    [25, 3, 1, true],
    [75, 1, 3, true],
    [10, 9, 1, true],
    [12.5, 7, 1, true],
    [20, 4, 1, true],
    [33.3, 667, 333, true],
    [0.1, 999, 1, true],
    [99.9, 1, 999, true],
    [1, 99, 1, true],
    [2.5, 39, 1, true],
    [66.6, 167, 333, true],
    [0.5, 199, 1, true],
    // not exact: the nearest representable split
    [33.33, 2, 1, false],
    [66.667, 1, 2, false],
    [0.05, 999, 1, false],
    [0.01, 999, 1, false],
    [99.95, 1, 999, false],
    [10.01, 899, 100, false],
  ];
  for (const [green, b, g, exact] of table) {
    it(`GIVEN ${green}% on green THEN blue=${b} green=${g}${exact ? ' exactly' : ' (nearest)'}`, () => {
      const r = representable(two(green));
      assert.deepEqual(r.weights, { blue: b, green: g });
      assert.equal(r.exact, exact);
      if (exact) assert.equal(r.maxErrorPct, 0);
      else assert.ok(r.maxErrorPct > 0);
    });
  }

  it('reports the error of an inexact split in percent points', () => {
    // 0.01% cannot be expressed: the smallest non-zero share ALB can give is 1/1000 = 0.1%.
    const r = representable(two(0.01));
    assert.ok(Math.abs(r.maxErrorPct - 0.09) < 1e-12, String(r.maxErrorPct));
    assert.ok(Math.abs(r.effective.green! - 0.1) < 1e-12);
    // 33.33% → 1:2 = 33.333…%, off by 1/300 of a point.
    assert.ok(Math.abs(representable(two(33.33)).maxErrorPct - 1 / 300) < 1e-12);
  });
});

describe('albWeights: several clusters', () => {
  it('GIVEN five equal shares THEN 1:1:1:1:1', () => {
    assert.deepEqual(albWeights({ a: 20, b: 20, c: 20, d: 20, e: 20 }), { a: 1, b: 1, c: 1, d: 1, e: 1 });
  });
  it('GIVEN 50/25/25 THEN 2:1:1', () => {
    assert.deepEqual(albWeights({ blue: 50, green: 25, red: 25 }), { blue: 2, green: 1, red: 1 });
  });
  it('GIVEN a zero share among three THEN that cluster gets 0 and the others the reduced ratio', () => {
    assert.deepEqual(albWeights({ blue: 95, green: 5, red: 0 }), { blue: 19, green: 1, red: 0 });
  });
  it('GIVEN a single cluster THEN weight 1', () => {
    assert.deepEqual(albWeights({ only: 100 }), { only: 1 });
  });
  it('GIVEN 33.33/33.33/33.34 THEN 1:1:1 (the closest; exact would need 3333:3333:3334)', () => {
    const r = representable({ a: 33.33, b: 33.33, c: 33.34 });
    assert.deepEqual(r.weights, { a: 1, b: 1, c: 1 });
    assert.equal(r.exact, false);
  });
  it('keeps the key order of its input in the output', () => {
    assert.deepEqual(Object.keys(albWeights({ zeta: 10, alpha: 90 })), ['zeta', 'alpha']);
  });
  it('accepts shares that do not sum to 100 (they are proportions)', () => {
    assert.deepEqual(albWeights({ blue: 1, green: 3 }), { blue: 1, green: 3 });
  });
});

describe('effectiveShares', () => {
  it('GIVEN weights THEN the percent split ALB produces', () => {
    assert.deepEqual(effectiveShares({ blue: 19, green: 1 }), { blue: 95, green: 5 });
    assert.deepEqual(effectiveShares({ blue: 0, green: 7 }), { blue: 0, green: 100 });
  });
  it('round-trips albWeights for exact splits', () => {
    for (const g of [0, 5, 12.5, 25, 50, 100]) {
      const eff = effectiveShares(albWeights(two(g)));
      assert.ok(Math.abs(eff.green! - g) < 1e-9, `${g} → ${eff.green}`);
    }
  });
  it('rejects all-zero weights', () => {
    assert.throws(
      () => effectiveShares({ blue: 0, green: 0 }),
      (e) => isCutoverError(e) && e.code === 'E_WEIGHTS',
    );
  });
});

describe('invalid shares', () => {
  for (const [label, shares] of [
    ['all zero', { blue: 0, green: 0 }],
    ['negative', { blue: 110, green: -10 }],
    ['above 100', { blue: 0, green: 101 }],
    ['NaN', { blue: Number.NaN, green: 100 }],
    ['no clusters', {}],
  ] as const) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => albWeights(shares),
        (e) => isCutoverError(e) && e.code === 'E_WEIGHTS',
      );
    });
  }
});

describe('sharesFor', () => {
  it('puts percent on `to`, the rest on `from`, 0 elsewhere, in cluster order', () => {
    assert.deepEqual(sharesFor(['blue', 'green', 'red'], 'blue', 'green', 5), { blue: 95, green: 5, red: 0 });
  });
});
