import type { RolloutSpec, StepSpec } from '../../src/spec/types.ts';

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000';
export const LISTENER = `${ARN}:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9`;
export const tg = (route: string, cluster: string) => `${ARN}:targetgroup/${route}-${cluster}/00000000000000aa`;

/**
 * Normalized steps in the shorthand of the YAML: `[percent, bakeMs]` is a blue → green split,
 * `{weights, bakeMs}` a full split (every cluster listed), 'approve' an approval.
 */
export function steps(
  ...list: Array<[number, number] | 'approve' | { weights: Record<string, number>; bakeMs: number }>
) {
  return list.map((s, index): StepSpec => {
    if (s === 'approve') return { kind: 'approve', index };
    const shares = Array.isArray(s) ? { blue: 100 - s[0], green: s[0] } : s.weights;
    return { kind: 'weight', index, shares, toPercent: shares.green ?? 0, bakeMs: Array.isArray(s) ? s[1] : s.bakeMs };
  });
}

/** A valid, normalized two-cluster rollout (blue → green, one listener route); override as needed. */
export function rollout(over: Partial<RolloutSpec['spec']> = {}): RolloutSpec {
  const clusters = over.clusters ?? [
    { name: 'blue', context: 'blue' },
    { name: 'green', context: 'green' },
  ];
  return {
    apiVersion: 'cutover.dev/v1alpha1',
    kind: 'ClusterRollout',
    metadata: { name: 'test-rollout' },
    spec: {
      region: 'us-east-1',
      clusters,
      from: 'blue',
      to: 'green',
      partial: false,
      routes: [
        {
          name: 'web',
          kind: 'listener',
          arn: LISTENER,
          targetGroups: Object.fromEntries(clusters.map((c) => [c.name, tg('web', c.name)])),
        },
      ],
      steps: steps([5, 300_000], [25, 600_000], 'approve', [100, 900_000]),
      gates: {
        intervalMs: 60_000,
        lagMs: 120_000,
        failureLimit: 1,
        inconclusiveLimit: 5,
        checks: [
          { type: 'target5xxRate', cluster: 'green', max: 0.01, minRequests: 300 },
          { type: 'elb5xxRate', max: 0.005, minRequests: 100 },
          { type: 'healthyTargets', cluster: 'green', minRatio: 0.9 },
          {
            type: 'compare5xx',
            baseline: 'blue',
            candidate: 'green',
            maxIncrease: 0.005,
            minRequests: 300,
            confidence: 0.95,
          },
          { type: 'alarm', names: ['edge-p99-latency'] },
        ],
      },
      capacity: { minHealthyTargets: 2, headroom: 1.2, waitMs: 300_000 },
      rollback: { mode: 'instant', stepBakeMs: 30_000 },
      ...over,
    },
  };
}
