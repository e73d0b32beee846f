import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { BindingCheck, BindingPort } from '../engine/ports.ts';
import type { RolloutSpec } from '../spec/types.ts';
import { AWS_LBC_BINDINGS, type BindingApi, CUTOVER_BINDINGS } from './agent-cluster.ts';
import { loadKubeConfig } from './kubeconfig.ts';

/**
 * The driver's preflight look at a route's TargetGroupBinding in each cluster (ARCHITECTURE §2):
 * the binding — cutover's own or the AWS Load Balancer Controller's, whichever registers the
 * cluster's pods into the route's target group — must be reconciled for its current generation
 * before that cluster's share rises. A cluster the driver cannot ask (no such context, API server
 * unreachable, forbidden, no binding CRD at all) is `unchecked`: target health alone guards it, so a
 * driver in CI without cluster access still runs.
 */
interface RawBinding {
  metadata?: { name?: string; namespace?: string; generation?: number; deletionTimestamp?: string };
  spec?: { serviceRef?: { name?: string }; targetGroupARN?: string; targetGroupName?: string };
  status?: {
    observedGeneration?: number;
    targetGroupARN?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

/** A request to a cluster that takes longer than this counts as unreachable. */
const REQUEST_TIMEOUT_MS = 5_000;

export function createBindingPort(
  rollout: RolloutSpec,
  env: NodeJS.ProcessEnv,
  /** Injected for tests: the kubeconfig of a context (loadKubeConfig by default). */
  kubeConfigOf: (context: string) => KubeConfig = (context) => loadKubeConfig(context, env),
): BindingPort {
  const contexts = new Map(rollout.spec.clusters.map((c) => [c.name, c.context]));
  const routes = new Map(rollout.spec.routes.map((r) => [r.name, r]));
  const apis = new Map<string, CustomObjectsApi | Error>();
  const apiOf = (context: string): CustomObjectsApi | Error => {
    let api = apis.get(context);
    if (!api) {
      try {
        api = kubeConfigOf(context).makeApiClient(CustomObjectsApi);
      } catch (e) {
        api = e instanceof Error ? e : new Error(String(e));
      }
      apis.set(context, api);
    }
    return api;
  };
  return {
    async check(routeName, cluster): Promise<BindingCheck> {
      const route = routes.get(routeName);
      const context = contexts.get(cluster);
      const tg = route?.targetGroups[cluster];
      if (!route?.binding || !context || !tg) return { kind: 'none' };
      const api = apiOf(context);
      if (api instanceof Error) return { kind: 'unchecked', detail: `context ${context}: ${api.message}` };
      const { namespace, service } = route.binding;
      const found: Array<{ api: BindingApi; b: RawBinding }> = [];
      let crds = 0;
      for (const which of [CUTOVER_BINDINGS, AWS_LBC_BINDINGS]) {
        let list: { items?: RawBinding[] };
        try {
          list = (await withTimeout(api.listNamespacedCustomObject({ ...which, namespace }))) as {
            items?: RawBinding[];
          };
        } catch (e) {
          const code = (e as { code?: number }).code;
          if (code === 404) continue; // this binding API is not installed in the cluster
          return { kind: 'unchecked', detail: `context ${context}: ${unreachable(e, which)}` };
        }
        crds++;
        for (const b of list.items ?? []) if (bindsGroup(b, tg)) found.push({ api: which, b });
      }
      if (crds === 0) {
        return { kind: 'unchecked', detail: `context ${context} has no TargetGroupBinding CRD installed` };
      }
      if (found.length === 0) {
        return {
          kind: 'missing',
          detail: `no TargetGroupBinding in namespace ${namespace} of context ${context} registers Service ${service} into ${tgName(tg)} (apply it with \`cutover bind\`, and run \`cutover agent\` there)`,
        };
      }
      // Any one binding of the group that is reconciled will do (a team may have moved from the
      // AWS controller's binding to cutover's; both register the same pods).
      const verdicts = found.map(({ api, b }) => judge(b, api));
      return verdicts.find((v) => v.kind === 'ready') ?? verdicts[0]!;
    },
  };
}

function bindsGroup(b: RawBinding, tg: string): boolean {
  return b.spec?.targetGroupARN === tg || b.status?.targetGroupARN === tg || b.spec?.targetGroupName === tgName(tg);
}

/** The name part of a target group ARN (`…:targetgroup/<name>/<id>`). */
function tgName(arn: string): string {
  return arn.split(':').at(-1)?.split('/')[1] ?? arn;
}

/**
 * Reconciled = the Ready condition is True for the current generation (cutover's agent), or —
 * for the AWS Load Balancer Controller, whose status has only observedGeneration — the current
 * generation was observed.
 */
function judge(b: RawBinding, api: BindingApi): BindingCheck {
  const name = `${api.group} binding ${b.metadata?.namespace}/${b.metadata?.name}`;
  const generation = b.metadata?.generation ?? 0;
  const observed = b.status?.observedGeneration;
  if (b.metadata?.deletionTimestamp) return { kind: 'notReady', detail: `${name} is being deleted` };
  if (observed === undefined || observed < generation) {
    return {
      kind: 'notReady',
      detail: `${name} is not reconciled yet (observedGeneration ${observed ?? 'none'}, generation ${generation}); is an agent running in that cluster?`,
    };
  }
  const ready = b.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True') {
    return {
      kind: 'notReady',
      detail: `${name} is Ready=${ready.status}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`,
    };
  }
  return { kind: 'ready', detail: `${name} reconciled (generation ${generation})` };
}

function unreachable(e: unknown, api: BindingApi): string {
  const code = (e as { code?: number }).code;
  if (code === 401 || code === 403) {
    return `not allowed to list ${api.plural}.${api.group} (HTTP ${code}); grant the driver's identity list on them to have bindings checked`;
  }
  const message = e instanceof Error ? e.message : String(e);
  return `cannot reach the API server (${code ? `HTTP ${code}: ` : ''}${message.split('\n')[0]})`;
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
