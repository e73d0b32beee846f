import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binomial, createRandom, multinomial, poisson } from '../../../src/sandbox/world/prng.ts';

describe('seeded random numbers', () => {
  it('repeats for a seed, differs across seeds and across forked streams', () => {
    const seq = (seed: number, label?: string) => {
      const r = label ? createRandom(seed).fork(label) : createRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    assert.deepEqual(seq(1), seq(1));
    assert.notDeepEqual(seq(1), seq(2));
    assert.notDeepEqual(seq(1, 'a'), seq(1, 'b'));
  });

  const cases: [number, number][] = [
    [10, 0.3],
    [1000, 0.001],
    [100_000, 0.02],
    [500, 0.9],
  ];
  for (const [n, p] of cases) {
    it(`binomial(${n}, ${p}) stays in [0, n] with the right mean`, () => {
      const r = createRandom(42);
      let sum = 0;
      const k = 2000;
      for (let i = 0; i < k; i++) {
        const x = binomial(r, n, p);
        assert.ok(Number.isInteger(x) && x >= 0 && x <= n);
        sum += x;
      }
      const mean = sum / k;
      const sd = Math.sqrt((n * p * (1 - p)) / k);
      assert.ok(Math.abs(mean - n * p) < 5 * sd + 1e-9, `mean ${mean} vs ${n * p}`);
    });
  }

  it('poisson has the right mean for small and large rates', () => {
    const r = createRandom(3);
    for (const lambda of [0.5, 200]) {
      let sum = 0;
      for (let i = 0; i < 4000; i++) sum += poisson(r, lambda);
      assert.ok(Math.abs(sum / 4000 - lambda) < 5 * Math.sqrt(lambda / 4000));
    }
  });

  it('multinomial splits exactly n, in proportion, and gives nothing to zero weights', () => {
    const r = createRandom(9);
    const totals = [0, 0, 0];
    for (let i = 0; i < 200; i++) {
      const split = multinomial(r, 1000, [3, 1, 0]);
      assert.equal(
        split.reduce((a, b) => a + b, 0),
        1000,
      );
      assert.equal(split[2], 0);
      split.forEach((x, j) => {
        totals[j]! += x;
      });
    }
    assert.ok(Math.abs(totals[0]! / 200_000 - 0.75) < 0.01);
  });
});
