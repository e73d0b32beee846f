import { ExitCode } from '../../errors.ts';
import { driverPolicy } from '../../plan/iam-policy.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';

/** `cutover iam-policy FILE`: the driver's least-privilege IAM policy for this rollout, as JSON. */
export async function run(args: { file: string }, ctx: CommandContext): Promise<number> {
  const loaded = await loadRolloutFile(args.file);
  ctx.diag(loaded.warnings);
  // An IAM policy document is JSON whatever --output says: it is meant to be saved or piped.
  ctx.out.result(driverPolicy(loaded.rollout), (p) => `${JSON.stringify(p, null, 2)}\n`);
  return ExitCode.ok;
}
