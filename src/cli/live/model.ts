import type { DriverEvent } from '../../engine/events.ts';
import type { MinuteTraffic } from '../../gates/tick.ts';
import type { MetricWindow } from '../../gates/windows.ts';
import type { Plan } from '../../plan/plan-types.ts';
import { formatPercent } from '../../spec/percent.ts';
import type { RolloutStatus } from '../commands/status.ts';
import { type PreflightWait, quietProgressLine } from '../progress.ts';

/**
 * What the live view shows, reduced from the driver's events (`reduceView`) or from a rollout's
 * recorded status (`cutover status --watch`). Plain JSON data: a recorded event list replays into
 * the same views, which is how the frames are tested (test/cli/live-view.test.ts).
 */
export interface LiveView {
  rollout: string;
  from: string;
  to: string;
  clusters: string[];
  routes: string[];
  /** Per step: its label (`5%`, `approve`). */
  steps: string[];
  /** Where the view comes from: the driver's own events, or the routes' tags (`status --watch`). */
  source: 'driver' | 'tags';
  /** Who drives: the driver's holder name, or the lease read from the tags. */
  driver: { holder: string; expiresAt?: number; live?: boolean } | null;
  /** The first event's time (ms). */
  startedAt: number | null;
  /** The latest event's time (ms). */
  now: number;
  /** From the tags: when the driver last recorded its state (ms), or null. */
  recordedAt: number | null;
  /** The driver's phase (or the recorded one, from the tags). */
  phase: string;
  /** Index of the step in progress (-1 before the first). */
  step: number;
  /** Why it paused, rolls back or failed (the phase event's detail, or the recorded reason). */
  detail: string | null;
  /** Weights per route and cluster, once known. */
  weights: Record<string, Record<string, number>> | null;
  /** Routes whose live weights differ from the recorded ones (status: drift). */
  drift: string[];
  /** The latest tick, as the gates judged it. */
  tick: {
    at: number;
    window: MetricWindow;
    outcome: string;
    verdicts: Array<{ outcome: string; description: string }>;
    decision: string;
  } | null;
  /** Each cluster's traffic per minute as ticks read it, in time order (a minute read twice: the later). */
  traffic: Record<string, MinuteTraffic[]>;
  /** When each split was written: a step's number (1-based), or `↩` for a rollback's. */
  writes: Array<{ at: number; mark: string }>;
  /** The highest target 5xx rate a gate allows per cluster (the rate chart's scale reaches it). */
  limits: Record<string, number>;
  nextTickAt: number | null;
  bakeEndsAt: number | null;
  /** The latest progress lines (plain-line form), newest last. */
  log: string[];
  /** From the tags: an operator command waiting to be taken, in words (status: commandText). */
  command?: string | null;
  /** A capacity wait the log has said (said again when it changes or a minute later). */
  wait: PreflightWait | null;
}

/** How many progress lines the view keeps (the frame shows as many as fit). */
export const LOG_LINES = 6;

/** A view of `plan` before any event. `holder`: the driver's name for its lease (null: unknown). */
export function initialView(plan: Plan, holder: string | null, now = 0): LiveView {
  const limits: Record<string, number> = {};
  for (const c of plan.gates.checks)
    if (c.type === 'target5xxRate') limits[c.cluster] = Math.min(limits[c.cluster] ?? 1, c.max);
  return {
    rollout: plan.name,
    from: plan.from,
    to: plan.to,
    clusters: [...plan.clusters],
    routes: plan.routes.map((r) => r.name),
    steps: plan.steps.map((s) => (s.kind === 'approve' ? 'approve' : formatPercent(s.state.toPercent / 100, 3))),
    source: 'driver',
    driver: holder === null ? null : { holder },
    startedAt: null,
    now,
    recordedAt: null,
    phase: 'starting',
    step: -1,
    detail: null,
    weights: null,
    drift: [],
    tick: null,
    traffic: {},
    writes: [],
    limits,
    nextTickAt: null,
    bakeEndsAt: null,
    log: [],
    wait: null,
  };
}

/** The view after `e`, which happened at `now` (the driver's clock). Pure; `view` is not changed. */
export function reduceView(plan: Plan, view: LiveView, e: DriverEvent, now: number): LiveView {
  const { line, wait } = quietProgressLine(plan, e, now, view.wait ?? null);
  const next: LiveView = {
    ...view,
    now,
    startedAt: view.startedAt ?? now,
    log: line ? [...view.log, line].slice(-LOG_LINES) : view.log,
    wait,
  };
  const everyRoute = (weights: Record<string, number>) =>
    Object.fromEntries(view.routes.map((r) => [r, { ...weights }]));
  switch (e.type) {
    case 'phase': {
      const baking = e.phase === 'baking';
      // Paused or awaiting approval, the gates keep ticking (the event says when, if they do).
      const ticking = baking || e.phase === 'paused' || e.phase === 'awaitingApproval';
      return {
        ...next,
        phase: e.phase,
        step: e.step,
        detail: e.detail ?? null,
        ...(e.routes ? { weights: e.routes } : {}),
        nextTickAt: ticking ? (e.nextTickAt ?? null) : null,
        bakeEndsAt: baking ? (e.bakeEndsAt ?? null) : null,
      };
    }
    case 'shifted':
      return {
        ...next,
        step: e.step,
        weights: everyRoute(e.weights),
        writes: [...view.writes, { at: now, mark: String(e.step + 1) }],
      };
    case 'rolledBackTo':
      return { ...next, weights: everyRoute(e.weights), writes: [...view.writes, { at: now, mark: '↩' }] };
    case 'tick': {
      const traffic = { ...view.traffic };
      for (const [cluster, minutes] of Object.entries(e.result.traffic ?? {})) {
        const byMinute = new Map((traffic[cluster] ?? []).map((m) => [m.startMs, m]));
        for (const m of minutes) byMinute.set(m.startMs, { ...m });
        traffic[cluster] = [...byMinute.values()].sort((a, b) => a.startMs - b.startMs);
      }
      return {
        ...next,
        step: e.step,
        traffic,
        nextTickAt: e.nextTickAt,
        tick: {
          at: e.at,
          window: e.result.window,
          outcome: e.result.outcome,
          verdicts: e.result.verdicts.map((v) => ({ outcome: v.outcome, description: v.description })),
          decision: e.decision,
        },
      };
    }
    case 'preflight':
    case 'alarm':
    case 'command':
    case 'resumed':
    case 'start':
      return next;
  }
}

/** The view with a line of the command's own in its log (the demo's `demo: …`), written at `now`. */
export function withNote(view: LiveView, text: string, now = view.now): LiveView {
  return { ...view, now, log: [...view.log, text].slice(-LOG_LINES) };
}

/** A pending operator command in words (`cutover status`): what, who, when, and who will take it. */
export function commandText(s: RolloutStatus): string {
  if (!s.command) return '';
  const taker = s.lease?.live ? `the driver ${s.lease.holder}` : 'the next `cutover run`';
  return `${s.command.command} sent by ${s.command.by} at ${s.command.at}, waiting for ${taker}`;
}

/**
 * The view `cutover status --watch` shows: what the routes' tags and live weights say (phase,
 * step, drift, the lease). No gates or traffic: only the driver reads those.
 */
export function viewOfStatus(plan: Plan, s: RolloutStatus, now: number): LiveView {
  return {
    ...initialView(plan, null, now),
    source: 'tags',
    driver: s.lease ? { holder: s.lease.holder, expiresAt: Date.parse(s.lease.expiresAt), live: s.lease.live } : null,
    phase: s.phase,
    step: s.step - 1,
    detail: s.reason,
    recordedAt: s.updatedAt === null ? null : Date.parse(s.updatedAt),
    weights: Object.fromEntries(s.routes.map((r) => [r.name, r.live])),
    drift: s.routes.filter((r) => r.drift).map((r) => r.name),
    command: s.command ? commandText(s) : null,
  };
}
