import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../src/spec/duration.ts';
import { checkPercent, formatPercent } from '../../src/spec/percent.ts';

/**
 * The plan prints with the spec's one duration and one percent formatter (src/spec/), so what it
 * shows can be pasted back into a rollout file.
 */
describe('formatDuration as the plan uses it', () => {
  const table: Array<[number, string]> = [
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1s500ms'],
    [45_000, '45s'],
    [330_000, '5m30s'],
    [5_400_000, '1h30m'],
    [27 * 3_600_000, '27h'],
    [59_999, '59s999ms'],
    [999.7, '1s'],
  ];
  for (const [ms, text] of table) {
    it(`${ms}ms → ${text}, which parses back`, () => {
      assert.equal(formatDuration(ms), text);
      assert.equal(parseDuration(text), Math.round(ms));
    });
  }
  it('rejects negative and non-finite values', () => {
    assert.throws(() => formatDuration(-1), RangeError);
    assert.throws(() => formatDuration(Number.NaN), RangeError);
  });
});

describe('formatPercent as the plan uses it', () => {
  it('prints fractions without float noise, in the form the spec reads back', () => {
    for (const [fraction, text] of [
      [0.05, '5%'],
      [0.005, '0.5%'],
      [0.011000000000000001, '1.1%'],
      [1, '100%'],
      [1e-9, '0.0000001%'],
    ] as const) {
      assert.equal(formatPercent(fraction), text);
      const back = checkPercent(text);
      assert.ok(back.ok && Math.abs(back.value - fraction) < 1e-12, text);
    }
  });
  it('rounds computed shares to the decimals asked for display', () => {
    assert.equal(formatPercent(2 / 3, 3), '66.667%');
    assert.equal(formatPercent(1 / 3, 3), '33.333%');
    assert.equal(formatPercent(0.2 / 3, 4), '6.6667%');
  });
});
