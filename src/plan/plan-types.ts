import type { CheckSpec } from '../spec/types.ts';

/**
 * The plan of a rollout: what `cutover plan --output json` prints and what the driver follows.
 * Field names are stable; durations are milliseconds, shares percent (0–100), weights ALB integers.
 * Cluster-keyed records list clusters in spec order.
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
  /** Before step 1: everything on `from`. */
  initial: WeightState;
  steps: PlanStep[];
  gates: PlanGates;
  capacity: { receiving: string; minHealthyTargets: number; headroom: number; waitMs: number };
  rollback: PlanRollback;
  totals: PlanTotals;
}

export interface PlanRoute {
  name: string;
  kind: 'listener' | 'rule';
  /** The listener or rule ARN whose forward action is rewritten. */
  arn: string;
  /** cluster → target group ARN. */
  targetGroups: Record<string, string>;
}

/** A traffic split and the ALB weights that produce it. */
export interface WeightState {
  /** Wanted percent per cluster. */
  shares: Record<string, number>;
  /** Percent on `to`, as the steps speak of it. */
  toPercent: number;
  /** ALB weight per cluster (the same on every route: routes move in lockstep). */
  weights: Record<string, number>;
  /** Percent per cluster the weights really give. */
  effective: Record<string, number>;
  exact: boolean;
  /** Largest |effective − wanted| in percent points (0 when exact). */
  maxErrorPct: number;
  /** Per route, per cluster: target group, ALB weight and effective percent. */
  routes: Array<{
    route: string;
    clusters: Record<string, { targetGroupArn: string; weight: number; percent: number }>;
  }>;
}

export interface PlanStep {
  /** Position in `spec.steps` (0-based, as in spec.steps[index]). */
  index: number;
  /** 1-based step number shown to people. */
  number: number;
  kind: 'weight' | 'approve';
  /** The split after this step (an approval holds the split before it). */
  state: WeightState;
  /** Whether this step rewrites the forward actions (false for approvals and repeated splits). */
  changesWeights: boolean;
  /** 0 for approvals. */
  bakeMs: number;
  /** Indexes into gates.checks of the checks that can judge this split. */
  checks: number[];
  /** An operator must run `cutover promote` / `resume` before the rollout goes on. */
  waitsForOperator: boolean;
  /** Minimum time from start to the end of this step (bakes only; operator waits count 0). */
  cumulativeMs: number;
}

export interface PlanGates {
  intervalMs: number;
  lagMs: number;
  failureLimit: number;
  inconclusiveLimit: number;
  checks: Array<CheckSpec & { description: string }>;
}

export interface PlanRollback {
  mode: 'instant' | 'gradual';
  stepBakeMs: number;
  /** Where rollback ends: everything on `from`. */
  target: WeightState;
  /**
   * For `gradual`: the splits reached by the plan, highest first, ending at the target. From a
   * given step, rollback walks the ones below that step's share, baking stepBakeMs after each
   * but the last. Empty for `instant` (one write straight to the target).
   */
  gradual: WeightState[];
}

export interface PlanTotals {
  steps: number;
  /** Steps that rewrite weights. */
  weightChanges: number;
  /** ModifyListener/ModifyRule calls: weight changes × routes. */
  apiCalls: number;
  approvals: number;
  /** Sum of bakes: the shortest possible run, not counting operator waits. */
  minDurationMs: number;
}
