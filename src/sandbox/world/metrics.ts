/**
 * Per-minute accumulation of what the load balancer saw, and its publication as CloudWatch
 * `AWS/ApplicationELB` datapoints with ALB's names, dimensions and quirks (ALB user guide, load-balancer-cloudwatch-metrics):
 * - "If there are no requests flowing through the load balancer … the metric is not reported": a
 *   load balancer minute without a request publishes nothing at all, host counts included; a
 *   target group that received no request in the minute publishes nothing either [U: the guide
 *   speaks of the load balancer];
 * - counts of zero are not published (no datapoint, not a 0);
 * - RequestCount counts requests for which a target was chosen; requests the ELB answered itself
 *   because a group had no targets (503) are only in HTTPCode_ELB_503/5XX_Count (ALB-guide: "only
 *   incremented for requests where the load balancer node was able to choose a target");
 * - dimension sets: request, target-code and latency metrics by LB, LB+AZ, LB+TG, LB+TG+AZ;
 *   HTTPCode_ELB_* by LB and LB+AZ (the AZ split of 502/503/504 is [U]); HealthyHostCount/
 *   UnHealthyHostCount by LB+TG and LB+TG+AZ; RequestCountPerTarget by TG and TG+LB, a Sum that is
 *   really an average per healthy target [U: ALB's exact denominator when no target is healthy; we
 *   use the registered count then]. Zones: `metrics-zones.ts`;
 * - HealthyHostCount/UnHealthyHostCount are statistic sets of the per-step samples, zeros included,
 *   for every group that had requests in the minute;
 * - TargetResponseTime is published as (value, count) pairs in seconds so percentiles work.
 */

import { splitCounts, splitLatency } from './metrics-zones.ts';

/** Per-pod latency spread around its mean: 90% at 0.8×, 9% at 1.8×, 1% at 4× (normalized). */
const SHAPE = [
  { share: 0.9, factor: 0.8 },
  { share: 0.09, factor: 1.8 },
  { share: 0.01, factor: 4 },
];
const SHAPE_MEAN = SHAPE.reduce((s, b) => s + b.share * b.factor, 0);

export interface Counts {
  /** Requests for which a target was chosen. */
  requests: number;
  target2xx: number;
  target5xx: number;
  elb502: number;
  elb503: number;
  elb504: number;
}

export const zeroCounts = (): Counts => ({ requests: 0, target2xx: 0, target5xx: 0, elb502: 0, elb503: 0, elb504: 0 });

export function addCounts(into: Counts, c: Partial<Counts>): void {
  for (const k of Object.keys(c) as (keyof Counts)[]) into[k] += c[k] ?? 0;
}

interface Samples {
  n: number;
  sum: number;
  min: number;
  max: number;
}
const emptySamples = (): Samples => ({ n: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY });
function sample(s: Samples, v: number): void {
  s.n++;
  s.sum += v;
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
}

export class GroupMinute {
  readonly counts = zeroCounts();
  /** Mean latency (ms) → requests answered by targets with that mean. */
  readonly latency = new Map<number, number>();
  readonly healthy = emptySamples();
  readonly unhealthy = emptySamples();
  readonly registered = emptySamples();
  /** Zone → healthy/unhealthy samples of the targets in that zone. */
  readonly zones = new Map<string, { healthy: Samples; unhealthy: Samples }>();
}

export class LbMinute {
  readonly counts = zeroCounts();
  readonly latency = new Map<number, number>();
  /** Target group ARN → its minute (every group a listener of this LB used during the minute). */
  readonly groups = new Map<string, GroupMinute>();

  group(tgArn: string): GroupMinute {
    let g = this.groups.get(tgArn);
    if (!g) {
      g = new GroupMinute();
      this.groups.set(tgArn, g);
    }
    return g;
  }
}

export function addLatency(m: Map<number, number>, meanMs: number, n: number): void {
  if (n > 0) m.set(meanMs, (m.get(meanMs) ?? 0) + n);
}

export function sampleHealth(
  g: GroupMinute,
  healthy: number,
  unhealthy: number,
  registered: number,
  byZone?: ReadonlyMap<string, { healthy: number; unhealthy: number }>,
): void {
  sample(g.healthy, healthy);
  sample(g.unhealthy, unhealthy);
  sample(g.registered, registered);
  for (const [zone, c] of byZone ?? []) {
    let z = g.zones.get(zone);
    if (!z) {
      z = { healthy: emptySamples(), unhealthy: emptySamples() };
      g.zones.set(zone, z);
    }
    sample(z.healthy, c.healthy);
    sample(z.unhealthy, c.unhealthy);
  }
}

/** A datapoint for the metric store (the CloudWatch model's putDatum input). */
export interface Datum {
  namespace: 'AWS/ApplicationELB';
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  timestamp: number;
  value?: number;
  statistics?: { sampleCount: number; sum: number; min: number; max: number };
  values?: number[];
  counts?: number[];
  unit: string;
  visibleAt: number;
}

/** `app/<name>/<id>` and `targetgroup/<name>/<id>` from ARNs. */
export const lbDimension = (arn: string) => arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
export const tgDimension = (arn: string) => arn.slice(arn.indexOf(':targetgroup/') + 1);

/**
 * Turns one load balancer's minute into datapoints (none for zero counts, none at all for a minute
 * without requests). `zones` are the load balancer's enabled Availability Zones.
 */
export function minuteDatapoints(
  lbArn: string,
  m: LbMinute,
  minuteStart: number,
  visibleAt: number,
  zones: readonly string[] = [],
): Datum[] {
  const out: Datum[] = [];
  const c = m.counts;
  if (c.requests + c.elb502 + c.elb503 + c.elb504 === 0) return out;
  const LB = { Name: 'LoadBalancer', Value: lbDimension(lbArn) };
  const put = (metricName: string, dims: Datum['dimensions'], unit: string, v: Partial<Datum>) =>
    out.push({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions: dims,
      timestamp: minuteStart,
      unit,
      visibleAt,
      ...v,
    });
  const count = (metricName: string, dims: Datum['dimensions'], n: number) => {
    if (n > 0) put(metricName, dims, 'Count', { value: n });
  };
  const latency = (dims: Datum['dimensions'], lat: Map<number, number>) => {
    const values: number[] = [];
    const counts: number[] = [];
    for (const [meanMs, n] of [...lat.entries()].sort((a, b) => a[0] - b[0])) {
      // Spread deterministically by the shape's shares (largest remainder keeps the total exact).
      const split = SHAPE.map((b) => Math.floor(n * b.share));
      split[0] = (split[0] as number) + n - split.reduce((a, b) => a + b, 0);
      SHAPE.forEach((b, i) => {
        if ((split[i] as number) > 0) {
          values.push((meanMs * b.factor) / SHAPE_MEAN / 1000);
          counts.push(split[i] as number);
        }
      });
    }
    if (values.length) put('TargetResponseTime', dims, 'Seconds', { values, counts });
  };

  const AZ = zones.map((z) => ({ Name: 'AvailabilityZone', Value: z }));
  const requestMetrics = (dims: Datum['dimensions'], k: Counts, lat: Map<number, number>, elb: boolean) => {
    count('RequestCount', dims, k.requests);
    count('HTTPCode_Target_2XX_Count', dims, k.target2xx);
    count('HTTPCode_Target_5XX_Count', dims, k.target5xx);
    if (elb) {
      count('HTTPCode_ELB_5XX_Count', dims, k.elb502 + k.elb503 + k.elb504);
      count('HTTPCode_ELB_502_Count', dims, k.elb502);
      count('HTTPCode_ELB_503_Count', dims, k.elb503);
      count('HTTPCode_ELB_504_Count', dims, k.elb504);
    }
    latency(dims, lat);
  };
  const byZone = (dims: Datum['dimensions'], k: Counts, lat: Map<number, number>, elb: boolean) => {
    const counts = splitCounts(k, AZ.length);
    const lats = splitLatency(lat, AZ.length);
    for (const [i, az] of AZ.entries()) requestMetrics([...dims, az], counts[i]!, lats[i]!, elb);
  };

  requestMetrics([LB], c, m.latency, true);
  byZone([LB], c, m.latency, true);

  for (const [tgArn, g] of m.groups) {
    if (g.counts.requests === 0) continue;
    const TG = { Name: 'TargetGroup', Value: tgDimension(tgArn) };
    const both = [TG, LB];
    requestMetrics(both, g.counts, g.latency, false);
    byZone(both, g.counts, g.latency, false);
    const hosts = (dims: Datum['dimensions'], healthy: Samples, unhealthy: Samples) => {
      for (const [name, s] of [
        ['HealthyHostCount', healthy],
        ['UnHealthyHostCount', unhealthy],
      ] as const) {
        if (s.n > 0) put(name, dims, 'Count', { statistics: { sampleCount: s.n, sum: s.sum, min: s.min, max: s.max } });
      }
    };
    hosts(both, g.healthy, g.unhealthy);
    for (const az of AZ) {
      const z = g.zones.get(az.Value);
      if (z) hosts([...both, az], z.healthy, z.unhealthy);
    }
    const avgHealthy = g.healthy.n ? g.healthy.sum / g.healthy.n : 0;
    const avgRegistered = g.registered.n ? g.registered.sum / g.registered.n : 0;
    const per = g.counts.requests / (avgHealthy > 0 ? avgHealthy : Math.max(1, avgRegistered));
    put('RequestCountPerTarget', [TG], 'Count', { value: per });
    put('RequestCountPerTarget', both, 'Count', { value: per });
  }
  return out;
}
