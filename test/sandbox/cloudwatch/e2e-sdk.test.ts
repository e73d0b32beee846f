import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchModel } from '../../../src/sandbox/cloudwatch/model.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { serveCloudWatch } from './endpoint.ts';
import { LB, MIN, metricStat, publish, T0, TG } from './helpers.ts';

describe('CloudWatch through the real @aws-sdk/client-cloudwatch (AWS JSON 1.0)', () => {
  const clock = new ManualClock(T0);
  const model = new CloudWatchModel({ clock });
  let endpoint: Awaited<ReturnType<typeof serveCloudWatch>>;
  let cw: CloudWatchClient;

  before(async () => {
    for (let m = 0; m < 10; m++) {
      publish(model, 'RequestCount', m, 200);
      if (m % 3 === 0) publish(model, 'HTTPCode_Target_5XX_Count', m, 4);
    }
    await clock.advance(12 * MIN);
    endpoint = await serveCloudWatch(model);
    cw = endpoint.cw;
  });
  after(async () => {
    await endpoint.close();
  });

  it('GetMetricData returns Date timestamps, math results and labels', async () => {
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 10 * MIN),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          { ...metricStat('e', 'HTTPCode_Target_5XX_Count'), ReturnData: false },
          { ...metricStat('r', 'RequestCount') },
          { Id: 'pct', Expression: '100 * FILL(e, 0) / r', Label: 'target 5xx %' },
        ],
      }),
    );
    const [r, pct] = out.MetricDataResults!;
    assert.equal(r!.Id, 'r');
    assert.ok(r!.Timestamps![0] instanceof Date);
    assert.equal(r!.Timestamps![0]!.getTime(), T0);
    assert.equal(r!.Values!.length, 10);
    assert.equal(pct!.Label, 'target 5xx %');
    assert.deepEqual(pct!.Values, [2, 0, 0, 2, 0, 0, 2, 0, 0, 2]);
    assert.equal(pct!.StatusCode, 'Complete');
  });

  it('PutMetricData, ListMetrics and GetMetricStatistics round-trip', async () => {
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Cutover/E2E',
        MetricData: [
          {
            MetricName: 'Probe',
            Dimensions: [{ Name: 'Cluster', Value: 'green' }],
            Value: 7,
            Unit: 'Count',
            Timestamp: new Date(T0 + 11 * MIN),
          },
        ],
      }),
    );
    const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Cutover/E2E' }));
    assert.deepEqual(listed.Metrics, [
      { Namespace: 'Cutover/E2E', MetricName: 'Probe', Dimensions: [{ Name: 'Cluster', Value: 'green' }] },
    ]);
    const stats = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Cutover/E2E',
        MetricName: 'Probe',
        Dimensions: [{ Name: 'Cluster', Value: 'green' }],
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 12 * MIN),
        Period: 60,
        Statistics: ['Sum', 'SampleCount'],
      }),
    );
    assert.deepEqual(stats.Datapoints, [{ Timestamp: new Date(T0 + 11 * MIN), Sum: 7, SampleCount: 1, Unit: 'Count' }]);
  });

  it('alarms: PutMetricAlarm, PutCompositeAlarm, SetAlarmState and DescribeAlarms', async () => {
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'edge-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [LB, TG],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 1,
        Threshold: 100,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: 'edge-any', AlarmRule: 'ALARM("edge-5xx")' }));
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'edge-5xx',
        StateValue: 'ALARM',
        StateReason: 'drill',
        StateReasonData: '{"drill":true}',
      }),
    );
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    const metric = out.MetricAlarms![0]!;
    assert.equal(metric.StateValue, 'ALARM');
    assert.equal(metric.StateReasonData, '{"drill":true}');
    assert.ok(metric.StateUpdatedTimestamp instanceof Date);
    assert.equal(metric.StateUpdatedTimestamp!.getTime(), clock.now());
    assert.deepEqual(metric.Dimensions, [LB, TG]);
    assert.equal(metric.Threshold, 100);
    assert.equal(out.CompositeAlarms![0]!.StateValue, 'ALARM');
    const metricOnly = await cw.send(new DescribeAlarmsCommand({}));
    assert.deepEqual([metricOnly.MetricAlarms!.length, metricOnly.CompositeAlarms!.length], [1, 0]);
  });

  it('reads CloudWatch errors as the SDK error classes', async () => {
    const err = await cw
      .send(new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: [{ MetricName: 'x', Value: 1 }] }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof InvalidParameterValueException, String(err));
    assert.equal(err.message, 'The value AWS/ for parameter Namespace is invalid.');
    assert.equal(err.$metadata.httpStatusCode, 400);
    const bad = await cw
      .send(
        new GetMetricDataCommand({
          StartTime: new Date(T0),
          EndTime: new Date(T0 + MIN),
          MetricDataQueries: [{ Id: 'e', Expression: 'm9 + 1' }],
        }),
      )
      .then(
        () => undefined,
        (e: any) => e,
      );
    assert.equal(bad?.$metadata?.httpStatusCode, 400);
    assert.match(bad.message, /Error in expression e: unrecognized identifier m9/);
    assert.equal(bad.name, 'ValidationException');
  });
});
