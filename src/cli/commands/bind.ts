import { stringify } from 'yaml';
import { CutoverError, ExitCode, isCutoverError } from '../../errors.ts';
import { type BindingApi, bindingApiOf } from '../../kube/agent-cluster.ts';
import { applyCustomObject } from '../../kube/apply.ts';
import { missingCrdError, servesBindingApi } from '../../kube/crds.ts';
import { kubeError, notFoundKind, serverOf } from '../../kube/errors.ts';
import { loadKubeConfig } from '../../kube/kubeconfig.ts';
import { type BindingManifest, type ClusterBindings, rolloutBindings } from '../../plan/bindings.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';

/** A cluster's kubeconfig, switched to its context. */
type KubeConfig = ReturnType<typeof loadKubeConfig>;

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
  const api = bindingApiOf(args.bindingApi);
  const clusters = await checkClusters(
    plan.filter((c) => c.bindings.length > 0),
    api,
    args.file,
    ctx,
  );
  const applied: Array<{ cluster: string; binding: string }> = [];
  for (const { c, kc } of clusters) {
    for (const b of c.bindings) {
      await applyBinding(kc, c, b, api, false);
      applied.push({ cluster: c.cluster, binding: `${b.metadata.namespace}/${b.metadata.name}` });
      ctx.out.line(
        `cluster ${c.cluster} (context ${c.context}): targetgroupbinding ${b.metadata.namespace}/${b.metadata.name} applied`,
      );
    }
  }
  if (ctx.out.format === 'json') ctx.out.result(applied, () => '');
  return ExitCode.ok;
}

/**
 * Every cluster is checked before anything is applied, so a bad second cluster never leaves the
 * first one bound alone: its kubeconfig context exists, its API server answers and serves the
 * binding API (clusters lacking the CRD are named together), and a server-side dry run of each
 * binding passes (RBAC, namespace, the CRD's validation).
 */
async function checkClusters(
  plan: ClusterBindings[],
  api: BindingApi,
  file: string,
  ctx: CommandContext,
): Promise<Array<{ c: ClusterBindings; kc: KubeConfig }>> {
  const clusters = plan.map((c) => {
    try {
      return { c, kc: loadKubeConfig(c.context, ctx.env) };
    } catch (e) {
      if (isCutoverError(e) && e.code === 'E_KUBE_CONTEXT') {
        throw new CutoverError(e.code, `cluster ${c.cluster}: ${e.message}`, {
          value: e.value,
          hint: `${e.hint}; or change spec.clusters[].context of cluster ${c.cluster} in ${file}`,
        });
      }
      throw e;
    }
  });
  const served = await Promise.allSettled(
    clusters.map(({ c, kc }) => servesBindingApi(kc, api, { cluster: c.cluster, context: c.context })),
  );
  const failed = served.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const lacking = clusters.filter((_, i) => (served[i] as PromiseFulfilledResult<boolean>).value === false);
  if (lacking.length) {
    throw missingCrdError(
      api,
      lacking.map(({ c }) => ({ cluster: c.cluster, context: c.context })),
      ctx.cwd,
    );
  }
  for (const { c, kc } of clusters) {
    for (const b of c.bindings) await applyBinding(kc, c, b, api, true);
  }
  return clusters;
}

/** Server-side apply of one binding (or its dry run), its failure said in the cluster's terms. */
async function applyBinding(
  kc: KubeConfig,
  c: ClusterBindings,
  b: BindingManifest,
  api: BindingApi,
  dryRun: boolean,
): Promise<void> {
  const namespace = b.metadata.namespace;
  try {
    await applyCustomObject(kc, b, api.plural, true, dryRun);
  } catch (e) {
    if (notFoundKind(e) === 'namespaces') {
      throw new CutoverError(
        'E_KUBE_NO_NAMESPACE',
        `namespace ${namespace} does not exist in cluster ${c.cluster} (context ${c.context}), so its targetgroupbinding ${namespace}/${b.metadata.name} cannot be applied`,
        {
          value: namespace,
          hint: `create it (kubectl --context ${c.context} create namespace ${namespace}), or fix the route's binding.namespace`,
        },
      );
    }
    throw kubeError(e, {
      cluster: c.cluster,
      context: c.context,
      server: serverOf(kc),
      verb: 'patch',
      resource: `${api.plural}.${api.group}`,
      namespace,
    });
  }
}

/** Multi-document YAML, a comment naming each cluster's context (for `kubectl --context … apply -f -`). */
export function renderManifests(plan: ClusterBindings[]): string {
  return plan
    .flatMap((c) => c.bindings.map((b) => `# cluster ${c.cluster} (kubectl --context ${c.context})\n${stringify(b)}`))
    .join('---\n');
}
