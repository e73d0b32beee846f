import type { RouteWeights } from '../../engine/ports.ts';
import { startSummary } from '../../engine/resume.ts';
import { ExitCode, InvalidInputError } from '../../errors.ts';
import { buildPlan } from '../../plan/plan.ts';
import type { Plan } from '../../plan/plan-types.ts';
import { renderPlanText } from '../../plan/render-text.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { LoadedRollout } from '../../spec/types.ts';
import { clockFromEnv } from '../../util/clock.ts';
import type { CommandContext } from '../context.ts';
import { createDriverPorts } from '../driver-wiring.ts';

/**
 * `cutover plan FILE`: the steps of a rollout as a table, or the Plan object with --output json.
 * With `--live`: also the live weights of every route, the recorded state (this rollout's or
 * another's), what the next step would write and what `cutover run` would do — start, resume,
 * or refuse and why (read-only: nothing is written and no lease is taken).
 */
export async function run(args: { file: string; live?: boolean }, ctx: CommandContext): Promise<number> {
  let loaded: LoadedRollout;
  try {
    loaded = await loadRolloutFile(args.file);
  } catch (e) {
    // With --output json a script reads stdout: it gets the problems there, as validate gives them.
    if (e instanceof InvalidInputError && ctx.out.format === 'json') {
      ctx.out.result({ ok: false, file: args.file, diagnostics: e.diagnostics }, () => '');
      return ExitCode.invalid;
    }
    // An invalid file in text mode: main prints its diagnostics and exits 2.
    throw e;
  }
  ctx.diag(loaded.warnings);
  const plan = buildPlan(loaded.rollout);
  if (!args.live) {
    ctx.out.result(plan, renderPlanText);
    return ExitCode.ok;
  }
  const live = await readLive(plan, loaded.hash, ctx);
  ctx.out.result({ plan, live }, (r) => `${renderPlanText(r.plan)}\n${renderLive(r.plan, r.live)}`);
  return ExitCode.ok;
}

interface LiveView {
  routes: Array<{ name: string; weights: Record<string, number> }>;
  /** The record on the routes: this rollout's, or (`rollout` differs) another one's. */
  record: { rollout: string; step: number; phase: string; specChanged: boolean } | null;
  /** What `cutover run FILE` would do now (without --take-over or --force-spec), in words. */
  run: { ok: boolean; detail: string };
  /** Index of the next step that writes weights, or null when none is left (or run would refuse). */
  next: number | null;
}

async function readLive(plan: Plan, specHash: string, ctx: CommandContext): Promise<LiveView> {
  const { ports, close } = createDriverPorts(plan, clockFromEnv(ctx.env));
  try {
    const routes = [];
    const live: RouteWeights = {};
    for (const r of plan.routes) {
      const w = await ports.traffic.readWeights(r);
      live[r.name] = w;
      routes.push({
        name: r.name,
        weights: Object.fromEntries(Object.entries(r.targetGroups).map(([c, tg]) => [c, w[tg] ?? 0])),
      });
    }
    const rec = await ports.state.load();
    const summary = startSummary(plan, specHash, rec, live);
    const start = summary.start;
    // The step the run would be at, and whether its own split is still to write.
    const from =
      !start || start.kind === 'done'
        ? null
        : start.kind === 'fresh' || (start.kind === 'resume' && (start.phase === 'step' || start.phase === 'shift'))
          ? start.step
          : start.phase === 'rollback'
            ? null
            : start.step + 1;
    const next = from === null ? -1 : plan.steps.findIndex((s, i) => i >= from && s.changesWeights);
    return {
      routes,
      record: rec
        ? { rollout: rec.rollout, step: rec.step, phase: rec.phase, specChanged: rec.specHash !== specHash }
        : null,
      run: { ok: summary.ok, detail: summary.text },
      next: next < 0 ? null : next,
    };
  } finally {
    close();
  }
}

function renderLive(plan: Plan, v: LiveView): string {
  const rec = v.record;
  const recorded = !rec
    ? 'nothing (not started here)'
    : rec.rollout !== plan.name
      ? `rollout ${rec.rollout}'s record, not ${plan.name}'s: step ${rec.step + 1}, ${rec.phase}`
      : `step ${rec.step + 1} of ${plan.steps.length}, ${rec.phase}${rec.specChanged ? ' (written for another version of this file)' : ''}`;
  const lines = [
    'live:',
    ...v.routes.map(
      (r) =>
        `  route ${r.name}: ${Object.entries(r.weights)
          .map(([c, w]) => `${c}=${w}`)
          .join(' ')}`,
    ),
    `  recorded: ${recorded}`,
  ];
  const step = v.next === null ? undefined : plan.steps[v.next];
  lines.push(
    !v.run.ok
      ? '  next write: none: `cutover run` would refuse to start'
      : step
        ? `  next write: step ${step.index + 1} ${Object.entries(step.state.weights)
            .map(([c, w]) => `${c}=${w}`)
            .join(' ')}`
        : '  next write: none (the rollout has no step left to write)',
    `  run: ${v.run.detail}`,
  );
  return `${lines.join('\n')}\n`;
}
