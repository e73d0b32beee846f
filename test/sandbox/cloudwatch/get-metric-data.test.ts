import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorOf, LB, MIN, metricStat, publish, setup, T0, TG } from './helpers.ts';

const minutesOf = (r: { Timestamps: Date[] }) => r.Timestamps.map((d) => (d.getTime() - T0) / MIN);

describe('GetMetricData window semantics', () => {
  it('rounds StartTime down to the minute, treats EndTime as exclusive, and scans newest first', async () => {
    // GIVEN RequestCount for minutes 0..9
    const { model, clock, call } = setup();
    for (let m = 0; m < 10; m++) publish(model, 'RequestCount', m, 100 + m);
    await clock.advance(20 * MIN);
    // WHEN querying 00:02:30 .. 00:06:00
    const out = await call('GetMetricData', {
      MetricDataQueries: [metricStat('r', 'RequestCount')],
      StartTime: new Date(T0 + 2.5 * MIN),
      EndTime: new Date(T0 + 6 * MIN),
    });
    // THEN minutes 2..5 come back, newest first, labelled with the metric name
    const [r] = out.MetricDataResults;
    assert.deepEqual(minutesOf(r), [5, 4, 3, 2]);
    assert.deepEqual(r.Values, [105, 104, 103, 102]);
    assert.equal(r.Label, 'RequestCount');
    assert.equal(r.StatusCode, 'Complete');
    assert.equal(out.NextToken, undefined);
  });

  it('honours ScanBy=TimestampAscending and aggregates to the period from the start time', async () => {
    const { model, clock, call } = setup();
    for (let m = 0; m < 10; m++) publish(model, 'RequestCount', m, 1);
    await clock.advance(20 * MIN);
    const out = await call('GetMetricData', {
      MetricDataQueries: [
        metricStat('r', 'RequestCount', 'Sum', 300),
        metricStat('n', 'RequestCount', 'SampleCount', 300),
      ],
      StartTime: T0 / 1000, // JSON protocol: epoch seconds
      EndTime: (T0 + 10 * MIN) / 1000,
      ScanBy: 'TimestampAscending',
    });
    assert.deepEqual(minutesOf(out.MetricDataResults[0]), [0, 5]);
    assert.deepEqual(out.MetricDataResults[0].Values, [5, 5]);
    assert.deepEqual(out.MetricDataResults[1].Values, [5, 5]);
  });

  it('hides datapoints until their visibleAt (publication lag)', async () => {
    // GIVEN minute 0 published with a 2-minute lag (visible at 00:03)
    const { model, clock, call } = setup();
    publish(model, 'RequestCount', 0, 42, [LB, TG], 2);
    const query = {
      MetricDataQueries: [metricStat('r', 'RequestCount')],
      StartTime: new Date(T0).toISOString(), // awsQuery protocol: ISO strings
      EndTime: new Date(T0 + 10 * MIN).toISOString(),
    };
    // WHEN read at 00:02:59 and at 00:03:00
    await clock.advance(3 * MIN - 1000);
    const before = await call('GetMetricData', query, 'query');
    await clock.advance(1000);
    const after = await call('GetMetricData', query, 'query');
    // THEN it is absent, then present
    assert.deepEqual(before.MetricDataResults[0].Values, []);
    assert.deepEqual(after.MetricDataResults[0].Values, [42]);
  });

  it('leaves minutes without data absent and FILL(m, 0) supplies the zeros (ALB 5xx)', async () => {
    // GIVEN requests every minute but 5xx only in minute 2
    const { model, clock, call } = setup();
    for (let m = 0; m < 4; m++) publish(model, 'RequestCount', m, 100);
    publish(model, 'HTTPCode_Target_5XX_Count', 2, 7);
    await clock.advance(10 * MIN);
    const out = await call('GetMetricData', {
      MetricDataQueries: [
        { ...metricStat('e', 'HTTPCode_Target_5XX_Count'), ReturnData: false },
        { ...metricStat('r', 'RequestCount'), ReturnData: false },
        { Id: 'raw', Expression: 'e' },
        { Id: 'filled', Expression: 'FILL(e, 0)', Label: 'errors' },
        { Id: 'rate', Expression: '100 * FILL(e, 0) / r', Label: 'rate' },
      ],
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 4 * MIN),
      ScanBy: 'TimestampAscending',
    });
    const byId = Object.fromEntries(out.MetricDataResults.map((r: any) => [r.Id, r]));
    assert.deepEqual(Object.keys(byId), ['raw', 'filled', 'rate']);
    assert.deepEqual(minutesOf(byId.raw), [2]);
    assert.deepEqual(minutesOf(byId.filled), [0, 1, 2, 3]);
    assert.deepEqual(byId.filled.Values, [0, 0, 7, 0]);
    assert.equal(byId.filled.Label, 'errors');
    assert.deepEqual(byId.rate.Values, [0, 0, 7, 0]);
    assert.equal(byId.raw.Label, 'raw');
  });

  it('matches the exact dimension set, in any order', async () => {
    const { model, clock, call } = setup();
    publish(model, 'RequestCount', 0, 5, [TG, LB]);
    publish(model, 'RequestCount', 0, 50, [LB]);
    await clock.advance(5 * MIN);
    const out = await call('GetMetricData', {
      MetricDataQueries: [
        metricStat('both', 'RequestCount', 'Sum', 60, [LB, TG]),
        metricStat('lb', 'RequestCount', 'Sum', 60, [LB]),
      ],
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 5 * MIN),
    });
    assert.deepEqual(out.MetricDataResults[0].Values, [5]);
    assert.deepEqual(out.MetricDataResults[1].Values, [50]);
  });

  it('aggregates several puts to the same minute and computes percentiles from values', async () => {
    const { model, clock, call } = setup();
    const base = {
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensions: [LB, TG],
      timestamp: T0,
    };
    model.putDatum({ ...base, values: Array.from({ length: 90 }, () => 0.1) });
    model.putDatum({ ...base, values: Array.from({ length: 10 }, () => 2) });
    await clock.advance(2 * MIN);
    const q = (id: string, stat: string) => metricStat(id, 'TargetResponseTime', stat);
    const out = await call('GetMetricData', {
      MetricDataQueries: [
        q('avg', 'Average'),
        q('p50', 'p50'),
        q('p99', 'p99'),
        q('mx', 'Maximum'),
        q('n', 'SampleCount'),
      ],
      StartTime: new Date(T0),
      EndTime: new Date(T0 + MIN),
    });
    const v = Object.fromEntries(out.MetricDataResults.map((r: any) => [r.Id, r.Values[0]]));
    assert.ok(Math.abs(v.avg - 0.29) < 1e-9);
    assert.deepEqual([v.p50, v.p99, v.mx, v.n], [0.1, 2, 2, 100]);
  });

  it('paginates MetricStat results with MaxDatapoints and NextToken', async () => {
    const { model, clock, call } = setup();
    for (let m = 0; m < 5; m++) {
      publish(model, 'RequestCount', m, m);
      publish(model, 'HealthyHostCount', m, 3);
    }
    await clock.advance(10 * MIN);
    const base = {
      MetricDataQueries: [metricStat('a', 'RequestCount'), metricStat('b', 'HealthyHostCount', 'Minimum')],
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 5 * MIN),
      MaxDatapoints: 3,
    };
    const seen: Record<string, number[]> = { a: [], b: [] };
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await call('GetMetricData', { ...base, ...(token ? { NextToken: token } : {}) });
      for (const r of out.MetricDataResults) seen[r.Id]!.push(...r.Values);
      if (out.NextToken) assert.ok(out.MetricDataResults.some((r: any) => r.StatusCode === 'PartialData'));
      token = out.NextToken;
      pages++;
    } while (token && pages < 10);
    assert.equal(pages, 4);
    assert.deepEqual(seen, { a: [4, 3, 2, 1, 0], b: [3, 3, 3, 3, 3] });
    const bad = await errorOf(call('GetMetricData', { ...base, NextToken: 'garbage' }));
    assert.equal(bad.code, 'InvalidNextToken');
  });
});

describe('GetMetricData validation', () => {
  const start = new Date(T0);
  const end = new Date(T0 + 10 * MIN);
  const cases: [string, Record<string, any>, string, RegExp][] = [
    ['bad Id', { MetricDataQueries: [metricStat('M1', 'RequestCount')] }, 'ValidationError', /expected pattern/],
    [
      'duplicate Id',
      { MetricDataQueries: [metricStat('m', 'X'), metricStat('m', 'Y')] },
      'ValidationError',
      /not unique/,
    ],
    [
      'both MetricStat and Expression',
      { MetricDataQueries: [{ ...metricStat('m', 'X'), Expression: '1' }] },
      'ValidationError',
      /not both/,
    ],
    ['neither', { MetricDataQueries: [{ Id: 'm' }] }, 'ValidationError', /MetricStat is required/],
    ['period 90', { MetricDataQueries: [metricStat('m', 'X', 'Sum', 90)] }, 'InvalidParameterValue', /multiple of 60/],
    ['bad stat', { MetricDataQueries: [metricStat('m', 'X', 'Median')] }, 'InvalidParameterValue', /Median/],
    [
      'syntax error',
      { MetricDataQueries: [{ Id: 'e', Expression: 'FILL(m, ' }] },
      'ValidationError',
      /Error in expression e/,
    ],
    [
      'unknown id',
      { MetricDataQueries: [{ Id: 'e', Expression: 'm9 * 2' }] },
      'ValidationError',
      /unrecognized identifier m9/,
    ],
    [
      'cycle',
      {
        MetricDataQueries: [
          { Id: 'a', Expression: 'b' },
          { Id: 'b', Expression: 'a' },
        ],
      },
      'ValidationError',
      /circular/,
    ],
    ['scalar result', { MetricDataQueries: [{ Id: 'e', Expression: '1 + 1' }] }, 'ValidationError', /time series/],
    [
      'too many queries',
      { MetricDataQueries: Array.from({ length: 501 }, (_, i) => metricStat(`m${i}`, 'X')) },
      'ValidationError',
      /less than or equal to 500/,
    ],
    [
      'start after end',
      { MetricDataQueries: [metricStat('m', 'X')], StartTime: end, EndTime: start },
      'InvalidParameterValue',
      /StartTime/,
    ],
  ];
  for (const [name, input, code, re] of cases) {
    it(`rejects ${name} with ${code}`, async () => {
      const { call } = setup();
      const err = await errorOf(call('GetMetricData', { StartTime: start, EndTime: end, ...input }));
      assert.equal(err.code, code);
      assert.match(err.message, re);
    });
  }
});
