import { roundFraction } from './percent.ts';
import type { CheckSpec, Percent, RolloutSpec, RouteSpec, StepSpec } from './types.ts';

/**
 * Turns a checked document (units converted, static defaults filled) into the RolloutSpec the
 * rest of cutover uses, applying the defaults that depend on other fields: a cluster's context
 * is its name, a step's bake is the gate interval, a check's cluster is `to` (compare5xx:
 * baseline `from`, candidate `to`). Each fact gets one form: a weight step becomes the full split
 * (`shares`), a route its `kind` and `arn`. Only called when there were no errors.
 *
 * Cluster names are user data and `constructor` is a valid DNS label, so records keyed by them
 * are read with Object.hasOwn, never `x[c] ?? 0` (which would find Object.prototype's members).
 */
export function normalize(raw: any): RolloutSpec {
  const s = raw.spec;
  const gates = s.gates;
  const clusterNames: string[] = s.clusters.map((c: any) => c.name);
  const metadata: RolloutSpec['metadata'] = { name: raw.metadata.name };
  if (raw.metadata.labels) metadata.labels = raw.metadata.labels;
  if (raw.metadata.annotations) metadata.annotations = raw.metadata.annotations;

  const steps: StepSpec[] = s.steps.map((st: any, index: number): StepSpec => {
    if (st.approve === true) return { kind: 'approve', index };
    const shares = stepShares(st, clusterNames, s.from, s.to);
    return { kind: 'weight', index, shares, toPercent: shares[s.to]!, bakeMs: st.bake ?? gates.interval };
  });

  const checks: CheckSpec[] = gates.checks.map((c: any): CheckSpec => {
    switch (c.type) {
      case 'target5xxRate':
        return { type: c.type, cluster: c.cluster ?? s.to, max: c.max, minRequests: c.minRequests };
      case 'elb5xxRate':
        return { type: c.type, max: c.max, minRequests: c.minRequests };
      case 'healthyTargets':
        return {
          type: c.type,
          cluster: c.cluster ?? s.to,
          minRatio: c.minRatio,
          ...(c.min !== undefined ? { min: c.min } : {}),
        };
      case 'compare5xx':
        return {
          type: c.type,
          baseline: c.baseline ?? s.from,
          candidate: c.candidate ?? s.to,
          maxIncrease: c.maxIncrease,
          minRequests: c.minRequests,
          confidence: c.confidence,
        };
      default:
        return { type: 'alarm', names: c.names };
    }
  });

  return {
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata,
    spec: {
      region: s.region,
      clusters: s.clusters.map((c: any) => ({
        name: c.name,
        context: c.context ?? c.name,
        ...(c.assumeRole ? { assumeRole: { ...c.assumeRole } } : {}),
      })),
      from: s.from,
      to: s.to,
      partial: s.partial === true,
      routes: s.routes.map(
        (r: any): RouteSpec => ({
          name: r.name,
          ...(r.listenerArn ? { kind: 'listener', arn: r.listenerArn } : { kind: 'rule', arn: r.ruleArn }),
          targetGroups: Object.fromEntries(clusterNames.map((c) => [c, ownOrFail(r.targetGroups, c, r.name)])),
          ...(r.binding ? { binding: { ...r.binding } } : {}),
        }),
      ),
      steps,
      gates: {
        intervalMs: gates.interval,
        checks,
        failureLimit: gates.failureLimit,
        inconclusiveLimit: gates.inconclusiveLimit,
        lagMs: gates.lag,
      },
      capacity: {
        minHealthyTargets: s.capacity.minHealthyTargets,
        headroom: s.capacity.headroom,
        waitMs: s.capacity.wait,
      },
      rollback: { mode: s.rollback.mode, stepBakeMs: s.rollback.stepBake },
    },
  };
}

/**
 * The full split of a weight step, every cluster in spec order: `weights:` as given (clusters not
 * listed get 0), or `weight:` on `to` with the rest on `from`. Rounded so `100 - 99.9` is 0.1.
 */
function stepShares(st: any, clusters: string[], from: string, to: string): Record<string, Percent> {
  const share = (c: string): number => {
    if (st.weights) return Object.hasOwn(st.weights, c) ? st.weights[c] : 0;
    return c === to ? st.weight : c === from ? 100 - st.weight : 0;
  };
  return Object.fromEntries(clusters.map((c) => [c, roundFraction(share(c))]));
}

/** The validator guarantees a target group per cluster; a miss here is a bug, not user input. */
function ownOrFail(targetGroups: Record<string, string>, cluster: string, route: string): string {
  if (!Object.hasOwn(targetGroups, cluster)) {
    throw new Error(`normalize: route ${route} has no target group for cluster ${cluster} after validation`);
  }
  return targetGroups[cluster]!;
}
