import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatFraction, formatPct } from '../../src/plan/format.ts';

describe('formatDuration', () => {
  const table: Array<[number, string]> = [
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [45_000, '45s'],
    [300_000, '5m'],
    [330_000, '5m30s'],
    [5_400_000, '1h30m'],
    [3_630_000, '1h30s'],
    [32 * 60_000, '32m'],
    [27 * 3_600_000, '1d3h'],
    [59_999, '1m'],
    [999.7, '1s'],
    [60_400, '1m'],
  ];
  for (const [ms, text] of table) it(`${ms}ms → ${text}`, () => assert.equal(formatDuration(ms), text));
  it('rejects negative and non-finite values', () => {
    assert.throws(() => formatDuration(-1), RangeError);
    assert.throws(() => formatDuration(Number.NaN), RangeError);
  });
});

describe('formatPct / formatFraction', () => {
  it('prints percents without float noise', () => {
    assert.equal(formatPct(5), '5%');
    assert.equal(formatPct(100 / 3), '33.333%');
    assert.equal(formatPct(0.1), '0.1%');
    assert.equal(formatFraction(0.005), '0.5%');
    assert.equal(formatFraction(0.011000000000000001), '1.1%');
  });
});
