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
 * With `--live`: also the live weights of every route, the recorded state, and what the next
 * step would write (read-only: nothing is written and no lease is taken).
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
  const live = await readLive(plan, ctx);
  ctx.out.result({ plan, live }, (r) => `${renderPlanText(r.plan)}\n${renderLive(r.plan, r.live)}`);
  return ExitCode.ok;
}

interface LiveView {
  routes: Array<{ name: string; weights: Record<string, number> }>;
  record: { step: number; phase: string } | null;
  /** Index of the next step that writes weights, or null when none is left. */
  next: number | null;
}

async function readLive(plan: Plan, ctx: CommandContext): Promise<LiveView> {
  const { ports, close } = createDriverPorts(plan, clockFromEnv(ctx.env));
  try {
    const routes = [];
    for (const r of plan.routes) {
      const w = await ports.traffic.readWeights(r);
      routes.push({
        name: r.name,
        weights: Object.fromEntries(Object.entries(r.targetGroups).map(([c, tg]) => [c, w[tg] ?? 0])),
      });
    }
    const rec = await ports.state.load();
    const ended = rec && ['completed', 'rolledBack', 'aborted'].includes(rec.phase);
    const from = !rec || ended ? 0 : rec.phase === 'shifting' || rec.phase === 'starting' ? rec.step : rec.step + 1;
    const next = plan.steps.findIndex((s, i) => i >= from && s.changesWeights);
    return {
      routes,
      record: rec ? { step: rec.step, phase: rec.phase } : null,
      next: next < 0 || (ended && rec?.phase === 'completed') ? null : next,
    };
  } finally {
    close();
  }
}

function renderLive(plan: Plan, v: LiveView): string {
  const lines = [
    'live:',
    ...v.routes.map(
      (r) =>
        `  route ${r.name}: ${Object.entries(r.weights)
          .map(([c, w]) => `${c}=${w}`)
          .join(' ')}`,
    ),
    `  recorded: ${v.record ? `step ${v.record.step + 1} of ${plan.steps.length}, ${v.record.phase}` : 'nothing (not started here)'}`,
  ];
  const step = v.next === null ? undefined : plan.steps[v.next];
  lines.push(
    step
      ? `  next write: step ${step.index + 1} ${Object.entries(step.state.weights)
          .map(([c, w]) => `${c}=${w}`)
          .join(' ')}`
      : '  next write: none (the rollout has no step left to write)',
  );
  return `${lines.join('\n')}\n`;
}
