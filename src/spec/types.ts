/**
 * The rollout as the rest of cutover sees it: validated, defaults applied, units normalized
 * (durations in milliseconds, gate rates and ratios as fractions 0–1, traffic shares as percent
 * 0–100 — the aliases below say which is which). Every fact has one representation: a weight step
 * is a full split (`shares`) whichever way the file wrote it, a route is a listener or a rule.
 * The YAML loader and validator (src/spec/) produce it; plan, engine and CLI consume it.
 */

import type { Diagnostic } from '../errors.ts';

/** Percent of all traffic, 0–100 (`5` is 5%): step shares and capacity shares. */
export type Percent = number;
/** A fraction 0–1 (`0.01` is 1%): gate thresholds, ratios and confidence levels. */
export type Fraction = number;
/** A duration in milliseconds. */
export type Millis = number;

export const API_VERSION = 'cutover.dev/v1alpha1';
export const KIND = 'ClusterRollout';

export interface AssumeRole {
  roleArn: string;
  externalId?: string;
}

export interface ClusterSpec {
  /** DNS label (RFC 1123), 1–63 chars. */
  name: string;
  /** kubeconfig context; defaults to the cluster name. */
  context: string;
  assumeRole?: AssumeRole;
}

export interface BindingSpec {
  namespace: string;
  service: string;
  /** Service port, by number or by name. */
  port: number | string;
}

/**
 * Where a route's forward action lives, by `kind`: a listener's default action
 * (ModifyListener / DescribeListeners) or a listener rule's action (ModifyRule / DescribeRules).
 * `arn` is that listener's or rule's ARN; state tags go on it too.
 */
export type RouteTarget = { kind: 'listener'; arn: string } | { kind: 'rule'; arn: string };

export type RouteSpec = RouteTarget & {
  name: string;
  /** cluster name → target group ARN; an entry for every cluster, in `spec.clusters` order. */
  targetGroups: Record<string, string>;
  binding?: BindingSpec;
};

/** A weight step: the traffic split to write, then bake. */
export interface WeightStepSpec {
  kind: 'weight';
  /** Position in `spec.steps`. */
  index: number;
  /**
   * Percent per cluster, an entry for EVERY cluster in `spec.clusters` order, summing to 100.
   * The one form of a split: `{weight: 5}` (5 on `to`, the rest on `from`, 0 elsewhere) and
   * `{weights: {blue: 95, green: 5}}` normalize to the same shares, so they hash the same.
   */
  shares: Record<string, Percent>;
  /** `shares[to]`, the share the steps are usually spoken of by. */
  toPercent: Percent;
  bakeMs: Millis;
}

/** Wait for an operator's `cutover promote` / `cutover resume`. */
export interface ApproveStepSpec {
  kind: 'approve';
  index: number;
}

export type StepSpec = WeightStepSpec | ApproveStepSpec;

/** Gate checks. `max`, `minRatio`, `maxIncrease` and `confidence` are fractions 0–1, not percent. */
export type CheckSpec =
  | { type: 'target5xxRate'; cluster: string; max: Fraction; minRequests: number }
  | { type: 'elb5xxRate'; max: Fraction; minRequests: number }
  | { type: 'healthyTargets'; cluster: string; minRatio: Fraction; min?: number }
  | {
      type: 'compare5xx';
      baseline: string;
      candidate: string;
      /** Allowed increase of the candidate's 5xx rate over the baseline's, as a fraction (0.005 = 0.5 points). */
      maxIncrease: Fraction;
      minRequests: number;
      confidence: Fraction;
    }
  | { type: 'alarm'; names: string[] };

export interface GatesSpec {
  intervalMs: Millis;
  checks: CheckSpec[];
  /** Failed ticks tolerated before rollback (a failure count above this rolls back). */
  failureLimit: number;
  /** Inconclusive ticks tolerated in a row before the gate fails closed. */
  inconclusiveLimit: number;
  /** Publication lag to stay behind when reading CloudWatch. */
  lagMs: Millis;
}

export interface CapacitySpec {
  /** Healthy targets the receiving side must have before any increase. */
  minHealthyTargets: number;
  /**
   * Safety factor (a plain multiplier, 1.2 = 20% spare): receiving healthy targets must be
   * ≥ headroom × share/100 × source healthy targets, where the share is in percent (src/plan/capacity.ts).
   */
  headroom: number;
  /** How long preflight waits for capacity before failing. */
  waitMs: Millis;
}

export interface RollbackSpec {
  mode: 'instant' | 'gradual';
  /** For gradual: bake between steps back down. */
  stepBakeMs: Millis;
}

export interface RolloutSpec {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    region: string;
    clusters: ClusterSpec[];
    from: string;
    to: string;
    /** True when the rollout deliberately ends with traffic split (last share on `to` below 100). */
    partial: boolean;
    routes: RouteSpec[];
    steps: StepSpec[];
    gates: GatesSpec;
    capacity: CapacitySpec;
    rollback: RollbackSpec;
  };
}

/** A loaded rollout with where it came from, for messages and the spec hash. */
export interface LoadedRollout {
  file: string;
  /** sha256 of the normalized spec, hex; written to state tags so a changed file is detected. */
  hash: string;
  rollout: RolloutSpec;
  /** Warnings found while loading (legal but suspicious choices), possibly none; errors throw instead. */
  warnings: Diagnostic[];
}
