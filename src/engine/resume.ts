import { CutoverError } from '../errors.ts';
import type { Plan, PlanRoute } from '../plan/plan-types.ts';
import type { RolloutRecord, RouteWeights, TargetGroupWeights } from './ports.ts';

/**
 * Where a driver starts: from the plan, what the routes record (tags) and their live weights.
 * Pure, so every way a driver can find a rollout (fresh, crashed in any phase, changed by hand,
 * finished) is a table test. A driver never moves weights backwards on resume and never skips a
 * gate: a resumed bake counts from the recorded verification but needs a passing tick of its own.
 */
export type StartPoint =
  | { kind: 'fresh'; lastWritten: RouteWeights }
  | {
      kind: 'resume';
      phase: 'step' | 'shift' | 'bake' | 'approval' | 'paused' | 'rollback';
      step: number;
      lastWritten: RouteWeights;
      verifiedAt?: number;
      reason?: string;
    }
  | { kind: 'done'; message: string };

export interface StartOptions {
  /** Adopt live weights that differ from what the record (or the initial split) says. */
  takeOver: boolean;
  /** Accept a record written for another version of the rollout file. */
  forceSpec: boolean;
}

const ENDED = new Set(['rolledBack', 'aborted', 'completed']);

export function decideStart(
  plan: Plan,
  specHash: string,
  record: RolloutRecord | undefined,
  live: RouteWeights,
  o: StartOptions,
): StartPoint {
  if (record && record.rollout !== plan.name) {
    throw new CutoverError('E_OTHER_ROLLOUT', `the routes carry the state of another rollout`, {
      value: record.rollout,
      hint: `rollout ${JSON.stringify(plan.name)} cannot take over a listener or rule that rollout ${JSON.stringify(record.rollout)} drives; finish or abort that one first`,
    });
  }
  if (record && !ENDED.has(record.phase) && record.specHash !== specHash && !o.forceSpec) {
    throw new CutoverError('E_SPEC_CHANGED', 'the rollout file changed since this rollout started', {
      value: `${record.specHash.slice(0, 12)} recorded, ${specHash.slice(0, 12)} now`,
      hint: 'restore the file, or pass --force-spec to go on with the new one from the recorded step',
    });
  }
  if (!record || ENDED.has(record.phase)) return startFresh(plan, specHash, record, live, o);

  const step = record.step;
  if (record.phase === 'rollingBack') {
    // Rollback writes absolute splits: whatever the live weights, writing them again is safe.
    return { kind: 'resume', phase: 'rollback', step, lastWritten: live, reason: record.reason };
  }
  if (record.phase === 'shifting' && record.target && sameSplit(plan.routes, live, record.target)) {
    // The write landed before the driver stopped: verify it now and bake from here.
    return { kind: 'resume', phase: 'bake', step, lastWritten: record.target };
  }
  if (!sameSplit(plan.routes, live, record.weights)) {
    const drift = describeDrift(plan.routes, record.weights, live);
    if (!o.takeOver) return { kind: 'resume', phase: 'paused', step, lastWritten: record.weights, reason: drift };
  }
  const lastWritten = o.takeOver ? live : record.weights;
  switch (record.phase) {
    case 'starting':
      return { kind: 'resume', phase: 'step', step, lastWritten };
    case 'shifting':
      return { kind: 'resume', phase: 'shift', step, lastWritten };
    case 'baking':
      return { kind: 'resume', phase: 'bake', step, lastWritten, verifiedAt: record.verifiedAt };
    case 'awaitingApproval':
      return { kind: 'resume', phase: 'approval', step, lastWritten };
    default:
      // paused, failed: an operator decides (resume or abort).
      return {
        kind: 'resume',
        phase: 'paused',
        step,
        lastWritten,
        reason: record.reason ?? `recorded ${record.phase}`,
      };
  }
}

function startFresh(
  plan: Plan,
  specHash: string,
  record: RolloutRecord | undefined,
  live: RouteWeights,
  o: StartOptions,
): StartPoint {
  const final = plan.steps.at(-1)?.state;
  if (
    record?.phase === 'completed' &&
    record.specHash === specHash &&
    final &&
    sameShares(plan.routes, live, splitOf(plan, final.routes))
  ) {
    return { kind: 'done', message: `rollout ${plan.name} already completed; the routes are at the final split` };
  }
  // The start is judged by shares, not integers: Terraform's `weight = 100` for blue is the same
  // split as the plan's blue=1 green=0.
  const initial = splitOf(plan, plan.initial.routes);
  if (sameShares(plan.routes, live, initial) || o.takeOver) return { kind: 'fresh', lastWritten: live };
  throw new CutoverError('E_NOT_AT_START', 'the routes are not at the rollout’s starting split', {
    value: describeDrift(plan.routes, initial, live),
    hint: 'move them back (cutover abort restores the start), or pass --take-over to start from the live weights',
  });
}

/** The plan's per-route weights (WeightState.routes) as a RouteWeights record. */
export function splitOf(_plan: Plan, routes: Array<{ route: string; targetGroups: TargetGroupWeights }>): RouteWeights {
  return Object.fromEntries(routes.map((r) => [r.route, r.targetGroups]));
}

/** Whether every route's target groups have the same weights in `a` and `b`. */
export function sameSplit(routes: readonly PlanRoute[], a: RouteWeights, b: RouteWeights): boolean {
  return routes.every((r) =>
    Object.values(r.targetGroups).every((tg) => (a[r.name]?.[tg] ?? 0) === (b[r.name]?.[tg] ?? 0)),
  );
}

/** Whether every route sends the same share of its traffic to each target group in `a` and `b`. */
export function sameShares(routes: readonly PlanRoute[], a: RouteWeights, b: RouteWeights): boolean {
  return routes.every((r) => {
    const tgs = Object.values(r.targetGroups);
    const share = (w: RouteWeights) => {
      const total = tgs.reduce((sum, tg) => sum + (w[r.name]?.[tg] ?? 0), 0);
      return tgs.map((tg) => (total > 0 ? (w[r.name]?.[tg] ?? 0) / total : 0));
    };
    const x = share(a);
    const y = share(b);
    return x.every((v, i) => Math.abs(v - y[i]!) < 1e-9);
  });
}

/** `route web: expected blue=19 green=1, found blue=10 green=10` for every route that differs. */
export function describeDrift(routes: readonly PlanRoute[], expected: RouteWeights, found: RouteWeights): string {
  const parts: string[] = [];
  for (const r of routes) {
    const show = (w: RouteWeights) =>
      Object.entries(r.targetGroups)
        .map(([cluster, tg]) => `${cluster}=${w[r.name]?.[tg] ?? 0}`)
        .join(' ');
    if (show(expected) !== show(found)) parts.push(`route ${r.name}: expected ${show(expected)}, found ${show(found)}`);
  }
  return parts.join('; ');
}
