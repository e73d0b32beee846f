import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCompositeAlarmCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarms } from '../../src/aws/alarms.ts';
import { CloudWatchMetrics } from '../../src/aws/metrics.ts';
import type { MetricQuery } from '../../src/aws/ports.ts';
import { type AwsWorld, rejectionOf, startAwsWorld, T0 } from './fixture.ts';

const MIN = 60_000;
const LB = 'app/edge/1330ec75395d8e31';
const TG = 'targetgroup/web-green/761fbf0b36bfccac';

function query(id: string, metricName: string, dimensions: Record<string, string>): MetricQuery {
  return { id, namespace: 'AWS/ApplicationELB', metricName, dimensions, stat: 'Sum', periodSec: 60 };
}

describe('CloudWatchMetrics (GetMetricData through the SDK)', () => {
  let w: AwsWorld;
  const start = T0 - 10 * MIN;

  before(async () => {
    w = await startAwsWorld();
    // 10 minutes of per-minute sums; the 5xx count only where non-zero (as ALB publishes).
    for (let m = 0; m < 10; m++) {
      const timestamp = start + m * MIN;
      const put = (metricName: string, dims: Array<{ Name: string; Value: string }>, value: number) =>
        w.cwModel.putDatum({
          namespace: 'AWS/ApplicationELB',
          metricName,
          dimensions: dims,
          timestamp,
          value,
          unit: 'Count',
          visibleAt: timestamp + MIN,
        });
      put('RequestCount', [{ Name: 'LoadBalancer', Value: LB }], 1000 + m);
      put(
        'RequestCount',
        [
          { Name: 'LoadBalancer', Value: LB },
          { Name: 'TargetGroup', Value: TG },
        ],
        100 + m,
      );
      if (m % 3 === 0) {
        put(
          'HTTPCode_Target_5XX_Count',
          [
            { Name: 'LoadBalancer', Value: LB },
            { Name: 'TargetGroup', Value: TG },
          ],
          m,
        );
      }
    }
  });
  after(() => w.close());

  const queries = [
    query('lbReq', 'RequestCount', { LoadBalancer: LB }),
    query('tgReq', 'RequestCount', { LoadBalancer: LB, TargetGroup: TG }),
    query('tg5xx', 'HTTPCode_Target_5XX_Count', { LoadBalancer: LB, TargetGroup: TG }),
  ];

  it('returns each query’s series in ascending time, merged over NextToken pages', async () => {
    // GIVEN pages of 7 datapoints (23 in all: 4 pages)
    const reader = new CloudWatchMetrics(w.clients.cloudwatch, { maxDatapoints: 7 });
    const calls = w.log.count('GetMetricData');
    // WHEN
    const series = await reader.queryMetrics(queries, { startMs: start, endMs: T0 });
    // THEN
    assert.equal(w.log.count('GetMetricData') - calls, 4);
    assert.deepEqual(
      series.map((s) => s.id),
      ['lbReq', 'tgReq', 'tg5xx'],
    );
    const minutes = Array.from({ length: 10 }, (_, m) => start + m * MIN);
    assert.deepEqual(series[0]!.timestamps, minutes);
    assert.deepEqual(
      series[0]!.values,
      minutes.map((_, m) => 1000 + m),
    );
    assert.deepEqual(
      series[1]!.values,
      minutes.map((_, m) => 100 + m),
    );
    assert.deepEqual(
      series[2]!.timestamps,
      [0, 3, 6, 9].map((m) => start + m * MIN),
    );
    assert.deepEqual(series[2]!.values, [0, 3, 6, 9]);
    assert.ok(series.every((s) => s.status === 'Complete'));
  });

  it('splits more than 500 queries into calls of 500', async () => {
    const many = Array.from({ length: 501 }, (_, i) => query(`q${i}`, 'RequestCount', { LoadBalancer: LB }));
    const calls = w.log.count('GetMetricData');
    const series = await new CloudWatchMetrics(w.clients.cloudwatch).queryMetrics(many, {
      startMs: start,
      endMs: T0,
    });
    assert.equal(w.log.count('GetMetricData') - calls, 2);
    assert.equal(series.length, 501);
    assert.equal(series[500]!.values.length, 10);
  });

  it('refuses bad ids and periods before calling, naming the id', async () => {
    const reader = new CloudWatchMetrics(w.clients.cloudwatch);
    const upper = await rejectionOf(
      reader.queryMetrics([query('Bad', 'RequestCount', {})], { startMs: start, endMs: T0 }),
    );
    assert.equal(upper.code, 'E_METRIC_QUERY');
    assert.match(upper.message, /"Bad" must start with a lowercase letter/);
    const twice = await rejectionOf(reader.queryMetrics([queries[0]!, queries[0]!], { startMs: start, endMs: T0 }));
    assert.match(twice.message, /"lbReq" is used twice/);
    const period = await rejectionOf(
      reader.queryMetrics([{ ...queries[0]!, periodSec: 90 }], { startMs: start, endMs: T0 }),
    );
    assert.match(period.message, /period 90 s/);
  });

  it('absorbs throttling of GetMetricData', async () => {
    w.log.failNext('GetMetricData', 1);
    const series = await new CloudWatchMetrics(w.clients.cloudwatch).queryMetrics(queries, {
      startMs: start,
      endMs: T0,
    });
    assert.equal(series[0]!.values.length, 10);
  });
});

describe('CloudWatchAlarms', () => {
  let w: AwsWorld;
  let since: number;

  before(async () => {
    w = await startAwsWorld();
    const cw = w.clients.cloudwatch;
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'edge-p99-latency',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        Dimensions: [{ Name: 'LoadBalancer', Value: LB }],
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: 'edge-health', AlarmRule: 'ALARM("edge-p99-latency")' }));
    since = w.clock.now();
    // The alarm goes to ALARM and back to OK before anyone polls.
    await w.clock.advance(5_000);
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'edge-p99-latency', StateValue: 'ALARM', StateReason: 'test' }),
    );
    await w.clock.advance(5_000);
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'edge-p99-latency', StateValue: 'OK', StateReason: 'test' }));
  });
  after(() => w.close());

  it('reads metric and composite alarms by name and lists the names CloudWatch does not know', async () => {
    const { alarms, missing } = await new CloudWatchAlarms(w.clients.cloudwatch).describeAlarms([
      'edge-p99-latency',
      'edge-health',
      'no-such-alarm',
    ]);
    const byName = Object.fromEntries(alarms.map((a) => [a.name, a]));
    assert.equal(byName['edge-p99-latency']?.type, 'metric');
    assert.equal(byName['edge-p99-latency']?.state, 'OK');
    assert.equal(byName['edge-health']?.type, 'composite');
    assert.deepEqual(missing, ['no-such-alarm']);
  });

  it('sees an ALARM that flipped back to OK between polls, from the history', async () => {
    // WHEN
    const transitions = await new CloudWatchAlarms(w.clients.cloudwatch).alarmTransitions(
      ['edge-p99-latency', 'edge-health'],
      since,
    );
    // THEN both flips of the metric alarm are there, oldest first, with the composite following it
    const metric = transitions.filter((t) => t.name === 'edge-p99-latency');
    assert.deepEqual(
      metric.map((t) => [t.from, t.to, t.at - since]),
      [
        ['INSUFFICIENT_DATA', 'ALARM', 5_000],
        ['ALARM', 'OK', 10_000],
      ],
    );
    assert.ok(transitions.some((t) => t.name === 'edge-health' && t.to === 'ALARM'));
    assert.deepEqual(
      transitions.map((t) => t.at),
      [...transitions.map((t) => t.at)].sort((a, b) => a - b),
    );
    // and nothing from before `since` is returned
    const later = await new CloudWatchAlarms(w.clients.cloudwatch).alarmTransitions(
      ['edge-p99-latency'],
      since + 6_000,
    );
    assert.deepEqual(
      later.map((t) => t.to),
      ['OK'],
    );
  });
});
