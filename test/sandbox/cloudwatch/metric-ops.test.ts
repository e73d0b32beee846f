import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorOf, LB, MIN, publish, setup, T0, TG } from './helpers.ts';

describe('PutMetricData', () => {
  it('stores Value, Values+Counts and StatisticValues, readable at once (query-protocol strings)', async () => {
    const { clock, call } = setup();
    await clock.advance(5 * MIN);
    await call(
      'PutMetricData',
      {
        Namespace: 'Cutover/Test',
        MetricData: [
          {
            MetricName: 'Latency',
            Timestamp: new Date(T0 + MIN).toISOString(),
            Values: ['1', '2', '10'],
            Counts: ['5', '4', '1'],
            Unit: 'Seconds',
          },
          { MetricName: 'Latency', Timestamp: new Date(T0 + MIN).toISOString(), Value: '3', Unit: 'Seconds' },
          {
            MetricName: 'Jobs',
            Dimensions: [{ Name: 'Queue', Value: 'q1' }],
            StatisticValues: { SampleCount: '4', Sum: '20', Minimum: '1', Maximum: '9' },
          },
        ],
      },
      'query',
    );
    const stats = await call('GetMetricStatistics', {
      Namespace: 'Cutover/Test',
      MetricName: 'Latency',
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 5 * MIN),
      Period: 60,
      Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'],
    });
    assert.equal(stats.Label, 'Latency');
    assert.deepEqual(stats.Datapoints, [
      {
        Timestamp: new Date(T0 + MIN),
        Unit: 'Seconds',
        SampleCount: 11,
        Sum: 26,
        Average: 26 / 11,
        Minimum: 1,
        Maximum: 10,
      },
    ]);
    const pct = await call('GetMetricStatistics', {
      Namespace: 'Cutover/Test',
      MetricName: 'Latency',
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 5 * MIN),
      Period: 300,
      ExtendedStatistics: ['p50', 'p90', 'p99.9'],
    });
    assert.deepEqual(pct.Datapoints[0].ExtendedStatistics, { p50: 2, p90: 3, 'p99.9': 10 });
    const jobs = await call('GetMetricStatistics', {
      Namespace: 'Cutover/Test',
      MetricName: 'Jobs',
      Dimensions: [{ Name: 'Queue', Value: 'q1' }],
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 10 * MIN),
      Period: 600,
      Statistics: ['Average'],
      ExtendedStatistics: undefined,
    });
    assert.deepEqual(jobs.Datapoints, [{ Timestamp: new Date(T0), Unit: 'None', Average: 5 }]);
  });

  it('rejects the AWS/ namespaces and bad datums with CloudWatch codes', async () => {
    const { call } = setup();
    const cases: [Record<string, any>, string, RegExp][] = [
      [
        { Namespace: 'AWS/ApplicationELB', MetricData: [{ MetricName: 'x', Value: 1 }] },
        'InvalidParameterValue',
        /Namespace/,
      ],
      [
        {
          Namespace: 'N',
          MetricData: [
            { MetricName: 'x', Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } },
          ],
        },
        'InvalidParameterCombination',
        /mutually exclusive/,
      ],
      [
        { Namespace: 'N', MetricData: [{ MetricName: 'x', Values: [1, 2], Counts: [1] }] },
        'InvalidParameterValue',
        /same size/,
      ],
      [
        { Namespace: 'N', MetricData: [{ MetricName: 'x', Value: 1, Timestamp: new Date(T0 - 15 * 86_400_000) }] },
        'InvalidParameterValue',
        /two weeks/,
      ],
      [
        {
          Namespace: 'N',
          MetricData: [
            {
              MetricName: 'x',
              Value: 1,
              Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })),
            },
          ],
        },
        'InvalidParameterValue',
        /30/,
      ],
      [{ MetricData: [{ MetricName: 'x', Value: 1 }] }, 'MissingParameter', /Namespace/],
    ];
    for (const [input, code, re] of cases) {
      const err = await errorOf(call('PutMetricData', input));
      assert.equal(err.code, code, JSON.stringify(input).slice(0, 120));
      assert.match(err.message, re);
    }
  });
});

describe('GetMetricStatistics', () => {
  it('requires Statistics or ExtendedStatistics and limits datapoints to 1440', async () => {
    const { call } = setup();
    const base = {
      Namespace: 'N',
      MetricName: 'x',
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 2 * 86_400_000),
      Period: 60,
    };
    assert.equal((await errorOf(call('GetMetricStatistics', base))).code, 'InvalidParameterCombination');
    const tooMany = await errorOf(call('GetMetricStatistics', { ...base, Statistics: ['Sum'] }));
    assert.equal(tooMany.code, 'InvalidParameterCombination');
    assert.match(tooMany.message, /2880 datapoints/);
  });
});

describe('ListMetrics', () => {
  it('lists visible metrics, filters by namespace, name and dimensions, and pages by 500', async () => {
    const { model, clock, call } = setup();
    publish(model, 'RequestCount', 0, 1, [LB, TG]);
    publish(model, 'RequestCount', 0, 1, [LB]);
    publish(model, 'HTTPCode_ELB_5XX_Count', 0, 1, [LB]);
    publish(model, 'HealthyHostCount', 5, 1, [LB, TG], 100); // not visible yet
    for (let i = 0; i < 510; i++) model.putDatum({ namespace: 'Many', metricName: `m${i}`, timestamp: T0, value: 1 });
    await clock.advance(3 * MIN);
    const alb = await call('ListMetrics', { Namespace: 'AWS/ApplicationELB' });
    assert.deepEqual(alb.Metrics.map((m: any) => `${m.MetricName}:${m.Dimensions.length}`).sort(), [
      'HTTPCode_ELB_5XX_Count:1',
      'RequestCount:1',
      'RequestCount:2',
    ]);
    const withTg = await call('ListMetrics', { Dimensions: [{ Name: 'TargetGroup' }] });
    assert.deepEqual(
      withTg.Metrics.map((m: any) => m.MetricName),
      ['RequestCount'],
    );
    const byValue = await call('ListMetrics', {
      MetricName: 'RequestCount',
      Dimensions: [{ Name: 'LoadBalancer', Value: LB.Value }],
    });
    assert.equal(byValue.Metrics.length, 2);
    const p1 = await call('ListMetrics', { Namespace: 'Many' });
    const p2 = await call('ListMetrics', { Namespace: 'Many', NextToken: p1.NextToken });
    assert.deepEqual([p1.Metrics.length, p2.Metrics.length, p2.NextToken], [500, 10, undefined]);
    await clock.advance(4 * 60 * MIN);
    assert.equal(
      (await call('ListMetrics', { Namespace: 'AWS/ApplicationELB', RecentlyActive: 'PT3H' })).Metrics.length,
      0,
    );
  });
});
