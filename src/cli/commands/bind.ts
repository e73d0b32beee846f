import { stringify } from 'yaml';
import { CutoverError, ExitCode } from '../../errors.ts';
import { applyCustomObject } from '../../kube/apply.ts';
import { loadKubeConfig } from '../../kube/kubeconfig.ts';
import { type ClusterBindings, rolloutBindings } from '../../plan/bindings.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';

export interface BindArgs {
  file: string;
  dryRun: boolean;
  cluster?: string[];
  bindingApi: string;
}

/** `cutover bind FILE`: server-side applies a binding per route into every cluster of a rollout. */
export async function run(args: BindArgs, ctx: CommandContext): Promise<number> {
  const loaded = await loadRolloutFile(args.file);
  ctx.diag(loaded.warnings);
  let plan = rolloutBindings(loaded.rollout, args.bindingApi);
  if (args.cluster?.length) {
    const known = plan.map((c) => c.cluster);
    const unknown = args.cluster.filter((c) => !known.includes(c));
    if (unknown.length) {
      throw new CutoverError('E_USAGE', `--cluster names a cluster the rollout does not have`, {
        value: unknown.join(', '),
        hint: `clusters: ${known.join(', ')}`,
      });
    }
    plan = plan.filter((c) => args.cluster!.includes(c.cluster));
  }
  if (plan.every((c) => c.bindings.length === 0)) {
    throw new CutoverError('E_NO_BINDINGS', `no route of ${args.file} has a binding block`, {
      hint: 'add `binding: {namespace, service, port}` to the routes whose pods the agent should register',
    });
  }
  if (args.dryRun) {
    ctx.out.result(plan, renderManifests);
    return ExitCode.ok;
  }
  const applied: Array<{ cluster: string; binding: string }> = [];
  for (const c of plan) {
    const kc = loadKubeConfig(c.context, ctx.env);
    for (const b of c.bindings) {
      await applyCustomObject(kc, b, 'targetgroupbindings');
      applied.push({ cluster: c.cluster, binding: `${b.metadata.namespace}/${b.metadata.name}` });
      ctx.out.line(
        `cluster ${c.cluster} (context ${c.context}): targetgroupbinding ${b.metadata.namespace}/${b.metadata.name} applied`,
      );
    }
  }
  if (ctx.out.format === 'json') ctx.out.result(applied, () => '');
  return ExitCode.ok;
}

/** Multi-document YAML, a comment naming each cluster's context (for `kubectl --context … apply -f -`). */
export function renderManifests(plan: ClusterBindings[]): string {
  return plan
    .flatMap((c) => c.bindings.map((b) => `# cluster ${c.cluster} (kubectl --context ${c.context})\n${stringify(b)}`))
    .join('---\n');
}
