import { buildPlan } from '../../plan/plan.ts';
import { renderPlanText } from '../../plan/render-text.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';

/** `cutover plan FILE`: the steps of a rollout as a table, or the Plan object with --output json. */
export async function run(args: { file: string; output: 'text' | 'json' }, ctx: CommandContext): Promise<number> {
  // An invalid file throws InvalidInputError; main prints its diagnostics and exits 2.
  const loaded = await loadRolloutFile(args.file);
  ctx.diag(loaded.warnings);
  ctx.out.result(buildPlan(loaded.rollout), renderPlanText);
  return 0;
}
