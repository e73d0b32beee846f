import type { RouteSpec } from '../spec/types.ts';

/**
 * Desired vs live target-group weights of one route's forward action. Used twice by the driver:
 * before a write (what will change) and for drift (live vs the weights it last wrote — any
 * difference means someone else edited the listener or rule).
 */

/** A target group as the forward action lists it. */
export interface LiveTargetGroup {
  targetGroupArn: string;
  /**
   * Absent for a plain single-group forward. Read as 1: Describe responses usually show
   * `Weight: 1` there and moto defaults it to 1 — [U] for real AWS.
   */
  weight?: number;
}

export interface WeightChange {
  targetGroupArn: string;
  /** Live weight; undefined when the group is not in the forward action yet. */
  from: number | undefined;
  to: number;
}

export interface WeightDiff {
  /** Nothing to write and no unexpected group taking traffic (weight-0 extras are harmless). */
  inSync: boolean;
  /** Desired groups whose live weight differs or which are missing live. */
  changes: WeightChange[];
  /** Desired groups already at the desired weight. */
  unchanged: string[];
  /**
   * Live groups the route does not name: drift candidates. They are preserved on write (only the
   * route's own weights change), but any with weight > 0 take traffic the plan does not count.
   */
  unexpected: Array<{ targetGroupArn: string; weight: number }>;
}

/** Compares desired weights (target group ARN → weight) with the live forward action. */
export function diffWeights(desired: Record<string, number>, live: readonly LiveTargetGroup[]): WeightDiff {
  const liveByArn = new Map(live.map((t) => [t.targetGroupArn, t.weight ?? 1] as const));
  const changes: WeightChange[] = [];
  const unchanged: string[] = [];
  for (const [arn, to] of Object.entries(desired)) {
    const from = liveByArn.get(arn);
    if (from === to) unchanged.push(arn);
    else changes.push({ targetGroupArn: arn, from, to });
  }
  const unexpected = [...liveByArn]
    .filter(([arn]) => !Object.hasOwn(desired, arn))
    .map(([targetGroupArn, weight]) => ({ targetGroupArn, weight }));
  const inSync = changes.length === 0 && unexpected.every((u) => u.weight === 0);
  return { inSync, changes, unchanged, unexpected };
}

type RouteGroups = Pick<RouteSpec, 'name' | 'targetGroups'>;

/** Cluster weights → target group ARN weights for one route (every cluster has a group). */
export function targetGroupWeights(route: RouteGroups, clusterWeights: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(clusterWeights).map(([cluster, w]) => {
      // Own keys only: a cluster may be called `constructor`.
      if (!Object.hasOwn(route.targetGroups, cluster)) {
        throw new RangeError(`route ${route.name} has no target group for cluster ${cluster}`);
      }
      return [route.targetGroups[cluster]!, w];
    }),
  );
}

/** Live weights per cluster of a route (clusters whose group is absent live read as 0). */
export function clusterWeightsOf(route: RouteGroups, live: readonly LiveTargetGroup[]): Record<string, number> {
  const liveByArn = new Map(live.map((t) => [t.targetGroupArn, t.weight ?? 1] as const));
  return Object.fromEntries(
    Object.entries(route.targetGroups).map(([cluster, arn]) => [cluster, liveByArn.get(arn) ?? 0]),
  );
}
