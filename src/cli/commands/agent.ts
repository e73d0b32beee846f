import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AgentController } from '../../agent/controller.ts';
import { classifyElbError, elbTargetGroup } from '../../aws/agent-targets.ts';
import { CutoverError } from '../../errors.ts';
import { AgentCluster, AWS_LBC_BINDINGS, CUTOVER_BINDINGS } from '../../kube/agent-cluster.ts';
import { installBindingCrds } from '../../kube/crds.ts';
import { loadKubeConfig } from '../../kube/kubeconfig.ts';
import { parseDuration } from '../../spec/duration.ts';
import { clockFromEnv } from '../../util/clock.ts';
import type { CommandContext } from '../context.ts';

export interface AgentArgs {
  clusterName: string;
  context?: string;
  namespace?: string[];
  bindingApi: string;
  allowTargetGroup?: string[];
  installCrds: boolean;
  region?: string;
  resync: string;
}

/** `cutover agent`: reconciles TargetGroupBindings of one cluster until interrupted. */
export async function run(args: AgentArgs, ctx: CommandContext): Promise<number> {
  const api = args.bindingApi === 'elbv2.k8s.aws/v1beta1' ? AWS_LBC_BINDINGS : CUTOVER_BINDINGS;
  const region = args.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CutoverError('E_USAGE', 'the agent needs an AWS region', {
      hint: 'pass --region or set AWS_REGION (the region of the target groups)',
    });
  }
  const resyncMs = parseDuration(args.resync);
  const clock = clockFromEnv(ctx.env);
  const kc = loadKubeConfig(args.context);
  if (args.installCrds) await installBindingCrds(kc, api);
  const elb = new ElasticLoadBalancingV2Client({ region, retryMode: 'adaptive', maxAttempts: 6 });
  let controller: AgentController | undefined;
  const log = ctx.log.child({ cluster: args.clusterName });
  const cluster = new AgentCluster({
    kc,
    api,
    clock,
    onChange: (kind, ns, obj) => controller?.changed(kind, ns, obj.metadata?.name ?? ''),
    onError: (what, e) => log.warn({ msg: 'watch failed; restarting', what, err: e }),
  });
  controller = new AgentController(cluster.view(), elbTargetGroup(elb), {
    cluster: args.clusterName,
    guard: { cluster: args.clusterName, allow: args.allowTargetGroup ?? [] },
    namespaces: args.namespace ?? [],
    clock,
    log,
    random: Math.random,
    resyncMs,
    classify: classifyElbError,
  });
  await cluster.start();
  controller.start();
  ctx.out.line(
    `agent ${args.clusterName}: watching ${api.group}/${api.version} TargetGroupBindings${args.namespace?.length ? ` in ${args.namespace.join(', ')}` : ' in every namespace'}`,
  );
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await controller.stop();
  await cluster.stop();
  elb.destroy();
  ctx.out.line(`agent ${args.clusterName}: stopped`);
  return 0;
}
