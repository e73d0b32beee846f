import type { Dimension } from '../../../src/sandbox/cloudwatch/metric-store.ts';
import { defaultScenario } from '../../../src/sandbox/scenario/default-world.ts';
import type { Scenario } from '../../../src/sandbox/scenario/types.ts';
import { REF } from '../../../src/sandbox/world/kube-objects.ts';
import { lbDimension, tgDimension } from '../../../src/sandbox/world/metrics.ts';
import { World, type WorldOptions } from '../../../src/sandbox/world/world.ts';
import { ManualClock } from '../../../src/util/clock.ts';

export const MINUTE = 60_000;
export { REF };

/** A world on a ManualClock started at a whole hour, from the default scenario adjusted by `tweak`. */
export function makeWorld(
  tweak: (s: Scenario) => void = () => {},
  opts: Partial<Omit<WorldOptions, 'scenario' | 'clock'>> = {},
): { world: World; clock: ManualClock; advance: (ms: number) => Promise<void> } {
  const scenario = defaultScenario();
  tweak(scenario);
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const world = new World({ scenario, clock, ...opts });
  const advance = async (ms: number) => {
    await clock.advance(ms);
    world.advanceTo(clock.now());
  };
  return { world, clock, advance };
}

export const lbDim = (w: World, lb = 'edge'): Dimension => ({
  Name: 'LoadBalancer',
  Value: lbDimension(w.loadBalancerArn(lb)),
});
export const tgDim = (w: World, tg: string): Dimension => ({
  Name: 'TargetGroup',
  Value: tgDimension(w.targetGroupArn(tg)),
});

/** Per-minute sums of a metric visible at `asOf` (default: the clock), oldest first. */
export function sums(
  w: World,
  metric: string,
  dims: Dimension[],
  asOf = w.clock.now(),
): { timestamps: number[]; values: number[] } {
  const s = w.cloudwatch.store.get('AWS/ApplicationELB', metric, dims);
  return w.cloudwatch.store.aggregate(
    s,
    { start: 0, end: asOf + 3_600_000, periodMs: MINUTE, asOf },
    { kind: 'Sum', name: 'Sum' },
  );
}

export const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function pods(w: World, cluster: string, ns = 'web') {
  return w.cluster(cluster).store.list(REF.pods, ns).items;
}

export function slices(w: World, cluster: string, ns = 'web') {
  return w.cluster(cluster).store.list(REF.endpointSlices, ns).items;
}

export function endpoints(w: World, cluster: string, ns = 'web') {
  return slices(w, cluster, ns).flatMap((s: any) => s.endpoints ?? []);
}
