import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dimension } from '../../../src/sandbox/cloudwatch/metric-store.ts';
import { lbDim, MINUTE, makeWorld, sums, sums as sumsAt, tgDim, total } from './helpers.ts';

describe('ALB metrics published by the world', () => {
  it('per-target-group RequestCount and 5xx sums over an hour equal the generated traffic exactly', async () => {
    // GIVEN 70/30 weights and a 2% error rate on every pod
    const { world, advance } = makeWorld((s) => {
      s.loadBalancers[0]!.listeners[0]!.forward = [
        { targetGroup: 'web-blue', weight: 70 },
        { targetGroup: 'web-green', weight: 30 },
      ];
      for (const c of s.clusters) c.workloads[0]!.errorRate = 0.02;
    });
    // WHEN an hour passes
    await advance(60 * MINUTE);
    // THEN every published sum (read as of the end of time: lag does not matter here) matches the ground truth
    const sums = (metric: string, dims: Dimension[]) => sumsAt(world, metric, dims, Number.MAX_SAFE_INTEGER);
    const lb = lbDim(world);
    for (const tg of ['web-blue', 'web-green']) {
      const truth = world.truth.get(world.targetGroupArn(tg))!;
      const dims = [lb, tgDim(world, tg)];
      assert.equal(total(sums('RequestCount', dims).values), truth.requests, `${tg} RequestCount`);
      assert.equal(total(sums('HTTPCode_Target_5XX_Count', dims).values), truth.target5xx, `${tg} 5xx`);
      assert.equal(total(sums('HTTPCode_Target_2XX_Count', dims).values), truth.target2xx, `${tg} 2xx`);
      assert.ok(truth.target5xx > 0);
    }
    const all = world.truth.get(world.loadBalancerArn('edge'))!;
    assert.equal(total(sums('RequestCount', [lb]).values), all.requests);
    // AND the traffic really followed the weights and the error rate
    const green = world.truth.get(world.targetGroupArn('web-green'))!;
    assert.ok(Math.abs(green.requests / all.requests - 0.3) < 0.01, `green share ${green.requests / all.requests}`);
    assert.ok(Math.abs(all.target5xx / all.requests - 0.02) < 0.002, `error rate ${all.target5xx / all.requests}`);
    // AND 200 rps for the 65 minutes since the warm-up began
    assert.ok(Math.abs(all.requests / (65 * 60) - 200) < 2, `rps ${all.requests / 3900}`);
  });

  it('publishes no 5xx datapoint for a minute without errors, but does publish RequestCount', async () => {
    const { world, advance } = makeWorld((s) => {
      for (const c of s.clusters) c.workloads[0]!.errorRate = 0;
    });
    await advance(10 * MINUTE);
    const dims = [lbDim(world), tgDim(world, 'web-blue')];
    assert.ok(sums(world, 'RequestCount', dims).values.length >= 10);
    assert.equal(sums(world, 'HTTPCode_Target_5XX_Count', dims).values.length, 0);
    assert.equal(sums(world, 'HTTPCode_Target_5XX_Count', [lbDim(world)]).values.length, 0);
    assert.equal(world.cloudwatch.store.get('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', [lbDim(world)]), undefined);
    // A group with no traffic (weight 0) publishes nothing, not even host counts [U]; blue does.
    assert.equal(sums(world, 'RequestCount', [lbDim(world), tgDim(world, 'web-green')]).values.length, 0);
    const hosts = (tg: string) =>
      world.cloudwatch.store.get('AWS/ApplicationELB', 'HealthyHostCount', [lbDim(world), tgDim(world, tg)]);
    assert.equal(hosts('web-green'), undefined);
    assert.ok((hosts('web-blue')?.slots.size ?? 0) >= 10);
  });

  it('makes a minute visible only after its publication lag', async () => {
    // GIVEN a fixed 90 s lag
    const { world, clock, advance } = makeWorld((s) => {
      s.metrics.lagMs = { min: 90_000, max: 90_000 };
    });
    await advance(MINUTE - (clock.now() % MINUTE)); // to a minute boundary
    const minuteStart = clock.now() - MINUTE;
    const dims = [lbDim(world)];
    const visible = (asOf: number) => sums(world, 'RequestCount', dims, asOf).timestamps.includes(minuteStart);
    // WHEN the lag has almost elapsed THEN the minute is not visible; once it has, it is
    await advance(89_000);
    assert.equal(visible(clock.now()), false);
    await advance(1_000);
    assert.equal(visible(clock.now()), true);
  });

  it('gives the same metric series for the same seed and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const { world, advance } = makeWorld(() => {}, { seed });
      await advance(15 * MINUTE);
      return {
        requests: sums(world, 'RequestCount', [lbDim(world)]).values,
        errors: sums(world, 'HTTPCode_Target_5XX_Count', [lbDim(world)]).values,
        pods: world
          .cluster('blue')
          .store.list({ group: '', version: 'v1', resource: 'pods' }, 'web')
          .items.map((p) => p.metadata.name),
      };
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.requests, c.requests);
  });

  it('publishes ELB 503s, on the load balancer only, when a forwarded group has no targets', async () => {
    // GIVEN web-green starts empty and receives half the traffic
    const { world, advance } = makeWorld((s) => {
      s.targetGroups[1]!.registered = null;
      s.loadBalancers[0]!.listeners[0]!.forward = [
        { targetGroup: 'web-blue', weight: 1 },
        { targetGroup: 'web-green', weight: 1 },
      ];
    });
    await advance(5 * MINUTE);
    const sums = (metric: string, dims: Dimension[]) => sumsAt(world, metric, dims, Number.MAX_SAFE_INTEGER);
    const lb = world.truth.get(world.loadBalancerArn('edge'))!;
    assert.ok(Math.abs(lb.elb503 / (lb.elb503 + lb.requests) - 0.5) < 0.02);
    assert.equal(total(sums('HTTPCode_ELB_503_Count', [lbDim(world)]).values), lb.elb503);
    assert.equal(total(sums('HTTPCode_ELB_5XX_Count', [lbDim(world)]).values), lb.elb503);
    assert.equal(
      world.cloudwatch.store.get('AWS/ApplicationELB', 'HTTPCode_ELB_503_Count', [
        lbDim(world),
        tgDim(world, 'web-green'),
      ]),
      undefined,
    );
    // RequestCount counts only requests for which a target was chosen.
    assert.equal(total(sums('RequestCount', [lbDim(world)]).values), lb.requests);
  });

  it('publishes TargetResponseTime in seconds with percentiles around the pods latency', async () => {
    const { world, advance } = makeWorld();
    await advance(5 * MINUTE);
    const s = world.cloudwatch.store.get('AWS/ApplicationELB', 'TargetResponseTime', [lbDim(world)]);
    const avg = world.cloudwatch.store.aggregate(
      s,
      { start: 0, end: world.clock.now(), periodMs: MINUTE, asOf: world.clock.now() },
      { kind: 'Average', name: 'Average' },
    );
    const p99 = world.cloudwatch.store.aggregate(
      s,
      { start: 0, end: world.clock.now(), periodMs: MINUTE, asOf: world.clock.now() },
      { kind: 'percentile', p: 99, name: 'p99' },
    );
    assert.ok(avg.values.length > 0 && avg.values.every((v) => Math.abs(v - 0.025) < 0.002), `avg ${avg.values}`);
    assert.ok(
      p99.values.every((v, i) => v > 1.5 * (avg.values[i] as number)),
      `p99 ${p99.values}`,
    );
  });
});
