import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { evaluateTick } from '../../src/gates/evaluate.ts';
import { buildMetricQueries } from '../../src/gates/metric-queries.ts';
import { parseMetricData } from '../../src/gates/metric-results.ts';
import { tickWindow } from '../../src/gates/windows.ts';
import { CloudWatchModel } from '../../src/sandbox/cloudwatch/model.ts';
import type { CheckSpec } from '../../src/spec/types.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { serveCloudWatch } from '../sandbox/cloudwatch/endpoint.ts';
import { API, MIN, T0, WEB } from './fixtures.ts';

/**
 * The tick's request sent by the real @aws-sdk/client-cloudwatch to the sandbox's CloudWatch,
 * holding ALB-style data: per-minute Sums, nothing published for zero counts, published a minute
 * late. What the driver will do, minus the driver.
 */
describe('gates against the sandbox CloudWatch through the real SDK', () => {
  const clock = new ManualClock(T0);
  const model = new CloudWatchModel({ clock });
  let endpoint: Awaited<ReturnType<typeof serveCloudWatch>>;
  const dims = (route: typeof WEB, cluster?: string) => {
    const lb = route.arn
      .split(':')[5]!
      .replace(/^listener(-rule)?\//, '')
      .split('/')
      .slice(0, 3)
      .join('/');
    const d = [{ Name: 'LoadBalancer', Value: lb }];
    if (cluster) d.push({ Name: 'TargetGroup', Value: route.targetGroups[cluster]!.split(':')[5]! });
    return d;
  };
  const put = (metricName: string, dimensions: Array<{ Name: string; Value: string }>, m: number, value: number) => {
    if (value === 0) return; // ALB publishes nothing for a zero count
    model.putDatum({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions,
      timestamp: T0 + m * MIN,
      value,
      unit: 'Count',
      visibleAt: T0 + (m + 2) * MIN,
    });
  };

  before(async () => {
    for (let m = 0; m < 10; m++) {
      for (const route of [WEB, API]) {
        put('RequestCount', dims(route, 'blue'), m, 5700);
        put('HTTPCode_Target_5XX_Count', dims(route, 'blue'), m, m % 2 === 0 ? 30 : 0);
        put('RequestCount', dims(route, 'green'), m, 300);
        put('HTTPCode_Target_5XX_Count', dims(route, 'green'), m, m >= 5 ? 30 : 0);
      }
      put('RequestCount', dims(WEB), m, 12000);
      put('HTTPCode_ELB_5XX_Count', dims(WEB), m, m === 3 ? 6 : 0);
    }
    await clock.advance(10 * MIN);
    endpoint = await serveCloudWatch(model);
  });
  after(async () => {
    await endpoint.close();
  });

  const checks: CheckSpec[] = [
    { type: 'target5xxRate', cluster: 'green', max: 0.01, minRequests: 300 },
    { type: 'elb5xxRate', max: 0.001, minRequests: 100 },
    {
      type: 'compare5xx',
      baseline: 'blue',
      candidate: 'green',
      maxIncrease: 0.005,
      minRequests: 300,
      confidence: 0.95,
    },
  ];

  async function tickAt(now: number, intervalMs: number) {
    const plan = buildMetricQueries([WEB, API], tickWindow(now, intervalMs, 2 * MIN));
    const out = await endpoint.cw.send(new GetMetricDataCommand(plan.request));
    const readings = parseMetricData(plan, out.MetricDataResults ?? [], out.Messages);
    return {
      readings,
      ...evaluateTick(checks, [0, 1, 2], { window: plan.window, metrics: readings, targetHealth: {}, compare: {} }),
    };
  }

  it('GIVEN healthy minutes 0–4 THEN every check passes on the published data', async () => {
    const { readings, tick } = await tickAt(T0 + 7 * MIN, 5 * MIN);
    assert.deepEqual(readings.window, { startMs: T0, endMs: T0 + 5 * MIN });
    assert.ok(Object.values(readings.series).every((s) => s.ok));
    assert.deepEqual(
      tick.verdicts.map((v) => v.description.replace(/ in \[.*\]/, '')),
      [
        'target5xxRate green 0% (0/3000) ≤ 1% pass',
        'elb5xxRate load balancer 0.01% (6/60000) ≤ 0.1% pass',
        'compare5xx green vs blue 0% (0/3000) vs 0.316% (180/57000), difference −0.316% (95%) vs +0.5% pass',
      ],
    );
    assert.equal(tick.outcome, 'pass');
  });

  it('GIVEN the candidate failing 10% from minute 5 THEN the rate and comparison checks fail', async () => {
    const { tick } = await tickAt(T0 + 9 * MIN, 2 * MIN);
    assert.equal(tick.outcome, 'fail');
    assert.deepEqual(
      tick.verdicts.map((v) => v.outcome),
      ['fail', 'pass', 'fail'],
    );
    assert.match(tick.verdicts[0]!.description, /^target5xxRate green 10% \(120\/1200\) > 1% fail$/);
  });
});
