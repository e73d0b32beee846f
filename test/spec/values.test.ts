import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CutoverError } from '../../src/errors.ts';
import { unrepresentableShare } from '../../src/spec/alb-share.ts';
import { didYouMean, editDistance } from '../../src/spec/did-you-mean.ts';
import { checkDuration, formatDuration, parseDuration } from '../../src/spec/duration.ts';
import { checkPercent, formatPercent, parsePercent } from '../../src/spec/percent.ts';

describe('parseDuration', () => {
  const good: [string | number, number][] = [
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['2h0m5s', 7_205_000],
    ['0s', 0],
    [0, 0],
    ['0.5s', 500],
  ];
  for (const [text, ms] of good) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  const bad: [unknown, RegExp][] = [
    ['5 minutes', /is not a duration/],
    ['5M', /is not a duration/],
    ['-5m', /must not be negative/],
    ['300', /needs a unit/],
    [300, /needs a unit/],
    ['30s5m', /is not a duration/],
    ['5m5m', /is not a duration/],
    ['PT5M', /is not a duration/],
    ['', /is not a duration/],
    ['1d', /is not a duration/],
    ['0.0001s', /finer than a millisecond/],
    [true, /must be a duration/],
  ];
  for (const [text, problem] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      const r = checkDuration(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.problem, problem);
    });
  }

  it('throws a CutoverError with the value and a hint', () => {
    assert.throws(
      () => parseDuration('5 minutes'),
      (e: unknown) =>
        e instanceof CutoverError && e.code === 'E_BAD_DURATION' && e.value === '5 minutes' && /30s/.test(e.hint ?? ''),
    );
  });

  it('formats back in the same grammar', () => {
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(90_500), '1m30s500ms');
    assert.equal(formatDuration(0), '0s');
    for (const ms of [1, 999, 60_000, 3_599_999, 86_400_000]) assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});

describe('parsePercent', () => {
  const good: [string | number, number][] = [
    ['1%', 0.01],
    ['0.5%', 0.005],
    ['1.1%', 0.011],
    ['100%', 1],
    ['0%', 0],
    [0.01, 0.01],
    [0, 0],
    [1, 1],
  ];
  for (const [text, f] of good) it(`reads ${JSON.stringify(text)} as ${f}`, () => assert.equal(parsePercent(text), f));

  const bad: [unknown, RegExp][] = [
    [5, /is ambiguous/],
    [150, /is ambiguous/],
    ['-1%', /must not be negative/],
    [-0.1, /must not be negative/],
    ['5', /must be a percentage/],
    ['five%', /must be a percentage/],
    ['1 %', /must be a percentage/],
    [null, /must be a percentage/],
  ];
  for (const [text, problem] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      const r = checkPercent(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.problem, problem);
    });
  }

  it('hints both readings of an ambiguous bare number', () => {
    const r = checkPercent(5);
    assert.ok(!r.ok && r.hint.includes('5%') && r.hint.includes('0.05'));
  });

  it('formats fractions without float noise', () => {
    assert.equal(formatPercent(0.005), '0.5%');
    assert.equal(formatPercent(0.011), '1.1%');
    assert.equal(formatPercent(1), '100%');
  });
});

describe('unrepresentableShare (ALB integer weights 0–999)', () => {
  it('accepts shares two target groups can express', () => {
    for (const p of [0, 0.1, 0.15, 1, 5, 33.3, 50, 99.9, 100])
      assert.equal(unrepresentableShare(p), undefined, String(p));
  });
  it('rejects shares that would round to 0 or 100, naming the nearest usable value', () => {
    assert.deepEqual(unrepresentableShare(0.05), { nearest: 0.1, alternative: 0 });
    assert.deepEqual(unrepresentableShare(0.001), { nearest: 0.1, alternative: 0 });
    assert.deepEqual(unrepresentableShare(99.97), { nearest: 99.9, alternative: 100 });
  });
});

describe('didYouMean', () => {
  const names = ['weight', 'weights', 'bake', 'approve'];
  it('finds close typos, case slips and known aliases', () => {
    assert.equal(didYouMean('bak', names), 'bake');
    assert.equal(didYouMean('Weight', names), 'weight');
    assert.equal(didYouMean('aprove', names), 'approve');
    assert.equal(didYouMean('pause', names, { pause: 'bake' }), 'bake');
  });
  it('stays quiet when nothing is close', () => {
    assert.equal(didYouMean('xyz', names), undefined);
    assert.equal(didYouMean('interval', names), undefined);
  });
  it('computes edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });
});
