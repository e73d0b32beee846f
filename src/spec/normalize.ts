import type { CheckSpec, RolloutSpec, StepSpec } from './types.ts';

/**
 * Turns a checked document (units converted, static defaults filled) into the RolloutSpec the
 * rest of cutover uses, applying the defaults that depend on other fields: a cluster's context
 * is its name, a step's bake is the gate interval, a check's cluster is `to` (compare5xx:
 * baseline `from`, candidate `to`). Only called when there were no errors.
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
    const bakeMs: number = st.bake ?? gates.interval;
    if (st.weights) {
      const weights: Record<string, number> = {};
      for (const c of clusterNames) weights[c] = st.weights[c] ?? 0;
      return { kind: 'weight', weight: weights[s.to] ?? 0, weights, bakeMs, index };
    }
    return { kind: 'weight', weight: st.weight, bakeMs, index };
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
      partial: s.partial,
      routes: s.routes.map((r: any) => ({
        name: r.name,
        ...(r.listenerArn ? { listenerArn: r.listenerArn } : { ruleArn: r.ruleArn }),
        targetGroups: { ...r.targetGroups },
        ...(r.binding ? { binding: { ...r.binding } } : {}),
      })),
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
