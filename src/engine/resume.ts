import { CutoverError } from '../errors.ts';
import type { Plan, PlanRoute } from '../plan/plan-types.ts';
import { formatPercent } from '../spec/percent.ts';
import type { RolloutRecord, RouteWeights, TargetGroupWeights } from './ports.ts';

/**
 * Where a driver starts: from the plan, what the routes record (tags) and their live weights.
 * Pure, so every way a driver can find a rollout (fresh, crashed in any phase, changed by hand,
 * finished, another rollout's record) is a table test. A driver never moves weights backwards
 * and never skips a gate or a weight step above the live share: a resumed bake counts from the
 * recorded verification but needs a passing tick of its own; taking over live weights, or going
 * on with a changed file, continues at a step whose `to` share is at least the live one.
 */
export type StartPoint =
  | {
      kind: 'fresh';
      /** The first step to run: 0, or with --take-over the first step at or above the live share. */
      step: number;
      lastWritten: RouteWeights;
      /** Why it starts here, in words (take-over, an ended rollout's record), for the progress. */
      note?: string;
    }
  | {
      kind: 'resume';
      phase: 'step' | 'shift' | 'bake' | 'approval' | 'paused' | 'rollback';
      step: number;
      lastWritten: RouteWeights;
      verifiedAt?: number;
      reason?: string;
      /** Why it goes on here rather than where the record says (take-over, a changed file). */
      note?: string;
    }
  | { kind: 'done'; message: string };

export interface StartOptions {
  /** Adopt live weights that differ from what the record (or the initial split) says. */
  takeOver: boolean;
  /** Accept a record written for another version of the rollout file. */
  forceSpec: boolean;
}

/** The recorded phases after which a rollout drives nothing (src/aws/state-codec.ts ROLLOUT_PHASES). */
export const ENDED_PHASES: ReadonlySet<string> = new Set(['rolledBack', 'aborted', 'completed']);

export function decideStart(
  plan: Plan,
  specHash: string,
  record: RolloutRecord | undefined,
  live: RouteWeights,
  o: StartOptions,
): StartPoint {
  if (record && record.rollout !== plan.name) {
    // An ended rollout's record is history: the routes are free if they are at our start.
    if (ENDED_PHASES.has(record.phase)) return startFresh(plan, specHash, undefined, live, o, record);
    throw otherRollout(plan, record);
  }
  const changed = record !== undefined && record.specHash !== specHash;
  if (record && !ENDED_PHASES.has(record.phase) && changed && !o.forceSpec) {
    throw new CutoverError('E_SPEC_CHANGED', 'the rollout file changed since this rollout started', {
      value: `${record.specHash.slice(0, 12)} recorded, ${specHash.slice(0, 12)} now`,
      hint: 'restore the file, or pass --force-spec to go on with the new one from the recorded step',
    });
  }
  if (!record || ENDED_PHASES.has(record.phase)) return startFresh(plan, specHash, record, live, o);

  const step = record.step;
  if (record.phase === 'rollingBack') {
    // Rollback writes absolute splits: whatever the live weights, writing them again is safe.
    return { kind: 'resume', phase: 'rollback', step, lastWritten: live, reason: record.reason };
  }
  const landed = record.phase === 'shifting' && record.target && sameSplit(plan.routes, live, record.target);
  const drift =
    landed || sameSplit(plan.routes, live, record.weights)
      ? undefined
      : describeDrift(plan.routes, record.weights, live);
  if (drift && !o.takeOver) {
    const at = changed ? continueAt(plan, live, step) : step;
    return { kind: 'resume', phase: 'paused', step: at, lastWritten: record.weights, reason: drift };
  }
  if (record.phase === 'paused' || record.phase === 'failed') {
    // An operator decides (resume or abort); with a changed file, at the step it would go on with.
    return {
      kind: 'resume',
      phase: 'paused',
      step: changed ? continueAt(plan, live, step) : step,
      lastWritten: drift ? live : record.weights,
      reason: record.reason ?? `recorded ${record.phase}`,
    };
  }
  if (changed) return resumeChangedSpec(plan, record, live);
  if (drift) return takeOverRecorded(plan, record, live);

  if (landed) {
    // The write landed before the driver stopped: verify it now and bake from here.
    return { kind: 'resume', phase: 'bake', step, lastWritten: record.target! };
  }
  const lastWritten = record.weights;
  switch (record.phase) {
    case 'starting':
      return { kind: 'resume', phase: 'step', step, lastWritten };
    case 'shifting':
      return { kind: 'resume', phase: 'shift', step, lastWritten };
    case 'baking':
      return { kind: 'resume', phase: 'bake', step, lastWritten, verifiedAt: record.verifiedAt };
    default:
      return { kind: 'resume', phase: 'approval', step, lastWritten };
  }
}

/** A live rollout of another name drives these routes: refused, saying which and what to do. */
function otherRollout(plan: Plan, record: RolloutRecord): CutoverError {
  const other = JSON.stringify(record.rollout);
  return new CutoverError(
    'E_OTHER_ROLLOUT',
    `the routes carry rollout ${other}, which has not ended (${record.phase}, step ${Math.max(0, record.step + 1)})`,
    {
      value: record.rollout,
      hint: `rollout ${JSON.stringify(plan.name)} can start once ${other} has ended: wait for it to complete, or roll it back with \`cutover abort <its file>\` (the file of rollout ${other}); \`cutover status <its file>\` shows where it is`,
    },
  );
}

/**
 * The index a rollout goes on at when the live weights are not what it last wrote itself (a
 * take-over, a changed file): `from` (the recorded step) when the live split is that step's;
 * otherwise the first step whose `to` share is above the live one when `from` is above it (no
 * step between the live share and `from`'s is skipped), else the first step at or above the live
 * share (weights never move backwards). When every step is below the live share (a partial
 * rollout whose last step is below a hand-set split) nothing fits: refused, never lowered.
 */
export function continueAt(plan: Plan, live: RouteWeights, from: number): number {
  const n = plan.steps.length;
  const k = Math.min(Math.max(from, 0), n - 1);
  if (sameShares(plan.routes, live, stepSplit(plan, k))) return k;
  const L = toShare(plan, live);
  const first = (ok: (share: number) => boolean) =>
    plan.steps.findIndex((_, i) => ok(toShare(plan, stepSplit(plan, i))));
  const i = toShare(plan, stepSplit(plan, k)) > L + EPS ? first((s) => s > L + EPS) : first((s) => s >= L - EPS);
  if (i >= 0) return i;
  const last = toShare(plan, stepSplit(plan, n - 1));
  throw new CutoverError(
    'E_LIVE_BEYOND_PLAN',
    `the live split sends ${pct(L)} to ${plan.to}, more than every step of rollout ${JSON.stringify(plan.name)} (its last step: ${pct(last)})`,
    {
      value: pct(L),
      hint: `cutover never lowers the share of the cluster traffic moves to: set the weights back to a split at or below ${pct(last)} ${plan.to}, or add a step that reaches ${pct(L)}`,
    },
  );
}

/** A record of this rollout, written for another version of the file (--force-spec). */
function resumeChangedSpec(plan: Plan, record: RolloutRecord, live: RouteWeights): StartPoint {
  const k = record.step;
  const j = continueAt(plan, live, k);
  const s = plan.steps[j]!;
  const recorded = k >= plan.steps.length ? `step ${k + 1} (this file has ${plan.steps.length})` : stepName(plan, k);
  const what = s.kind === 'approve' ? 'an approval' : `a ${pct(s.state.toPercent / 100)} weight step`;
  const note = `the rollout file changed (--force-spec): recorded ${record.phase} at ${recorded}; live ${pct(toShare(plan, live))} ${plan.to}: going on at ${stepName(plan, j)}, ${what} in this file`;
  return resumeAt(plan, live, j, note);
}

/** --take-over of this rollout's record after a hand edit: adopt the live weights, never go below them. */
function takeOverRecorded(plan: Plan, record: RolloutRecord, live: RouteWeights): StartPoint {
  const j = continueAt(plan, live, record.step);
  const note = `taking over at ${pct(toShare(plan, live))} ${plan.to} (recorded ${record.phase} at ${stepName(plan, record.step)}): continuing at ${stepName(plan, j)} (${pct(plan.steps[j]!.state.toPercent / 100)})`;
  if (j === record.step && record.phase === 'baking' && sameShares(plan.routes, live, stepSplit(plan, j))) {
    // The same shares in other integers: the bake goes on from its recorded verification.
    return { kind: 'resume', phase: 'bake', step: j, lastWritten: live, verifiedAt: record.verifiedAt, note };
  }
  return resumeAt(plan, live, j, note);
}

/** Going on at step `j` from the live weights: an approval at its split waits, anything else runs the step. */
function resumeAt(plan: Plan, live: RouteWeights, j: number, note: string): StartPoint {
  const s = plan.steps[j]!;
  if (s.kind === 'approve' && sameShares(plan.routes, live, stepSplit(plan, j))) {
    return { kind: 'resume', phase: 'approval', step: j, lastWritten: live, note };
  }
  // Preflight, write (or read back when the split is in place), verify and bake step j.
  return { kind: 'resume', phase: 'step', step: j, lastWritten: live, note };
}

function startFresh(
  plan: Plan,
  specHash: string,
  record: RolloutRecord | undefined,
  live: RouteWeights,
  o: StartOptions,
  /** An ended record of another rollout on these routes. */
  previous?: RolloutRecord,
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
  const after = previous
    ? `the routes carry the record of rollout ${previous.rollout}, which has ended (${previous.phase}); `
    : '';
  // The start is judged by shares, not integers: Terraform's `weight = 100` for blue is the same
  // split as the plan's blue=1 green=0.
  const initial = splitOf(plan, plan.initial.routes);
  if (sameShares(plan.routes, live, initial)) {
    return {
      kind: 'fresh',
      step: 0,
      lastWritten: live,
      ...(previous ? { note: `${after}starting ${plan.name} at its starting split` } : {}),
    };
  }
  const j = continueAt(plan, live, 0);
  if (o.takeOver) {
    return { kind: 'fresh', step: j, lastWritten: live, note: `${after}${takeOverText(plan, live, j)}` };
  }
  throw new CutoverError('E_NOT_AT_START', 'the routes are not at the rollout’s starting split', {
    value: describeDrift(plan.routes, initial, live),
    hint: `pass --take-over to adopt the live split (${pct(toShare(plan, live))} ${plan.to}) and continue at ${stepName(plan, j)} (${pct(plan.steps[j]!.state.toPercent / 100)}), or set the weights back to the starting split (${splitText(plan, initial)}) and run again`,
  });
}

/** `taking over at 10% green: continuing at step 2/4 (25%)`. */
export function takeOverText(plan: Plan, live: RouteWeights, j: number): string {
  const s = plan.steps[j]!;
  const above = toShare(plan, stepSplit(plan, j)) + EPS >= toShare(plan, live);
  return `taking over at ${pct(toShare(plan, live))} ${plan.to}: continuing at ${above ? '' : 'the last step, '}${stepName(plan, j)} (${pct(s.state.toPercent / 100)})`;
}

/**
 * What `cutover run` would do now, in words, for `status` and `plan --live` (read-only: the
 * same decision the driver makes, without --take-over or --force-spec).
 */
export function startSummary(
  plan: Plan,
  specHash: string,
  record: RolloutRecord | undefined,
  live: RouteWeights,
): { ok: boolean; text: string; start?: StartPoint } {
  try {
    const s = decideStart(plan, specHash, record, live, { takeOver: false, forceSpec: false });
    if (s.kind === 'done') return { ok: true, text: `nothing to do: ${s.message}`, start: s };
    if (s.kind === 'fresh') return { ok: true, text: `it would start at ${stepName(plan, s.step)}`, start: s };
    const at = stepName(plan, s.step);
    const how: Record<typeof s.phase, string> = {
      step: `go on at ${at}`,
      shift: `write ${at} again`,
      bake: `resume the bake of ${at}`,
      approval: `wait for approval at ${at}`,
      paused: `resume at ${at}, paused${s.reason ? ` (${s.reason})` : ''}`,
      rollback: `resume the rollback from ${at}`,
    };
    return { ok: true, text: `it would ${how[s.phase]}`, start: s };
  } catch (e) {
    if (!(e instanceof CutoverError)) throw e;
    const value =
      e.value === undefined ? '' : ` (got ${typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value)})`;
    return { ok: false, text: `it would refuse: ${e.message}${value}; ${e.hint ?? ''}`.replace(/; $/, '') };
  }
}

const EPS = 1e-9;

/** The share (0–1) of `plan.to` in `w`: the highest over the routes (they move in lockstep). */
export function toShare(plan: Plan, w: RouteWeights): number {
  let max = 0;
  for (const r of plan.routes) {
    const tgs = Object.values(r.targetGroups);
    const total = tgs.reduce((sum, tg) => sum + (w[r.name]?.[tg] ?? 0), 0);
    const to = r.targetGroups[plan.to];
    if (total > 0 && to) max = Math.max(max, (w[r.name]?.[to] ?? 0) / total);
  }
  return max;
}

function stepSplit(plan: Plan, i: number): RouteWeights {
  return splitOf(plan, plan.steps[i]!.state.routes);
}

/** `step 2/4`, steps counted from 1 as `cutover plan` prints them. */
function stepName(plan: Plan, i: number): string {
  return `step ${Math.min(Math.max(i, 0) + 1, plan.steps.length)}/${plan.steps.length}`;
}

function pct(fraction: number): string {
  return formatPercent(fraction, 1);
}

/** `route web: blue=1 green=0`, every route. */
function splitText(plan: Plan, w: RouteWeights): string {
  return plan.routes
    .map(
      (r) =>
        `route ${r.name}: ${Object.entries(r.targetGroups)
          .map(([cluster, tg]) => `${cluster}=${w[r.name]?.[tg] ?? 0}`)
          .join(' ')}`,
    )
    .join('; ');
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
