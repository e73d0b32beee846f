import type { CheckSpec, Millis, Percent, RouteTarget } from '../spec/types.ts';

/**
 * The plan of a rollout: what `cutover plan --output json` prints and what the driver follows.
 * Field names are stable; durations are milliseconds, shares percent (0–100), weights ALB integers,
 * gate thresholds fractions (0–1) as in the spec. Cluster-keyed records list clusters in spec order.
 */
export interface Plan {
  name: string;
  region: string;
  from: string;
  to: string;
  clusters: string[];
  /** The rollout deliberately ends split (last share on `to` below 100). */
  partial: boolean;
  routes: PlanRoute[];
  /** Before step 0: everything on `from`. Rollback ends here. */
  initial: WeightState;
  steps: PlanStep[];
  gates: PlanGates;
  /**
   * The preflight before a step that raises shares: every cluster in the step's `increases` needs
   * these, measured against `from`'s healthy targets at 100% (src/plan/capacity.ts).
   */
  capacity: { minHealthyTargets: number; headroom: number; waitMs: Millis };
  rollback: PlanRollback;
  totals: PlanTotals;
}

/** A route: where its forward action lives (`kind`, `arn`) and its target group per cluster. */
export type PlanRoute = RouteTarget & {
  name: string;
  /** cluster → target group ARN. */
  targetGroups: Record<string, string>;
};

/** A traffic split and the ALB weights that produce it. */
export interface WeightState {
  /** Wanted percent per cluster. */
  shares: Record<string, Percent>;
  /** `shares[to]`, as the steps speak of it. */
  toPercent: Percent;
  /** ALB weight per cluster (the same on every route: routes move in lockstep). */
  weights: Record<string, number>;
  /** Percent per cluster the weights really give. */
  effective: Record<string, Percent>;
  /** The weights give `shares` exactly (maxErrorPct is 0). */
  exact: boolean;
  /** Largest |effective − wanted| in percent points (0 when exact). */
  maxErrorPct: number;
  /**
   * What to write, per route in spec order: target group ARN → ALB weight, the `desired` input
   * of diffWeights and the TargetGroups of ModifyListener/ModifyRule.
   */
  routes: Array<{ route: string; targetGroups: Record<string, number> }>;
}

export interface PlanStep {
  /** Position in `spec.steps` and in `Plan.steps` (0-based; people see index + 1). */
  index: number;
  /** `approve` waits for an operator's `cutover promote` / `resume` before the rollout goes on. */
  kind: 'weight' | 'approve';
  /** The split after this step (an approval holds the split before it). */
  state: WeightState;
  /** Whether this step rewrites the forward actions (false for approvals and repeated splits). */
  changesWeights: boolean;
  /**
   * The clusters whose share rises with this step's write, with their effective percent before
   * and after. The driver preflights the capacity of each of them (not only `to`: a `weights:`
   * split can raise a third cluster from 0 to 5) before writing. Empty when nothing rises.
   */
  increases: Record<string, { from: Percent; to: Percent }>;
  /** 0 for approvals. */
  bakeMs: Millis;
  /** Indexes into gates.checks of the checks that can judge this split. */
  checks: number[];
  /**
   * Minimum time from start to the end of this step: per weight step its bake, or the time to its
   * first own gate verdict when longer (gates/windows.ts minStepDurationMs); operator waits count 0.
   */
  cumulativeMs: Millis;
}

export interface PlanGates {
  intervalMs: Millis;
  lagMs: Millis;
  failureLimit: number;
  inconclusiveLimit: number;
  checks: Array<CheckSpec & { description: string }>;
}

/** One write of a rollback: a split the rollout reached before, and which step reached it. */
export interface RollbackStep {
  /** The forward step (index into `steps`) whose split this restores; null for `initial`. */
  returnsTo: number | null;
  state: WeightState;
}

/**
 * How to undo the rollout. Use rollbackFrom(plan, k) (src/plan/rollback.ts) for the writes to make
 * when rolling back during step k: `instant` writes `initial` at once; `gradual` walks back
 * through the splits steps before k wrote, latest first, baking stepBakeMs after each write but
 * the last, and ends at `initial`.
 *
 * Rollback writes get no capacity preflight: every cluster whose share rises returns to a share
 * it carried earlier in this rollout (`from` carried 100% at the start), and waiting for capacity
 * would keep traffic on the side that failed. A source that autoscaled down as traffic left may
 * run short until it scales back; `gradual` with a stepBake gives it that time.
 */
export interface PlanRollback {
  mode: 'instant' | 'gradual';
  stepBakeMs: Millis;
  /**
   * Every split a rollback may write, latest first: for `gradual` each forward step that changed
   * the weights, by descending index, then `initial`; for `instant` only `initial`.
   */
  path: RollbackStep[];
}

export interface PlanTotals {
  steps: number;
  /** Steps that rewrite weights. */
  weightChanges: number;
  /** ModifyListener/ModifyRule calls: weight changes × routes. */
  apiCalls: number;
  approvals: number;
  /**
   * The shortest possible run, not counting operator waits: each weight step lasts its bake, but at
   * least until its first own gate verdict (a window plus the lag after its write) when it has checks.
   */
  minDurationMs: Millis;
}
