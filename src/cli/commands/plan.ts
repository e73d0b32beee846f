import { ExitCode, InvalidInputError } from '../../errors.ts';
import { buildPlan } from '../../plan/plan.ts';
import { renderPlanText } from '../../plan/render-text.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { LoadedRollout } from '../../spec/types.ts';
import type { CommandContext } from '../context.ts';

/** `cutover plan FILE`: the steps of a rollout as a table, or the Plan object with --output json. */
export async function run(args: { file: string }, ctx: CommandContext): Promise<number> {
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
  ctx.out.result(buildPlan(loaded.rollout), renderPlanText);
  return ExitCode.ok;
}
