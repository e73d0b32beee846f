import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { underLoad } from '../../../src/sandbox/world/capacity.ts';
import type { World } from '../../../src/sandbox/world/world.ts';
import { lbDim, MINUTE, makeWorld, sums, tgDim } from './helpers.ts';

const blueOnly = (capacity: number | undefined) =>
  makeWorld((s) => {
    s.loadBalancers[0]!.listeners[0]!.forward = [{ targetGroup: 'web-blue', weight: 1 }];
    const w = s.clusters[0]!.workloads[0]!;
    if (capacity !== undefined) w.capacityRps = capacity;
  });

/** Mean TargetResponseTime (s) of a group over the visible minutes. */
function meanLatency(w: World, tg: string): number {
  const s = w.cloudwatch.store.get('AWS/ApplicationELB', 'TargetResponseTime', [tgDim(w, tg), lbDim(w)]);
  const a = w.cloudwatch.store.aggregate(
    s,
    { start: 0, end: w.clock.now() + 3_600_000, periodMs: 60 * MINUTE * 24, asOf: w.clock.now() },
    { kind: 'Average', name: 'Average' },
  );
  return a.values[0] as number;
}

describe('pod capacity', () => {
  it('follows the documented curve', () => {
    assert.deepEqual(underLoad(0.01, 20, 50, undefined), { errorRate: 0.01, latencyMs: 20 });
    const half = underLoad(0, 20, 50, 100);
    assert.equal(half.errorRate, 0);
    assert.ok(Math.abs(half.latencyMs - 20 / (1 - 0.5 ** 4)) < 1e-9);
    const over = underLoad(0.01, 20, 250, 100);
    // 60% overflow shed, the rest at the pod's own 1%
    assert.ok(Math.abs(over.errorRate - (0.6 + 0.4 * 0.01)) < 1e-12);
    assert.ok(Math.abs(over.latencyMs - 20 / (1 - 0.95 ** 4)) < 1e-9);
  });

  it('shows too much traffic on too few pods as 5xx and slower responses in the metrics', async () => {
    // GIVEN 200 rps on 4 blue pods (50 rps each): with capacity 100 they are half busy, with 20 overloaded
    const fine = blueOnly(100);
    const over = blueOnly(20);
    const none = blueOnly(undefined);
    for (const x of [fine, over, none]) await x.advance(10 * MINUTE);
    const rate = (w: World) => {
      const c = w.truth.get(w.targetGroupArn('web-blue'))!;
      return c.target5xx / c.requests;
    };
    // THEN at half load errors stay at the pod's own 0.1%; overloaded 2.5× sheds 60%
    assert.ok(rate(fine.world) < 0.004, `fine ${rate(fine.world)}`);
    assert.ok(Math.abs(rate(over.world) - (0.6 + 0.4 * 0.001)) < 0.01, `overloaded ${rate(over.world)}`);
    // AND latency: 25 ms unloaded, ×1.07 at 50%, ×5.4 saturated (TargetResponseTime is in seconds)
    const lat = (w: World) => meanLatency(w, 'web-blue') * 1000;
    assert.ok(Math.abs(lat(none.world) - 25) < 0.5, `none ${lat(none.world)}`);
    assert.ok(Math.abs(lat(fine.world) - 25 / (1 - 0.5 ** 4)) < 1, `fine ${lat(fine.world)}`);
    assert.ok(Math.abs(lat(over.world) - 25 / (1 - 0.95 ** 4)) < 3, `overloaded ${lat(over.world)}`);
    // AND the published 5xx sums are the world's counts
    const pub = sums(over.world, 'HTTPCode_Target_5XX_Count', [tgDim(over.world, 'web-blue'), lbDim(over.world)]);
    const visible = pub.values.reduce((a, b) => a + b, 0);
    assert.ok(visible > 0 && visible <= over.world.truth.get(over.world.targetGroupArn('web-blue'))!.target5xx);
  });
});

describe('workload noise', () => {
  const noisy = (seed: number) =>
    makeWorld(
      (s) => {
        s.loadBalancers[0]!.listeners[0]!.forward = [{ targetGroup: 'web-blue', weight: 1 }];
        s.traffic[0]!.rps = 2000;
        s.clusters[0]!.workloads[0]!.noise = { errorRate: { mean: 0.02, band: 0.01 } };
      },
      { seed },
    );

  it('drifts the error rate within its band around the mean, the same way for the same seed', async () => {
    const a = noisy(3);
    const b = noisy(3);
    const c = noisy(4);
    for (const x of [a, b, c]) await x.advance(60 * MINUTE);
    const perMinute = (w: World) =>
      [...Array(55).keys()].map((i) => {
        const s = w.cloudwatch.store.get('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', [lbDim(w)]);
        const r = w.cloudwatch.store.get('AWS/ApplicationELB', 'RequestCount', [lbDim(w)]);
        const win = {
          start: w.startedAt + i * MINUTE,
          end: w.startedAt + (i + 1) * MINUTE,
          periodMs: MINUTE,
          asOf: w.clock.now(),
        };
        const sum = { kind: 'Sum', name: 'Sum' } as const;
        return (
          (w.cloudwatch.store.aggregate(s, win, sum).values[0] ?? 0) /
          (w.cloudwatch.store.aggregate(r, win, sum).values[0] as number)
        );
      });
    const ra = perMinute(a.world);
    // THEN every minute's rate is within mean ± band (plus sampling noise), and they vary
    assert.ok(
      ra.every((x) => x > 0.008 && x < 0.032),
      `rates ${ra.map((x) => x.toFixed(4))}`,
    );
    const spread = Math.max(...ra) - Math.min(...ra);
    assert.ok(spread > 0.005, `spread ${spread}`);
    const mean = ra.reduce((x, y) => x + y, 0) / ra.length;
    assert.ok(Math.abs(mean - 0.02) < 0.005, `mean ${mean}`);
    // AND the same seed gives the same series, another seed another one
    assert.deepEqual(perMinute(b.world), ra);
    assert.notDeepEqual(perMinute(c.world), ra);
  });

  it('yields to a fault while the fault lasts', async () => {
    const { world, advance } = makeWorld((s) => {
      s.loadBalancers[0]!.listeners[0]!.forward = [{ targetGroup: 'web-blue', weight: 1 }];
      s.clusters[0]!.workloads[0]!.noise = { errorRate: { mean: 0.02, band: 0.01 } };
      s.faults = [{ atMs: 0, kind: 'errorRate', cluster: 'blue', errorRate: 0 }];
    });
    // (the warm-up before the start had noise only; from the start the fault's 0% holds)
    await advance(MINUTE);
    const before = world.truth.get(world.targetGroupArn('web-blue'))!.target5xx;
    await advance(10 * MINUTE);
    assert.ok(before > 0);
    assert.equal(world.truth.get(world.targetGroupArn('web-blue'))!.target5xx, before);
  });
});
