/**
 * The rollout as the rest of cutover sees it: validated, defaults applied, units normalized
 * (durations in milliseconds, rates and ratios as fractions 0–1, weights as percent 0–100).
 * The YAML loader and validator (src/spec/) produce it; plan, engine and CLI consume it.
 */

import type { Diagnostic } from '../errors.ts';

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

export interface RouteSpec {
  name: string;
  /** Exactly one of listenerArn / ruleArn is set. */
  listenerArn?: string;
  ruleArn?: string;
  /** cluster name → target group ARN; has an entry for every cluster. */
  targetGroups: Record<string, string>;
  binding?: BindingSpec;
}

export type StepSpec =
  /**
   * Move traffic so that `weight` percent (0–100, decimals allowed) is on `to` and the rest on
   * `from` (other clusters 0); then bake. When the file gives an explicit multi-cluster split
   * (`weights:`), `weights` holds percent for EVERY cluster (summing to 100) and `weight` equals
   * `weights[to]`; consumers must use `weights` when it is present.
   */
  | { kind: 'weight'; weight: number; weights?: Record<string, number>; bakeMs: number; index: number }
  /** Wait for an operator's `cutover promote` / `cutover resume`. */
  | { kind: 'approve'; index: number };

export type CheckSpec =
  | { type: 'target5xxRate'; cluster: string; max: number; minRequests: number }
  | { type: 'elb5xxRate'; max: number; minRequests: number }
  | { type: 'healthyTargets'; cluster: string; minRatio: number; min?: number }
  | {
      type: 'compare5xx';
      baseline: string;
      candidate: string;
      maxIncrease: number;
      minRequests: number;
      confidence: number;
    }
  | { type: 'alarm'; names: string[] };

export interface GatesSpec {
  intervalMs: number;
  checks: CheckSpec[];
  /** Failed ticks tolerated before rollback (a failure count above this rolls back). */
  failureLimit: number;
  /** Inconclusive ticks tolerated in a row before the gate fails closed. */
  inconclusiveLimit: number;
  /** Publication lag to stay behind when reading CloudWatch. */
  lagMs: number;
}

export interface CapacitySpec {
  /** Healthy targets the receiving side must have before any increase. */
  minHealthyTargets: number;
  /** Receiving healthy targets must be ≥ headroom × share × source healthy targets. */
  headroom: number;
  /** How long preflight waits for capacity before failing. */
  waitMs: number;
}

export interface RollbackSpec {
  mode: 'instant' | 'gradual';
  /** For gradual: bake between steps back down. */
  stepBakeMs: number;
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
    /** True when the rollout deliberately ends with traffic split (last weight < 100). Always set by the loader. */
    partial?: boolean;
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
  /** Warnings found while loading (legal but suspicious choices); errors throw instead. */
  warnings?: Diagnostic[];
}
