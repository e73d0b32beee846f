import { runDriver } from '../../engine/driver.ts';
import { CutoverError } from '../../errors.ts';
import { buildPlan } from '../../plan/plan.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import { clockFromEnv } from '../../util/clock.ts';
import type { CommandContext } from '../context.ts';
import { createDriverPorts, holderName } from '../driver-wiring.ts';
import { exitCodeOf, progressLine, summaryLine } from '../progress.ts';

export interface RunArgs {
  file: string;
  yes: boolean;
  takeOver: boolean;
  forceSpec: boolean;
}

/**
 * `cutover run FILE`: drives the rollout to its end — completed (0), rolled back by a gate, an
 * alarm or a short preflight (3), aborted by an operator (4). Progress goes to stdout as lines
 * (or one JSON event per line with --output json); a crash or Ctrl-C leaves the state on the
 * routes' tags, and running it again resumes.
 */
export async function run(args: RunArgs, ctx: CommandContext): Promise<number> {
  const loaded = await loadRolloutFile(args.file);
  ctx.diag(loaded.warnings);
  if (!args.yes && !ctx.out.isTTY) {
    throw new CutoverError('E_USAGE', '"cutover run" moves live traffic: confirm with --yes when not at a terminal', {
      hint: `review \`cutover plan ${args.file}\`, then run \`cutover run ${args.file} --yes\``,
    });
  }
  const holder = holderName(ctx.env);
  const plan = buildPlan(loaded.rollout);
  const clock = clockFromEnv(ctx.env);
  const { ports, close } = createDriverPorts(plan, clock);
  try {
    const json = ctx.out.format === 'json';
    const result = await runDriver({
      plan,
      specHash: loaded.hash,
      ports,
      clock,
      holder,
      options: { takeOver: args.takeOver, forceSpec: args.forceSpec },
      signal: ctx.signal,
      onEvent: (e) => {
        if (json) ctx.out.json({ ...e, time: new Date(clock.now()).toISOString() });
        else {
          const line = progressLine(plan, e, clock.now());
          if (line) ctx.out.line(line);
        }
      },
    });
    if (result.outcome === 'failed' && !result.interrupted && result.error) throw result.error;
    if (json)
      ctx.out.json({
        type: 'result',
        ...result,
        error: result.error instanceof Error ? result.error.message : undefined,
      });
    else ctx.out.line(summaryLine(plan, result));
    return exitCodeOf(result);
  } finally {
    close();
  }
}
