import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { LbMinute, minuteDatapoints } from '../../../src/sandbox/world/metrics.ts';
import { evenShares } from '../../../src/sandbox/world/metrics-zones.ts';
import { serveCloudWatch } from '../cloudwatch/endpoint.ts';
import { lbDim, MINUTE, makeWorld, tgDim } from './helpers.ts';

const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/edge/0123456789abcdef';
const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/0123456789abcdef';
const ZONES = ['us-east-1a', 'us-east-1b'];
const key = (d: { metricName: string; dimensions: { Name: string; Value: string }[] }) =>
  `${d.metricName} ${d.dimensions
    .map((x) => x.Name)
    .sort()
    .join('+')}`;

describe('ALB metric publication: zones and quiet minutes', () => {
  it('publishes nothing at all for a minute without requests, host counts included', () => {
    // GIVEN a minute with health samples but no request
    const m = new LbMinute();
    const g = m.group(TG_ARN);
    g.healthy.n = 6;
    g.healthy.sum = 18;
    // WHEN / THEN
    assert.deepEqual(minuteDatapoints(LB_ARN, m, 0, 60_000, ZONES), []);
  });

  it('publishes each metric with the dimension sets of the ALB guide, zones splitting the counts exactly', () => {
    // GIVEN 101 requests, 7 of them 5xx, and 3 ELB 503s
    const m = new LbMinute();
    Object.assign(m.counts, { requests: 101, target2xx: 94, target5xx: 7, elb503: 3 });
    const g = m.group(TG_ARN);
    Object.assign(g.counts, { requests: 101, target2xx: 94, target5xx: 7 });
    m.latency.set(20, 101);
    g.latency.set(20, 101);
    // WHEN
    const data = minuteDatapoints(LB_ARN, m, 0, 60_000, ZONES);
    // THEN
    const sets = new Set(data.map(key));
    for (const expected of [
      'RequestCount LoadBalancer',
      'RequestCount AvailabilityZone+LoadBalancer',
      'RequestCount LoadBalancer+TargetGroup',
      'RequestCount AvailabilityZone+LoadBalancer+TargetGroup',
      'HTTPCode_ELB_503_Count AvailabilityZone+LoadBalancer',
      'TargetResponseTime AvailabilityZone+LoadBalancer+TargetGroup',
      'RequestCountPerTarget TargetGroup',
    ]) {
      assert.ok(sets.has(expected), `missing ${expected}`);
    }
    assert.ok(!sets.has('HTTPCode_ELB_503_Count LoadBalancer+TargetGroup'), 'ELB codes have no TargetGroup');
    const perZone = (metric: string, withTg: boolean) =>
      data
        .filter(
          (d) =>
            d.metricName === metric &&
            d.dimensions.some((x) => x.Name === 'AvailabilityZone') &&
            d.dimensions.some((x) => x.Name === 'TargetGroup') === withTg,
        )
        .map((d) => d.value ?? 0);
    assert.deepEqual(perZone('RequestCount', false), [51, 50]);
    assert.deepEqual(perZone('HTTPCode_Target_5XX_Count', true), [4, 3]);
    assert.deepEqual(perZone('HTTPCode_ELB_503_Count', false), [2, 1]);
  });

  it('splits n over zones so that sums are exact and a part never exceeds its whole', () => {
    for (let n = 0; n < 40; n++) {
      const whole = evenShares(n, 3);
      assert.equal(
        whole.reduce((a, b) => a + b, 0),
        n,
      );
      for (let k = 0; k <= n; k++) {
        for (const [z, p] of evenShares(k, 3).entries()) assert.ok(p <= whole[z]!, `${k} of ${n} in zone ${z}`);
      }
    }
  });

  it('serves per-zone request and host-count series to the CloudWatch SDK', async () => {
    // GIVEN the default world after 6 minutes
    const { world, advance } = makeWorld();
    await advance(6 * MINUTE);
    const { cw, close } = await serveCloudWatch(world.cloudwatch);
    try {
      // WHEN
      const listed = await cw.send(
        new ListMetricsCommand({ Namespace: 'AWS/ApplicationELB', MetricName: 'HealthyHostCount' }),
      );
      const zones = world.elbv2.loadBalancers.get(world.loadBalancerArn('edge'))!.zones.map((z) => z.ZoneName);
      assert.deepEqual(zones, ['us-east-1a', 'us-east-1b', 'us-east-1c']);
      const now = world.clock.now();
      const out = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 10 * MINUTE),
          EndTime: new Date(now),
          MetricDataQueries: [
            { Id: 'all', MetricStat: { Metric: metric([lbDim(world)]), Period: 60, Stat: 'Sum' } },
            ...zones.map((z, i) => ({
              Id: `z${i}`,
              MetricStat: {
                Metric: metric([lbDim(world), { Name: 'AvailabilityZone', Value: z }]),
                Period: 60,
                Stat: 'Sum',
              },
            })),
          ],
        }),
      );
      // THEN host counts exist per zone for the group that takes traffic
      const hostSets = (listed.Metrics ?? []).map((x) =>
        (x.Dimensions ?? [])
          .map((d) => d.Name)
          .sort()
          .join('+'),
      );
      assert.ok(hostSets.includes('AvailabilityZone+LoadBalancer+TargetGroup'));
      assert.ok(hostSets.includes('LoadBalancer+TargetGroup'));
      assert.ok(
        !(listed.Metrics ?? []).some((x) => x.Dimensions?.some((d) => d.Value === tgDim(world, 'web-green').Value)),
      );
      // AND the zones' RequestCount add up to the load balancer's, minute by minute
      const series = (id: string) => out.MetricDataResults!.find((r) => r.Id === id)!;
      const all = series('all');
      assert.ok((all.Values?.length ?? 0) >= 4);
      all.Timestamps!.forEach((t, i) => {
        const zoneSum = zones
          .map((_, z) => `z${z}`)
          .map((id) => {
            const s = series(id);
            const j = s.Timestamps!.findIndex((x) => x.getTime() === t.getTime());
            return j < 0 ? 0 : s.Values![j]!;
          })
          .reduce((a, b) => a + b, 0);
        assert.equal(zoneSum, all.Values![i]);
      });
    } finally {
      await close();
    }
  });
});

function metric(dims: { Name: string; Value: string }[]) {
  return { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dims };
}
