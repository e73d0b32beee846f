import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlarmChangeEvent } from '../../../src/sandbox/cloudwatch/alarm-types.ts';
import { errorOf, LB, MIN, metricStat, publish, setup, T0, TG } from './helpers.ts';

const fiveXxAlarm = (extra: Record<string, any> = {}) => ({
  AlarmName: 'web-5xx',
  Namespace: 'AWS/ApplicationELB',
  MetricName: 'HTTPCode_Target_5XX_Count',
  Dimensions: [TG, LB],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 10,
  ComparisonOperator: 'GreaterThanThreshold',
  ...extra,
});

async function describeOne(call: (op: string, i: any) => Promise<any>, name: string, types?: string[]) {
  const out = await call('DescribeAlarms', { AlarmNames: [name], ...(types ? { AlarmTypes: types } : {}) });
  return out.MetricAlarms[0] ?? out.CompositeAlarms[0];
}

describe('metric alarms', () => {
  it('start INSUFFICIENT_DATA, go to ALARM on a breaching minute and back to OK, with events and history', async () => {
    // GIVEN a 1-of-1 alarm on target 5xx, treating missing data as not breaching
    const { model, clock, call } = setup();
    const events: AlarmChangeEvent[] = [];
    model.onAlarmChange((e) => events.push(e));
    await call('PutMetricAlarm', fiveXxAlarm({ TreatMissingData: 'notBreaching' }));
    const created = await describeOne(call, 'web-5xx');
    assert.equal(created.StateValue, 'INSUFFICIENT_DATA');
    assert.equal(created.AlarmArn, 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:web-5xx');

    // WHEN a minute with 12 errors is published (visible a minute after it ends)
    publish(model, 'HTTPCode_Target_5XX_Count', 3, 12, [LB, TG], 1);
    await clock.advance(4 * MIN);
    model.advanceTo(clock.now());
    // THEN before the datapoint is visible the alarm is OK (missing = not breaching) …
    assert.equal((await describeOne(call, 'web-5xx')).StateValue, 'OK');
    // … and once visible it alarms, with AWS's reason text
    await clock.advance(MIN);
    const alarmed = await describeOne(call, 'web-5xx');
    assert.equal(alarmed.StateValue, 'ALARM');
    assert.equal(
      alarmed.StateReason,
      'Threshold Crossed: 1 datapoint [12.0 (01/01/26 00:03:00)] was greater than the threshold (10.0).',
    );
    assert.equal(JSON.parse(alarmed.StateReasonData).statistic, 'Sum');
    assert.equal(alarmed.StateTransitionedTimestamp.getTime(), T0 + 5 * MIN);
    // AND, as in AWS, with a real datapoint still in the evaluation range (5 periods) missing
    // data is not used: the alarm re-evaluates that datapoint until it ages out at 00:09
    await clock.advance(3 * MIN);
    assert.equal((await describeOne(call, 'web-5xx')).StateValue, 'ALARM');
    await clock.advance(MIN);
    assert.equal((await describeOne(call, 'web-5xx')).StateValue, 'OK');
    assert.deepEqual(
      events.map((e) => [e.alarmName, e.oldState, e.newState, (e.timestamp - T0) / MIN]),
      [
        ['web-5xx', 'INSUFFICIENT_DATA', 'OK', 1],
        ['web-5xx', 'OK', 'ALARM', 5],
        ['web-5xx', 'ALARM', 'OK', 9],
      ],
    );
    const hist = await call('DescribeAlarmHistory', { AlarmName: 'web-5xx', HistoryItemType: 'StateUpdate' });
    assert.deepEqual(
      hist.AlarmHistoryItems.map((h: any) => h.HistorySummary),
      [
        'Alarm updated from ALARM to OK',
        'Alarm updated from OK to ALARM',
        'Alarm updated from INSUFFICIENT_DATA to OK',
      ],
    );
  });

  it('stay INSUFFICIENT_DATA without data when missing data is "missing"', async () => {
    const { clock, call } = setup();
    await call('PutMetricAlarm', fiveXxAlarm());
    await clock.advance(10 * MIN);
    const a = await describeOne(call, 'web-5xx');
    assert.equal(a.StateValue, 'INSUFFICIENT_DATA');
    assert.equal(a.StateReason, 'Unchecked: Initial alarm creation');
  });

  it('evaluate M out of N with DatapointsToAlarm', async () => {
    const { model, clock, call } = setup();
    await call(
      'PutMetricAlarm',
      fiveXxAlarm({ EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' }),
    );
    publish(model, 'HTTPCode_Target_5XX_Count', 0, 50);
    await clock.advance(2 * MIN);
    assert.equal((await describeOne(call, 'web-5xx')).StateValue, 'OK');
    publish(model, 'HTTPCode_Target_5XX_Count', 2, 50);
    await clock.advance(1 * MIN);
    const a = await describeOne(call, 'web-5xx');
    assert.equal(a.StateValue, 'ALARM');
    assert.match(a.StateReason, /^Threshold Crossed: 2 out of the last 3 datapoints/);
  });

  it('support metric math (Metrics) with FILL for an error-rate alarm', async () => {
    const { model, clock, call } = setup();
    await call('PutMetricAlarm', {
      AlarmName: 'rate',
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [
        { ...metricStat('e', 'HTTPCode_Target_5XX_Count'), ReturnData: false },
        { ...metricStat('r', 'RequestCount'), ReturnData: false },
        { Id: 'pct', Expression: '100 * FILL(e, 0) / r', Label: 'error %', ReturnData: true },
      ],
    });
    publish(model, 'RequestCount', 0, 100);
    await clock.advance(2 * MIN);
    assert.equal((await describeOne(call, 'rate')).StateValue, 'OK');
    publish(model, 'RequestCount', 2, 100);
    publish(model, 'HTTPCode_Target_5XX_Count', 2, 9);
    await clock.advance(MIN);
    const a = await describeOne(call, 'rate');
    assert.equal(a.StateValue, 'ALARM');
    assert.equal(a.Metrics.length, 3);
    assert.equal(a.Metrics[2].Expression, '100 * FILL(e, 0) / r');
    assert.equal(a.Metrics[0].MetricStat.Metric.MetricName, 'HTTPCode_Target_5XX_Count');
  });

  it('keep a SetAlarmState state until the next evaluation computes a different one', async () => {
    const { model, clock, call } = setup();
    await call('PutMetricAlarm', fiveXxAlarm({ TreatMissingData: 'notBreaching' }));
    await clock.advance(MIN);
    assert.equal((await describeOne(call, 'web-5xx')).StateValue, 'OK');
    await clock.advance(10_000);
    await call('SetAlarmState', { AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'testing' });
    const forced = await describeOne(call, 'web-5xx');
    assert.deepEqual([forced.StateValue, forced.StateReason], ['ALARM', 'testing']);
    await clock.advance(MIN - 10_000);
    assert.equal((await describeOne(call, 'web-5xx')).StateValue, 'OK');
    void model;
  });

  it('reject invalid configurations with CloudWatch codes', async () => {
    const { call } = setup();
    const cases: [Record<string, any>, string, RegExp][] = [
      [fiveXxAlarm({ Period: 45 }), 'InvalidParameterValue', /Period/],
      [fiveXxAlarm({ ExtendedStatistic: 'p99' }), 'InvalidParameterCombination', /mutually exclusive/],
      [fiveXxAlarm({ DatapointsToAlarm: 2 }), 'ValidationError', /DatapointsToAlarm/],
      [fiveXxAlarm({ TreatMissingData: 'zero' }), 'ValidationError', /TreatMissingData/],
      [fiveXxAlarm({ ComparisonOperator: 'GreaterThanUpperThreshold' }), 'InvalidParameterValue', /not supported/],
      [
        { ...fiveXxAlarm(), Metrics: [{ Id: 'e', Expression: 'TIME_SERIES(1)' }] },
        'InvalidParameterCombination',
        /Metrics/,
      ],
      [{ ...fiveXxAlarm(), EvaluationPeriods: undefined }, 'ValidationError', /EvaluationPeriods/],
    ];
    for (const [input, code, re] of cases) {
      const err = await errorOf(call('PutMetricAlarm', input));
      assert.equal(err.code, code, JSON.stringify(input));
      assert.match(err.message, re);
    }
  });
});

describe('composite alarms and DescribeAlarms', () => {
  async function world() {
    const s = setup();
    await s.call('PutMetricAlarm', fiveXxAlarm({ AlarmName: 'a-5xx', TreatMissingData: 'notBreaching' }));
    await s.call('PutMetricAlarm', fiveXxAlarm({ AlarmName: 'b-latency', TreatMissingData: 'notBreaching' }));
    await s.call('PutCompositeAlarm', {
      AlarmName: 'edge-any',
      AlarmRule: 'ALARM("a-5xx") OR ALARM(arn:aws:cloudwatch:us-east-1:000000000000:alarm:b-latency)',
    });
    return s;
  }

  it('follow their children and say which child transitioned', async () => {
    const { clock, call } = await world();
    await clock.advance(MIN);
    assert.equal((await describeOne(call, 'edge-any', ['CompositeAlarm'])).StateValue, 'OK');
    await call('SetAlarmState', { AlarmName: 'b-latency', StateValue: 'ALARM', StateReason: 'manual' });
    const c = await describeOne(call, 'edge-any', ['CompositeAlarm']);
    assert.equal(c.StateValue, 'ALARM');
    assert.match(
      c.StateReason,
      /^arn:aws:cloudwatch:us-east-1:000000000000:alarm:b-latency transitioned to ALARM at Thursday 01 January, 2026 00:01:00 UTC$/,
    );
    assert.equal(JSON.parse(c.StateReasonData).triggeringAlarms[0].state.value, 'ALARM');
  });

  it('return only metric alarms when AlarmTypes is omitted, and filter by type, prefix, state and family', async () => {
    const { call } = await world();
    const all = await call('DescribeAlarms', {});
    assert.deepEqual(
      all.MetricAlarms.map((a: any) => a.AlarmName),
      ['a-5xx', 'b-latency'],
    );
    assert.deepEqual(all.CompositeAlarms, []);
    const both = await call('DescribeAlarms', {
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      AlarmNamePrefix: 'edge',
    });
    assert.deepEqual(
      both.CompositeAlarms.map((a: any) => a.AlarmRule),
      ['ALARM("a-5xx") OR ALARM(arn:aws:cloudwatch:us-east-1:000000000000:alarm:b-latency)'],
    );
    const kids = await call('DescribeAlarms', { ChildrenOfAlarmName: 'edge-any' });
    assert.deepEqual(
      kids.MetricAlarms.map((a: any) => a.AlarmName),
      ['a-5xx', 'b-latency'],
    );
    const parents = await call('DescribeAlarms', { ParentsOfAlarmName: 'a-5xx' });
    assert.deepEqual(
      parents.CompositeAlarms.map((a: any) => a.AlarmName),
      ['edge-any'],
    );
    const insufficient = await call('DescribeAlarms', { StateValue: 'INSUFFICIENT_DATA' });
    assert.equal(insufficient.MetricAlarms.length, 2);
    const page1 = await call('DescribeAlarms', { MaxRecords: 1 });
    const page2 = await call('DescribeAlarms', { MaxRecords: 1, NextToken: page1.NextToken });
    assert.deepEqual(
      [page1.MetricAlarms[0].AlarmName, page2.MetricAlarms[0].AlarmName, page2.NextToken],
      ['a-5xx', 'b-latency', undefined],
    );
  });

  it('reject bad requests with CloudWatch codes', async () => {
    const { call } = await world();
    const cases: [string, Record<string, any>, string][] = [
      ['DescribeAlarms', { AlarmNames: ['x'], AlarmNamePrefix: 'x' }, 'InvalidParameterCombination'],
      ['DescribeAlarms', { ChildrenOfAlarmName: 'edge-any', StateValue: 'OK' }, 'ValidationError'],
      ['DescribeAlarms', { MaxRecords: 101 }, 'ValidationError'],
      ['PutCompositeAlarm', { AlarmName: 'c', AlarmRule: 'ALARM(nope)' }, 'ValidationError'],
      ['PutCompositeAlarm', { AlarmName: 'c', AlarmRule: 'ALARM(a-5xx) AND' }, 'ValidationError'],
      ['SetAlarmState', { AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' }, 'ResourceNotFound'],
      [
        'SetAlarmState',
        { AlarmName: 'a-5xx', StateValue: 'OK', StateReason: 'x', StateReasonData: '{' },
        'InvalidFormat',
      ],
      ['DeleteAlarms', { AlarmNames: ['a-5xx', 'nope'] }, 'ResourceNotFound'],
    ];
    for (const [op, input, code] of cases) {
      assert.equal((await errorOf(call(op, input))).code, code, `${op} ${JSON.stringify(input)}`);
    }
  });

  it('delete alarms, and a composite whose child is gone evaluates it as not in any state', async () => {
    const { call } = await world();
    await call('SetAlarmState', { AlarmName: 'a-5xx', StateValue: 'ALARM', StateReason: 'x' });
    assert.equal((await describeOne(call, 'edge-any', ['CompositeAlarm'])).StateValue, 'ALARM');
    await call('DeleteAlarms', { AlarmNames: ['a-5xx'] });
    assert.equal((await call('DescribeAlarms', { AlarmNames: ['a-5xx'] })).MetricAlarms.length, 0);
    assert.equal((await describeOne(call, 'edge-any', ['CompositeAlarm'])).StateValue, 'OK');
  });
});
