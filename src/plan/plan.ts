import { minStepDurationMs } from '../gates/windows.ts';
import type { Percent, RolloutSpec } from '../spec/types.ts';
import { applicableChecks, describeCheck } from './checks.ts';
import { targetGroupWeights } from './diff.ts';
import type { Plan, PlanRoute, PlanStep, WeightState } from './plan-types.ts';
import { rollbackPath } from './rollback.ts';
import { representable, sameWeights, sharesFor } from './weights.ts';

export type { Plan, PlanStep, RollbackStep, WeightState } from './plan-types.ts';
export { rollbackFrom } from './rollback.ts';

/** The plan of a validated rollout: every step's ALB weights, bakes, gates, totals and rollback. */
export function buildPlan(rollout: RolloutSpec): Plan {
  const s = rollout.spec;
  const clusters = s.clusters.map((c) => c.name);
  const routes: PlanRoute[] = s.routes.map((r) => ({
    name: r.name,
    kind: r.kind,
    arn: r.arn,
    targetGroups: r.targetGroups,
  }));
  const stateFor = (shares: Record<string, Percent>) => weightState(shares, s.to, routes);
  const initial = stateFor(sharesFor(clusters, s.from, s.to, 0));

  const steps: PlanStep[] = [];
  let current = initial;
  let elapsed = 0;
  for (const step of s.steps) {
    const next = step.kind === 'weight' ? stateFor(step.shares) : current;
    const bakeMs = step.kind === 'weight' ? step.bakeMs : 0;
    const checks = applicableChecks(s.gates, next.effective);
    // A step advances when its bake has elapsed AND one tick judged its own traffic: the first
    // such tick comes a whole window plus the publication lag after its write (gates/windows.ts).
    elapsed += step.kind === 'weight' ? minStepDurationMs(bakeMs, s.gates, checks.length > 0) : 0;
    steps.push({
      index: step.index,
      kind: step.kind,
      state: next,
      changesWeights: !sameWeights(current.weights, next.weights),
      increases: increases(current.effective, next.effective),
      bakeMs,
      checks,
      cumulativeMs: elapsed,
    });
    current = next;
  }

  const weightChanges = steps.filter((p) => p.changesWeights).length;
  return {
    name: rollout.metadata.name,
    region: s.region,
    from: s.from,
    to: s.to,
    clusters,
    partial: s.partial,
    routes,
    initial,
    steps,
    gates: {
      intervalMs: s.gates.intervalMs,
      lagMs: s.gates.lagMs,
      failureLimit: s.gates.failureLimit,
      inconclusiveLimit: s.gates.inconclusiveLimit,
      checks: s.gates.checks.map((c) => ({ ...c, description: describeCheck(c) })),
    },
    capacity: { ...s.capacity },
    rollback: {
      mode: s.rollback.mode,
      stepBakeMs: s.rollback.stepBakeMs,
      path: rollbackPath(s.rollback.mode, steps, initial),
    },
    totals: {
      steps: steps.length,
      weightChanges,
      apiCalls: weightChanges * routes.length,
      approvals: steps.filter((p) => p.kind === 'approve').length,
      minDurationMs: elapsed,
    },
  };
}

function weightState(shares: Record<string, Percent>, to: string, routes: PlanRoute[]): WeightState {
  const r = representable(shares);
  return {
    shares,
    toPercent: Object.hasOwn(shares, to) ? shares[to]! : 0,
    weights: r.weights,
    effective: r.effective,
    exact: r.exact,
    maxErrorPct: r.maxErrorPct,
    routes: routes.map((route) => ({
      route: route.name,
      targetGroups: targetGroupWeights(route, r.weights),
    })),
  };
}

/** Clusters whose effective share rises from `before` to `after`, in `after`'s (spec) order. */
function increases(
  before: Record<string, Percent>,
  after: Record<string, Percent>,
): Record<string, { from: Percent; to: Percent }> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([cluster, to]) => {
      const from = Object.hasOwn(before, cluster) ? before[cluster]! : 0;
      return to > from ? [[cluster, { from, to }]] : [];
    }),
  );
}
