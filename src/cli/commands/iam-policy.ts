import { CutoverError, ExitCode } from '../../errors.ts';
import { agentPolicy, driverPolicy } from '../../plan/iam-policy.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';

/**
 * `cutover iam-policy FILE`: the driver's least-privilege IAM policy for this rollout, as JSON;
 * with `--agent`, the agent's (one per cluster, or the one of `--cluster`).
 */
export async function run(
  args: { file: string; agent: boolean; cluster?: string },
  ctx: CommandContext,
): Promise<number> {
  const loaded = await loadRolloutFile(args.file);
  ctx.diag(loaded.warnings);
  const clusters = loaded.rollout.spec.clusters.map((c) => c.name);
  if (args.cluster !== undefined && !clusters.includes(args.cluster)) {
    throw new CutoverError('E_USAGE', '--cluster names a cluster the rollout does not have', {
      value: args.cluster,
      hint: `clusters: ${clusters.join(', ')}`,
    });
  }
  if (args.cluster !== undefined && !args.agent) {
    throw new CutoverError('E_USAGE', '--cluster applies to --agent only', {
      hint: 'the driver has one policy for the whole rollout',
    });
  }
  const policy = !args.agent
    ? driverPolicy(loaded.rollout)
    : args.cluster !== undefined
      ? agentPolicy(loaded.rollout, args.cluster)
      : Object.fromEntries(clusters.map((c) => [c, agentPolicy(loaded.rollout, c)]));
  // An IAM policy document is JSON whatever --output says: it is meant to be saved or piped.
  ctx.out.result(policy, (p) => `${JSON.stringify(p, null, 2)}\n`);
  return ExitCode.ok;
}
