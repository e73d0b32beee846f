import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateMath,
  type MathContext,
  type MathValue,
  type TimeSeries,
} from '../../../src/sandbox/cloudwatch/math-eval.ts';
import { MathSyntaxError, parseMath } from '../../../src/sandbox/cloudwatch/math-parser.ts';

const M = 60_000;
const S = 0; // window start
const ts = (label: string, pts: Record<number, number>): TimeSeries => {
  const keys = Object.keys(pts)
    .map(Number)
    .sort((a, b) => a - b);
  return { label, periodSec: 60, timestamps: keys.map((k) => S + k * M), values: keys.map((k) => pts[k]!) };
};

// Minutes 0..4 of a 5-minute window.
const series: Record<string, TimeSeries> = {
  req: ts('RequestCount', { 0: 100, 1: 200, 2: 0, 3: 50 }),
  err: ts('5xx', { 1: 10, 3: 5 }),
  a: ts('A', { 0: 30, 1: 20, 2: 0, 3: 0 }),
  b: ts('B', { 0: 20, 2: 20 }),
  m1: ts('m1', { 0: 1, 1: 1, 2: 0, 3: 0 }),
  m2: ts('m2', { 0: 30, 2: 0, 3: 0, 4: 30 }),
  m3: ts('m3', { 0: 0, 1: 0, 2: 20, 4: 20 }),
  gap: ts('gap', { 1: 10, 4: 40 }),
};
const ctx: MathContext = {
  start: S,
  end: S + 5 * M,
  defaultPeriodSec: 60,
  ref: (id) => {
    const s = series[id];
    if (!s) throw new Error(`unknown ${id}`);
    return { k: 'ts', s };
  },
  metrics: () => ['req', 'err'].map((id) => ({ id, series: series[id]! })),
};

/** A series as {minute: value}, or a scalar as a number. */
function show(v: MathValue): Record<number, number> | number | Record<number, number>[] {
  if (v.k === 'scalar') return v.v;
  const one = (s: TimeSeries) => Object.fromEntries(s.timestamps.map((t, i) => [(t - S) / M, s.values[i]!]));
  if (v.k === 'ts') return one(v.s);
  if (v.k === 'arr') return v.items.map(one);
  throw new Error(`unexpected ${v.k}`);
}

describe('metric math evaluation', () => {
  const cases: [string, ReturnType<typeof show>][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['-2 ^ 2', -4],
    ['2 ^ 3 ^ 2', 512],
    ['10 / 4', 2.5],
    ['req * 2', { 0: 200, 1: 400, 2: 0, 3: 100 }],
    // missing values count as 0 in series arithmetic; division by zero drops the point
    ['err / req', { 0: 0, 1: 0.05, 3: 0.1 }],
    ['100 * err / req', { 0: 0, 1: 5, 3: 10 }],
    ['req / 0', {}],
    ['FILL(err, 0)', { 0: 0, 1: 10, 2: 0, 3: 5, 4: 0 }],
    ['FILL(err, 0) / FILL(req, 0)', { 0: 0, 1: 0.05, 3: 0.1 }],
    ['FILL(gap, REPEAT)', { 1: 10, 2: 10, 3: 10, 4: 40 }],
    ['FILL(gap, LINEAR)', { 1: 10, 2: 20, 3: 30, 4: 40 }],
    ['FILL(err, req)', { 0: 100, 1: 10, 2: 0, 3: 5 }],
    // the user guide's comparison table: metric1 [30,20,0,0], metric2 [20,-,20,-]
    ['a < b', { 0: 0, 1: 0, 2: 1, 3: 0 }],
    ['a >= 30', { 0: 1, 1: 0, 2: 0, 3: 0 }],
    ['a > 15 AND b > 15', { 0: 1, 1: 0, 2: 0, 3: 0 }],
    ['a > 15 && b > 15', { 0: 1, 1: 0, 2: 0, 3: 0 }],
    ['a > 25 OR b > 15', { 0: 1, 1: 0, 2: 1, 3: 0 }],
    // the user guide's IF tables: m1 [1,1,0,0,-], m2 [30,-,0,0,30], m3 [0,0,20,-,20]
    ['IF(m1, m2, m3)', { 0: 30, 1: 0, 2: 20 }],
    ['IF(m1, 5, m3)', { 0: 5, 1: 5, 2: 20 }],
    ['IF(m1, m2, 5)', { 0: 30, 1: 0, 2: 5, 3: 5 }],
    ['IF(m1, m2)', { 0: 30, 1: 0 }],
    ['IF(req > 60, err, 0)', { 0: 0, 1: 10, 2: 0, 3: 0 }],
    ['IF(1, req)', { 0: 100, 1: 200, 2: 0, 3: 50 }],
    ['SUM([req, err])', { 0: 100, 1: 210, 2: 0, 3: 55 }],
    ['AVG([req, err])', { 0: 50, 1: 105, 2: 0, 3: 27.5 }],
    ['MAX([req, err])', { 0: 100, 1: 200, 2: 0, 3: 50 }],
    ['MIN([a, b])', { 0: 20, 1: 20, 2: 0, 3: 0 }],
    ['SUM(req)', 350],
    ['AVG(req)', 87.5],
    ['MAX(req) - MIN(req)', 200],
    ['req - AVG(req)', { 0: 12.5, 1: 112.5, 2: -87.5, 3: -37.5 }],
    ['SUM(METRICS())', { 0: 100, 1: 210, 2: 0, 3: 55 }],
    ['SUM(METRICS("er"))', { 1: 10, 3: 5 }],
    [
      'METRICS() / 10',
      [
        { 0: 10, 1: 20, 2: 0, 3: 5 },
        { 1: 1, 3: 0.5 },
      ],
    ],
    ['METRIC_COUNT(METRICS())', 2],
    ['ABS(-1 * err)', { 1: 10, 3: 5 }],
    ['DIFF(req)', { 1: 100, 2: -200, 3: 50 }],
    ['RATE(req)', { 1: 100 / 60, 2: -200 / 60, 3: 50 / 60 }],
    ['RUNNING_SUM(err)', { 1: 10, 3: 15 }],
    ['PERIOD(req)', 60],
    ['TIME_SERIES(7)', { 0: 7, 1: 7, 2: 7, 3: 7, 4: 7 }],
    ['FIRST(SORT(METRICS(), SUM, ASC))', { 1: 10, 3: 5 }],
    ['CEIL(err / 3)', { 1: 4, 3: 2 }],
  ];
  for (const [expr, want] of cases) {
    it(`${expr} → ${JSON.stringify(want)}`, () => {
      // GIVEN the fixture series WHEN the expression is evaluated THEN the result matches
      assert.deepEqual(show(evaluateMath(parseMath(expr), ctx)), want);
    });
  }

  it('treats a two-series comparison with a point only on one side as comparing with 0', () => {
    assert.deepEqual(show(evaluateMath(parseMath('err < b'), ctx)), { 0: 1, 1: 0, 2: 1, 3: 0 });
  });
});

describe('metric math syntax errors', () => {
  const bad: [string, RegExp][] = [
    ['', /empty expression/],
    ['m1 +', /unexpected end/],
    ['(m1', /expected '\)'/],
    ['m1 m2', /unexpected 'm2'/],
    ['fill(m1, 0)', /functions are uppercase/],
    ['m1 $ 2', /unexpected character '\$'/],
    ['"abc', /unterminated string/],
  ];
  for (const [expr, re] of bad) {
    it(`rejects ${JSON.stringify(expr)}`, () => {
      assert.throws(
        () => parseMath(expr),
        (e: unknown) => e instanceof MathSyntaxError && re.test(e.message),
      );
    });
  }
});
