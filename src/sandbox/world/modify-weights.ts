import type { WeightedTargetGroup } from '../elbv2/types.ts';

/**
 * The forward weights a `modifyWeights` fault leaves: each target group of the current action
 * keeps its weight unless the fault names it — by ARN, by name, or by the cluster it is registered
 * from (each group of that cluster gets the weight; a group's own name or ARN wins over its
 * cluster). Groups are never added or removed, as a weight edit in the console would not.
 * `unmatched` are the fault's keys that match no group of the action.
 */
export function modifiedWeights(
  current: readonly WeightedTargetGroup[],
  edits: Readonly<Record<string, number>>,
  about: (tgArn: string) => { name?: string | undefined; cluster?: string | undefined },
): { weights: WeightedTargetGroup[]; unmatched: string[] } {
  const used = new Set<string>();
  const weights = current.map((w) => {
    const { name, cluster } = about(w.targetGroupArn);
    for (const key of [w.targetGroupArn, name, cluster]) {
      if (key === undefined || !(key in edits)) continue;
      used.add(key);
      return { targetGroupArn: w.targetGroupArn, weight: edits[key] as number };
    }
    return { ...w };
  });
  return { weights, unmatched: Object.keys(edits).filter((k) => !used.has(k)) };
}
