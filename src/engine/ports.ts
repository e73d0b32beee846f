import type { CompareAccumulator } from '../gates/sequential.ts';
import type { TickResult } from '../gates/tick.ts';
import type { Verdict } from '../gates/verdict.ts';
import type { PlanRoute } from '../plan/plan-types.ts';

/**
 * What the driver needs from the outside world, shaped around its tasks (ARCHITECTURE §7). The
 * engine depends only on these; `src/aws/` adapts the AWS SDK to them and tests may drive them
 * with in-memory worlds. Every method that changes the world is idempotent: a resumed driver runs
 * it again.
 */

/** Target group ARN → ALB weight of one route's forward action. */
export type TargetGroupWeights = Record<string, number>;

/** Route name → its target group weights: one split of a whole rollout. */
export type RouteWeights = Record<string, TargetGroupWeights>;

export interface TrafficPort {
  /**
   * The live weights of the route's forward action. Rejects with a CutoverError when the route
   * does not exist, its terminal action is not a forward, or a target group of the route is
   * missing from it.
   */
  readWeights(route: PlanRoute, signal?: AbortSignal): Promise<TargetGroupWeights>;
  /**
   * Replaces only the forward action's weights (everything else in the action list is kept) and
   * reads the route back; resolves with the weights the read-back found.
   */
  writeWeights(route: PlanRoute, weights: TargetGroupWeights, signal?: AbortSignal): Promise<TargetGroupWeights>;
}

export interface TargetCounts {
  healthy: number;
  /** Registered targets, draining ones excluded. */
  registered: number;
}

export interface HealthPort {
  /** Live target health of one target group (DescribeTargetHealth). */
  targetCounts(targetGroupArn: string, signal?: AbortSignal): Promise<TargetCounts>;
}

/** One tick as the gates judged it, with the compare5xx accumulators to carry to the next. */
export interface GateTick {
  tick: TickResult;
  compare: Record<string, CompareAccumulator>;
}

export interface GatePort {
  /**
   * Judges every applicable check of step `stepIndex` over the latest whole window behind the
   * publication lag at `now` (one GetMetricData call, live target health, alarms). `compare` is
   * the compare5xx state so far. Unreadable data comes back as inconclusive verdicts, not errors.
   */
  tick(
    input: { stepIndex: number; now: number; compare: Record<string, CompareAccumulator> },
    signal?: AbortSignal,
  ): Promise<GateTick>;
  /**
   * Polls the rollout's alarms (metric and composite) for anything in ALARM now or since `since`.
   * Undefined when the rollout has no alarm check.
   */
  alarms(input: { since: number; now: number }, signal?: AbortSignal): Promise<Verdict | undefined>;
}

/** Where a rollout stands, as recorded on its routes (tags) so any process can read it. */
export type RecordedPhase =
  | 'starting'
  | 'shifting'
  | 'baking'
  | 'awaitingApproval'
  | 'paused'
  | 'rollingBack'
  | 'rolledBack'
  | 'aborted'
  | 'completed'
  | 'failed';

export interface RolloutRecord {
  rollout: string;
  specHash: string;
  /** Index of the step in progress (-1 before the first). */
  step: number;
  phase: RecordedPhase;
  /** The weights the driver last wrote (or adopted) on every route. */
  weights: RouteWeights;
  /** While shifting: the split being written, so a resumed driver can tell whether it landed. */
  target?: RouteWeights;
  /** When the live split of `step` was verified (epoch ms); a resumed bake counts from here. */
  verifiedAt?: number;
  /** Why the rollout paused, rolled back or failed, in words. */
  reason?: string;
}

export interface Lease {
  holder: string;
  /** Epoch ms after which another driver may take the rollout over. */
  expiresAt: number;
}

export type OperatorCommand = 'pause' | 'resume' | 'promote' | 'promoteFull' | 'abort';

export interface StatePort {
  /** The recorded state, or undefined when the routes carry none. */
  load(signal?: AbortSignal): Promise<RolloutRecord | undefined>;
  save(record: RolloutRecord, signal?: AbortSignal): Promise<void>;
  /**
   * Takes or renews the lease for `holder` until `now + ttlMs`. Rejects with a CutoverError
   * naming the holder and expiry when another holder's lease is live.
   */
  acquireLease(holder: string, now: number, ttlMs: number, signal?: AbortSignal): Promise<Lease>;
  releaseLease(holder: string, signal?: AbortSignal): Promise<void>;
  /**
   * Operator commands left on the routes since the last call (pause, resume, promote, abort from
   * `cutover pause` etc. in another terminal); each is returned once.
   */
  takeCommands(signal?: AbortSignal): Promise<OperatorCommand[]>;
}

/**
 * What a cluster's TargetGroupBinding for a route says (preflight): `none` when the route has no
 * `binding`; `unchecked` when the cluster cannot be asked (no context, unreachable, forbidden, no
 * binding CRD installed) — the capacity check alone then guards the step; `missing`/`notReady`
 * hold the step back; `ready` when the binding is reconciled for its current generation.
 */
export type BindingCheck = { kind: 'none' } | { kind: 'unchecked' | 'missing' | 'notReady' | 'ready'; detail: string };

export interface BindingPort {
  /** The binding that registers `cluster`'s pods into its target group of route `route`. */
  check(route: string, cluster: string, signal?: AbortSignal): Promise<BindingCheck>;
}

export interface DriverPorts {
  traffic: TrafficPort;
  health: HealthPort;
  gates: GatePort;
  state: StatePort;
  /** Binding status for preflight; without it only target health is checked. */
  bindings?: BindingPort;
}
