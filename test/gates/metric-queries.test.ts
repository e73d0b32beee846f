import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CutoverError } from '../../src/errors.ts';
import { buildMetricQueries } from '../../src/gates/metric-queries.ts';
import { API, MIN, SHOP, T0, WEB } from './fixtures.ts';

const WINDOW = { startMs: T0, endMs: T0 + 2 * MIN };

describe('buildMetricQueries', () => {
  it('GIVEN one listener route with two clusters THEN six Sum/60 queries with ARN-suffix dimensions', () => {
    const plan = buildMetricQueries([WEB], WINDOW);
    const q = plan.request.MetricDataQueries;
    assert.equal(q.length, 6);
    assert.deepEqual(
      q.map((x) => [
        x.Id,
        x.MetricStat.Metric.MetricName,
        x.MetricStat.Metric.Dimensions.map((d) => `${d.Name}=${d.Value}`),
      ]),
      [
        ['lb0_requests', 'RequestCount', ['LoadBalancer=app/edge/1330ec75395d8e31']],
        ['lb0_elb5xx', 'HTTPCode_ELB_5XX_Count', ['LoadBalancer=app/edge/1330ec75395d8e31']],
        [
          'tg0_requests',
          'RequestCount',
          ['LoadBalancer=app/edge/1330ec75395d8e31', 'TargetGroup=targetgroup/web-blue/1111111111111111'],
        ],
        [
          'tg0_target5xx',
          'HTTPCode_Target_5XX_Count',
          ['LoadBalancer=app/edge/1330ec75395d8e31', 'TargetGroup=targetgroup/web-blue/1111111111111111'],
        ],
        [
          'tg1_requests',
          'RequestCount',
          ['LoadBalancer=app/edge/1330ec75395d8e31', 'TargetGroup=targetgroup/web-green/2222222222222222'],
        ],
        [
          'tg1_target5xx',
          'HTTPCode_Target_5XX_Count',
          ['LoadBalancer=app/edge/1330ec75395d8e31', 'TargetGroup=targetgroup/web-green/2222222222222222'],
        ],
      ],
    );
    for (const x of q) {
      assert.equal(x.MetricStat.Metric.Namespace, 'AWS/ApplicationELB');
      assert.equal(x.MetricStat.Period, 60);
      assert.equal(x.MetricStat.Stat, 'Sum');
      assert.match(x.Id, /^[a-z][a-zA-Z0-9_]*$/);
    }
    assert.deepEqual(plan.request.StartTime, new Date(T0));
    assert.deepEqual(plan.request.EndTime, new Date(T0 + 2 * MIN));
    assert.equal(plan.keys.find((k) => k.id === 'tg1_requests')?.cluster, 'green');
  });

  it('GIVEN a listener and a rule on one load balancer and a second load balancer THEN LB-wide metrics once per load balancer', () => {
    const plan = buildMetricQueries([WEB, API, SHOP], WINDOW);
    const lbQueries = plan.keys.filter((k) => k.targetGroup === undefined);
    assert.deepEqual(
      lbQueries.map((k) => [k.id, k.loadBalancer, k.routes]),
      [
        ['lb0_requests', 'app/edge/1330ec75395d8e31', ['web', 'api']],
        ['lb0_elb5xx', 'app/edge/1330ec75395d8e31', ['web', 'api']],
        ['lb1_requests', 'app/shop/abcdefabcdefabcd', ['shop']],
        ['lb1_elb5xx', 'app/shop/abcdefabcdefabcd', ['shop']],
      ],
    );
    assert.equal(plan.keys.length, 4 + 6 * 2);
    assert.equal(new Set(plan.keys.map((k) => k.id)).size, plan.keys.length);
  });

  it('GIVEN two routes forwarding to the same target groups THEN each series is queried once for both', () => {
    const twin = { ...WEB, name: 'web-2', arn: API.arn };
    const plan = buildMetricQueries([WEB, twin], WINDOW);
    assert.equal(plan.keys.length, 6);
    assert.deepEqual(plan.keys.find((k) => k.id === 'tg0_requests')?.routes, ['web', 'web-2']);
  });

  it('GIVEN more than 500 queries THEN a CutoverError names the count and the limit', () => {
    const many = Array.from({ length: 84 }, (_, i) => ({
      ...WEB,
      name: `r${i}`,
      targetGroups: Object.fromEntries(
        ['a', 'b', 'c'].map((c, j) => [
          c,
          `${WEB.targetGroups.blue!.split(':targetgroup/')[0]}:targetgroup/t${i}-${c}/${String(i * 3 + j).padStart(16, '0')}`,
        ]),
      ),
    }));
    assert.throws(
      () => buildMetricQueries(many, WINDOW),
      (e) => e instanceof CutoverError && e.value === 2 + 84 * 6 && /at most 500/.test(e.hint ?? ''),
    );
    assert.equal(buildMetricQueries(many.slice(0, 83), WINDOW).keys.length, 2 + 83 * 6);
  });

  it('GIVEN a window that is not whole periods THEN it is refused', () => {
    assert.throws(() => buildMetricQueries([WEB], { startMs: T0 + 1, endMs: T0 + MIN }), /whole 60-second periods/);
    assert.throws(() => buildMetricQueries([WEB], { startMs: T0, endMs: T0 }), CutoverError);
  });

  it('GIVEN a target group ARN that is not one THEN the ARN error names it', () => {
    const bad = { ...WEB, targetGroups: { blue: 'arn:nope' } };
    assert.throws(
      () => buildMetricQueries([bad], WINDOW),
      (e) => e instanceof CutoverError && e.value === 'arn:nope',
    );
  });
});
