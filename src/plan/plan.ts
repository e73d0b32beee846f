import type { RolloutSpec, StepSpec } from '../spec/types.ts';
import { applicableChecks, describeCheck } from './checks.ts';
import type { Plan, PlanRoute, PlanStep, WeightState } from './plan-types.ts';
import { representable, sharesFor } from './weights.ts';

export type { Plan, PlanStep, WeightState } from './plan-types.ts';

/** The plan of a validated rollout: every step's ALB weights, bakes, gates, totals and rollback. */
export function buildPlan(rollout: RolloutSpec): Plan {
  const s = rollout.spec;
  const clusters = s.clusters.map((c) => c.name);
  const routes: PlanRoute[] = s.routes.map((r) => ({
    name: r.name,
    kind: r.listenerArn ? 'listener' : 'rule',
    arn: (r.listenerArn ?? r.ruleArn)!,
    targetGroups: Object.fromEntries(clusters.map((c) => [c, r.targetGroups[c]!])),
  }));
  const stateFor = (shares: Record<string, number>) => weightState(shares, s.to, routes);
  const initial = stateFor(sharesFor(clusters, s.from, s.to, 0));

  const steps: PlanStep[] = [];
  let current = initial;
  let elapsed = 0;
  for (const [i, step] of s.steps.entries()) {
    const next = step.kind === 'weight' ? stateFor(stepShares(step, clusters, s.from, s.to)) : current;
    const bakeMs = step.kind === 'weight' ? step.bakeMs : 0;
    elapsed += bakeMs;
    steps.push({
      index: step.index,
      number: i + 1,
      kind: step.kind,
      state: next,
      changesWeights: step.kind === 'weight' && !sameWeights(current.weights, next.weights),
      bakeMs,
      checks: applicableChecks(s.gates, next.effective),
      waitsForOperator: step.kind === 'approve',
      cumulativeMs: elapsed,
    });
    current = next;
  }

  const weightChanges = steps.filter((p) => p.changesWeights).length;
  const last = steps.findLast((p) => p.kind === 'weight');
  return {
    name: rollout.metadata.name,
    region: s.region,
    from: s.from,
    to: s.to,
    clusters,
    partial: s.partial ?? (last !== undefined && last.state.toPercent < 100),
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
    capacity: { receiving: s.to, ...s.capacity },
    rollback: {
      mode: s.rollback.mode,
      stepBakeMs: s.rollback.stepBakeMs,
      target: initial,
      gradual: s.rollback.mode === 'gradual' ? gradualPath(steps, initial) : [],
    },
    totals: {
      steps: steps.length,
      weightChanges,
      apiCalls: weightChanges * routes.length,
      approvals: steps.filter((p) => p.waitsForOperator).length,
      minDurationMs: elapsed,
    },
  };
}

/** Percent per cluster a weight step asks for (explicit `weights`, or `weight` on `to`). */
export function stepShares(
  step: Extract<StepSpec, { kind: 'weight' }>,
  clusters: readonly string[],
  from: string,
  to: string,
): Record<string, number> {
  if (step.weights) return Object.fromEntries(clusters.map((c) => [c, step.weights![c] ?? 0]));
  return sharesFor(clusters, from, to, step.weight);
}

function weightState(shares: Record<string, number>, to: string, routes: PlanRoute[]): WeightState {
  const r = representable(shares);
  return {
    shares,
    toPercent: shares[to] ?? 0,
    weights: r.weights,
    effective: r.effective,
    exact: r.exact,
    maxErrorPct: r.maxErrorPct,
    routes: routes.map((route) => ({
      route: route.name,
      clusters: Object.fromEntries(
        Object.entries(r.weights).map(([c, weight]) => [
          c,
          { targetGroupArn: route.targetGroups[c]!, weight, percent: r.effective[c]! },
        ]),
      ),
    })),
  };
}

/** The distinct splits the plan reaches, highest share on `to` first, ending at the initial one. */
function gradualPath(steps: PlanStep[], initial: WeightState): WeightState[] {
  const seen = new Set<string>([key(initial)]);
  const path: WeightState[] = [];
  for (const p of steps) {
    if (p.kind !== 'weight' || seen.has(key(p.state))) continue;
    seen.add(key(p.state));
    path.push(p.state);
  }
  return [...path.reverse(), initial];
}

function key(s: WeightState): string {
  return JSON.stringify(s.weights);
}

function sameWeights(a: Record<string, number>, b: Record<string, number>): boolean {
  return Object.keys({ ...a, ...b }).every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}
