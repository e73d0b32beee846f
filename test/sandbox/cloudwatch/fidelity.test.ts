import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterValueException,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchModel } from '../../../src/sandbox/cloudwatch/model.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { serveCloudWatch } from './endpoint.ts';
import { MIN, T0 } from './helpers.ts';

const DAY = 86_400_000;

/** Behaviour checked against the SDK's API documentation (models_0.d.ts) and botocore's model. */
describe('CloudWatch fidelity to AWS (JS SDK, JSON 1.0)', () => {
  let clock: ManualClock;
  let endpoint: Awaited<ReturnType<typeof serveCloudWatch>>;
  let cw: CloudWatchClient;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    const model = new CloudWatchModel({ clock });
    endpoint = await serveCloudWatch(model);
    cw = endpoint.cw;
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const put = (at: number, value: number, highRes = false) =>
    cw.send(
      new PutMetricDataCommand({
        Namespace: 'Cutover/Test',
        MetricData: [
          { MetricName: 'Hits', Timestamp: new Date(at), Value: value, ...(highRes ? { StorageResolution: 1 } : {}) },
        ],
      }),
    );
  const query = (period: number) => ({
    Id: 'h',
    MetricStat: { Metric: { Namespace: 'Cutover/Test', MetricName: 'Hits' }, Period: period, Stat: 'Sum' },
  });

  it('rounds a sub-minute query start down to the period division of the minute', async () => {
    // GIVEN one high-resolution datum a second from 00:01:20 to 00:01:49
    await clock.advance(2 * MIN);
    for (let i = 0; i < 30; i++) await put(T0 + MIN + 20_000 + i * 1000, 1, true);
    // WHEN a 10 s query starts at 00:01:23 (API doc: "01:05:23 … rounded down … 01:05:20")
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query(10)],
        StartTime: new Date(T0 + MIN + 23_000),
        EndTime: new Date(T0 + 2 * MIN),
        ScanBy: 'TimestampAscending',
      }),
    );
    // THEN buckets start at :20, :30, :40, each holding ten seconds
    const r = out.MetricDataResults![0]!;
    assert.deepEqual(
      r.Timestamps?.map((d) => (d.getTime() - T0) / 1000),
      [80, 90, 100],
    );
    assert.deepEqual(r.Values, [10, 10, 10]);
    // AND GetMetricStatistics rounds the same way
    const stats = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Cutover/Test',
        MetricName: 'Hits',
        StartTime: new Date(T0 + MIN + 23_000),
        EndTime: new Date(T0 + 2 * MIN),
        Period: 10,
        Statistics: ['Sum'],
      }),
    );
    assert.deepEqual(
      stats.Datapoints?.map((d) => (d.Timestamp!.getTime() - T0) / 1000).sort((a, b) => a - b),
      [80, 90, 100],
    );
  });

  it('rounds a start between 15 and 63 days old down to 5 minutes, which aligns the buckets', async () => {
    // GIVEN data a day old, one datum a minute for ten minutes
    await clock.advance(20 * DAY);
    for (let m = 0; m < 10; m++) await put(T0 + 19 * DAY + m * MIN, 1);
    // WHEN a 5-minute query starts 16 days ago at hh:02
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query(300)],
        StartTime: new Date(T0 + 4 * DAY + 2 * MIN),
        EndTime: new Date(clock.now()),
        ScanBy: 'TimestampAscending',
      }),
    );
    // THEN the buckets are on 5-minute boundaries
    const r = out.MetricDataResults![0]!;
    assert.deepEqual(
      r.Timestamps?.map((d) => (d.getTime() - T0 - 19 * DAY) / MIN),
      [0, 5],
    );
    assert.deepEqual(r.Values, [5, 5]);
  });

  it('answers Children/ParentsOfAlarmName with only the documented fields', async () => {
    // GIVEN a metric alarm and a composite over it
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'child',
        Namespace: 'Cutover/Test',
        MetricName: 'Hits',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: 'parent', AlarmRule: 'ALARM(child)' }));
    // WHEN
    const kids = await cw.send(new DescribeAlarmsCommand({ ChildrenOfAlarmName: 'parent' }));
    const parents = await cw.send(new DescribeAlarmsCommand({ ParentsOfAlarmName: 'child' }));
    // THEN children: name, ARN, StateValue, StateUpdatedTimestamp; parents: name and ARN
    const kid = kids.MetricAlarms![0]!;
    assert.deepEqual(Object.keys(kid).sort(), ['AlarmArn', 'AlarmName', 'StateUpdatedTimestamp', 'StateValue']);
    assert.equal(kid.StateValue, 'INSUFFICIENT_DATA');
    assert.deepEqual(parents.CompositeAlarms, [
      { AlarmName: 'parent', AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:parent' },
    ]);
    // AND asking for log alarms answers an (empty) list of them
    const logs = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['LogAlarm'] }));
    assert.deepEqual(logs.LogAlarms, []);
  });

  it("keeps CloudWatch's own words for undecodable input", async () => {
    const bad = await cw
      .send(
        new GetMetricDataCommand({
          MetricDataQueries: [{ ...query(60), MetricStat: { ...query(60).MetricStat, Period: 1.5 } }],
          StartTime: new Date(T0),
          EndTime: new Date(T0 + MIN),
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(bad instanceof InvalidParameterValueException);
    assert.equal(
      bad.message,
      'The value 1.5 for parameter MetricDataQueries.member.1.MetricStat.Period must be an integer.',
    );
  });
});
