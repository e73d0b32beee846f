import type { Plan, PlanStep, RollbackStep, WeightState } from './plan-types.ts';
import { sameWeights } from './weights.ts';

/**
 * Every split a rollback may write, latest first. `gradual`: the split of each forward step that
 * changed the weights, by descending step index, then the initial split — ordered by index, not
 * by share, so two splits with the same share on `to` (a third cluster's share changed) keep a
 * fixed order. `instant`: only the initial split.
 */
export function rollbackPath(mode: 'instant' | 'gradual', steps: PlanStep[], initial: WeightState): RollbackStep[] {
  const back: RollbackStep[] =
    mode === 'gradual'
      ? steps.filter((p) => p.changesWeights).map((p) => ({ returnsTo: p.index, state: p.state }))
      : [];
  return [...back.reverse(), { returnsTo: null, state: initial }];
}

/**
 * The writes of a rollback that starts during step `stepIndex` (whose split is live, or was being
 * written), in order: the path entries of earlier steps, minus a first one that equals the live
 * split (a step that wrote nothing — an approval or a repeat — leaves the previous split live).
 * Empty when the live split already is the initial one. The driver bakes `stepBakeMs` after each
 * write but the last; rollback writes get no capacity preflight (see PlanRollback).
 */
export function rollbackFrom(plan: Plan, stepIndex: number): RollbackStep[] {
  const live = plan.steps[stepIndex];
  if (!live) throw new RangeError(`no step ${stepIndex} in a plan of ${plan.steps.length} steps`);
  const writes = plan.rollback.path.filter((r) => (r.returnsTo ?? -1) < stepIndex);
  return writes[0] && sameWeights(writes[0].state.weights, live.state.weights) ? writes.slice(1) : writes;
}
