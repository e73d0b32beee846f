import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCapacity, requiredHealthyTargets } from '../../src/plan/capacity.ts';

describe('requiredHealthyTargets', () => {
  const base = { headroom: 1.2, minHealthyTargets: 2, sourceHealthy: 10 };
  const table: Array<[number, number]> = [
    // share %, required targets (source: 10 healthy at 100%, headroom 1.2, floor 2)
    [0, 0],
    [1, 2], // ⌈0.12⌉ = 1, raised to the floor
    [5, 2],
    [25, 3], // ⌈3⌉
    [50, 6], // 1.2 × 50 × 10 / 100 is 6.000000000000001 in floating point: still 6
    [51, 7], // ⌈6.12⌉
    [100, 12],
  ];
  for (const [share, want] of table) {
    it(`GIVEN ${share}% to carry THEN ${want} healthy targets`, () => {
      assert.equal(requiredHealthyTargets({ ...base, share }), want);
    });
  }

  it('GIVEN headroom 1 and no floor THEN exactly the source per-target load', () => {
    assert.equal(requiredHealthyTargets({ share: 30, headroom: 1, minHealthyTargets: 1, sourceHealthy: 20 }), 6);
  });

  it('GIVEN a source counted while carrying 50% THEN its targets carried twice the load each', () => {
    // 10 targets carried 50%, so 5% per target; 25% takes 5 targets, ×1.2 = 6.
    assert.equal(requiredHealthyTargets({ ...base, share: 25, sourceShare: 50 }), 6);
  });

  it('GIVEN no healthy source targets THEN only the floor applies', () => {
    assert.equal(requiredHealthyTargets({ ...base, share: 50, sourceHealthy: 0 }), 2);
  });

  it('rejects a source that carried nothing, and non-numbers', () => {
    assert.throws(() => requiredHealthyTargets({ ...base, share: 5, sourceShare: 0 }), RangeError);
    assert.throws(() => requiredHealthyTargets({ ...base, share: Number.NaN }), RangeError);
  });
});

describe('checkCapacity', () => {
  it('GIVEN too few receiving targets THEN not ok and by how many', () => {
    const v = checkCapacity({ share: 50, headroom: 1.2, minHealthyTargets: 2, sourceHealthy: 10, receivingHealthy: 4 });
    assert.deepEqual(v, { ok: false, required: 6, healthy: 4, shortBy: 2 });
  });
  it('GIVEN enough receiving targets THEN ok', () => {
    const v = checkCapacity({ share: 50, headroom: 1.2, minHealthyTargets: 2, sourceHealthy: 10, receivingHealthy: 6 });
    assert.deepEqual(v, { ok: true, required: 6, healthy: 6, shortBy: 0 });
  });
});
