/**
 * The Availability Zone side of ALB metrics. An ALB node in each enabled zone answers the clients
 * that resolved it, and with cross-zone load balancing (always on for ALBs) sends them to targets
 * in any zone. Clients spread evenly over the nodes, so a minute's counts split evenly across the
 * load balancer's zones [U: AWS does not say how clients spread]. The split is deterministic (no
 * random draw): zone i gets ceil((n − i) / zones), which keeps every per-zone sum exact and a part
 * (5xx) never above its whole (requests) in any zone. Host counts per zone follow the targets'
 * own zones; an ip target registered with `AvailabilityZone: all` counts in every enabled zone [U].
 */
import type { Counts } from './metrics.ts';

/** `n` split evenly over `zones` parts, earlier zones taking the remainder. */
export function evenShares(n: number, zones: number): number[] {
  return Array.from({ length: zones }, (_, i) => Math.max(0, Math.ceil((n - i) / zones)));
}

export function splitCounts(c: Counts, zones: number): Counts[] {
  const keys = Object.keys(c) as (keyof Counts)[];
  const shares = keys.map((k) => evenShares(c[k], zones));
  return Array.from({ length: zones }, (_, z) => {
    const out = {} as Counts;
    keys.forEach((k, i) => {
      out[k] = shares[i]![z]!;
    });
    return out;
  });
}

export function splitLatency(lat: Map<number, number>, zones: number): Map<number, number>[] {
  const out = Array.from({ length: zones }, () => new Map<number, number>());
  for (const [mean, n] of lat) {
    evenShares(n, zones).forEach((k, z) => {
      if (k > 0) out[z]!.set(mean, k);
    });
  }
  return out;
}

/** Healthy and unhealthy targets of a group by zone, for one sample. */
export function healthByZone(
  targets: readonly { state: string; availabilityZone?: string }[],
  zones: readonly string[],
): Map<string, { healthy: number; unhealthy: number }> {
  const out = new Map(zones.map((z) => [z, { healthy: 0, unhealthy: 0 }]));
  for (const t of targets) {
    if (t.state !== 'healthy' && t.state !== 'unhealthy') continue;
    const into = t.availabilityZone === 'all' ? zones : t.availabilityZone ? [t.availabilityZone] : [];
    for (const z of into) {
      const c = out.get(z);
      if (c) c[t.state === 'healthy' ? 'healthy' : 'unhealthy']++;
    }
  }
  return out;
}
