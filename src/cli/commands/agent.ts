import { AgentController } from '../../agent/controller.ts';
import { AgentMetrics } from '../../agent/metrics.ts';
import type { TargetGroupPort } from '../../agent/ports.ts';
import { admitPod, WEBHOOK_PATH } from '../../agent/webhook.ts';
import { agentElbClient, classifyElbError, elbTargetGroup } from '../../aws/agent-targets.ts';
import { type AwsClients, createAwsClients } from '../../aws/index.ts';
import { CutoverError } from '../../errors.ts';
import { AgentCluster, bindingApiOf } from '../../kube/agent-cluster.ts';
import { installBindingCrds, missingCrdError, servesBindingApi } from '../../kube/crds.ts';
import { loadKubeConfig } from '../../kube/kubeconfig.ts';
import { campaign } from '../../kube/leader.ts';
import { type OpsServer, startOpsServer } from '../../kube/ops-server.ts';
import { checkCertPair, startWebhookServer, type WebhookServer } from '../../kube/webhook-server.ts';
import { parseDuration } from '../../spec/duration.ts';
import { clockFromEnv } from '../../util/clock.ts';
import type { CommandContext } from '../context.ts';
import { untilAborted } from '../until-aborted.ts';

export interface AgentArgs {
  clusterName: string;
  context?: string;
  namespace?: string[];
  bindingApi: string;
  allowTargetGroup?: string[];
  installCrds: boolean;
  region?: string;
  resync: string;
  healthRefresh: string;
  opsAddr?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  webhookPort?: number;
  webhookCertDir?: string;
}

/** `cutover agent`: reconciles TargetGroupBindings of one cluster until interrupted. */
export async function run(args: AgentArgs, ctx: CommandContext): Promise<number> {
  const api = bindingApiOf(args.bindingApi);
  const region = args.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CutoverError('E_USAGE', 'the agent needs an AWS region', {
      hint: 'pass --region or set AWS_REGION (the region of the target groups)',
    });
  }
  const resyncMs = parseDuration(args.resync);
  const healthRefreshMs = args.healthRefresh === '0' ? 0 : parseDuration(args.healthRefresh);
  const webhook = webhookSettings(args, ctx.env);
  const clock = clockFromEnv(ctx.env);
  const kc = loadKubeConfig(args.context, ctx.env);
  // The API server must answer and serve the binding API before anything starts: informers would
  // otherwise retry a missing CRD or an unreachable server forever, warning in the log.
  const where = { cluster: args.clusterName, context: kc.getCurrentContext() };
  if (args.installCrds) await installBindingCrds(kc, api, where);
  else if (!(await servesBindingApi(kc, api, where))) throw missingCrdError(api, [where], ctx.cwd);
  const elb = agentElbClient(region);
  let controller: AgentController | undefined;
  // Changes reach the controller only once this replica reconciles and starts every informer: the
  // webhook's caches (bindings, Services) may run earlier — on a standby, or before the pod and
  // slice caches are listed — and must not trigger a reconcile on half-filled caches.
  let reconciling = false;
  const log = ctx.log.child({ cluster: args.clusterName });
  const cluster = new AgentCluster({
    kc,
    api,
    clock,
    onChange: (kind, ns, obj) => {
      if (reconciling) controller?.changed(kind, ns, obj.metadata?.name ?? '');
    },
    onError: (what, e) => log.warn({ msg: 'watch failed; restarting', what, err: e }),
  });
  const metrics = new AgentMetrics();
  const rolePorts = new Map<string, TargetGroupPort>();
  const roleClients: AwsClients[] = [];
  controller = new AgentController(cluster.view(), metrics.instrument(elbTargetGroup(elb)), {
    cluster: args.clusterName,
    guard: { cluster: args.clusterName, allow: args.allowTargetGroup ?? [] },
    namespaces: args.namespace ?? [],
    clock,
    log,
    random: Math.random,
    resyncMs,
    healthRefreshMs,
    classify: classifyElbError,
    metrics,
    portFor: (role) => {
      // One client per role, its credentials cached and refreshed before they expire.
      const key = `${role.roleArn}\n${role.externalId ?? ''}`;
      let port = rolePorts.get(key);
      if (!port) {
        const clients = createAwsClients({ region, clock, assumeRole: role });
        roleClients.push(clients);
        port = metrics.instrument(elbTargetGroup(clients.elbv2));
        rolePorts.set(key, port);
      }
      return port;
    },
  });
  let synced = false;
  let hookSynced = false;
  // Ready when this replica does its part: reconciling (every cache synced), or — a standby with
  // the webhook on — answering admissions (bindings and Services synced), so the webhook's
  // Service sends admission calls to every replica, not only the leader.
  const ops = args.opsAddr ? await startOps(args.opsAddr, () => synced || hookSynced, metrics) : undefined;
  let hook: WebhookServer | undefined;
  if (webhook) {
    await cluster.start(['binding', 'service']);
    hookSynced = true;
    const hookLog = log.child({ component: 'webhook' });
    hook = await startWebhookServer({
      host: '0.0.0.0',
      port: webhook.port,
      certDir: webhook.certDir,
      path: WEBHOOK_PATH,
      admit: (review) =>
        admitPod(
          review,
          cluster.webhookView(),
          { apiVersion: `${api.group}/${api.version}`, namespaces: args.namespace ?? [] },
          hookLog,
        ),
      onReload: (r) =>
        r.ok
          ? hookLog.info({ msg: 'webhook certificate reloaded', certDir: webhook.certDir })
          : hookLog.warn({
              msg: 'webhook certificate not reloaded; serving the previous one',
              certDir: webhook.certDir,
              err: r.err,
            }),
    });
    ctx.out.line(
      `agent ${args.clusterName}: readiness-gate webhook on ${hook.url}${WEBHOOK_PATH} (certificate from ${webhook.certDir})`,
    );
  }
  const leaseNamespace = args.leaderElectionNamespace ?? ctx.env.POD_NAMESPACE ?? 'cutover-system';
  const leadership = args.leaderElect
    ? campaign({
        kc,
        namespace: leaseNamespace,
        name: `cutover-agent-${args.clusterName}`,
        identity: `${ctx.env.HOSTNAME ?? 'agent'}-${process.pid}`,
        clock,
        onError: (e) => {
          const code = (e as { code?: number }).code;
          const why =
            code === 403
              ? 'forbidden (check the Role for leases in that namespace)'
              : code === 404
                ? `not found (does the namespace ${leaseNamespace} exist? --leader-election-namespace sets it)`
                : e instanceof Error
                  ? e.message.split('\n')[0]
                  : String(e);
          log.warn({ msg: 'leader election failed; retrying', err: e });
          ctx.out.line(
            `agent ${args.clusterName}: cannot take the leader-election lease ${leaseNamespace}/cutover-agent-${args.clusterName}: ${code ? `HTTP ${code} ` : ''}${why}; retrying every 2 s`,
          );
        },
      })
    : undefined;
  if (leadership) {
    ctx.out.line(`agent ${args.clusterName}: waiting to lead (lease cutover-agent-${args.clusterName})`);
    const led = await Promise.race([leadership.acquired.then(() => true), untilAborted(ctx.signal).then(() => false)]);
    if (!led) {
      await leadership.stop();
      await hook?.close();
      await cluster.stop();
      await ops?.close();
      return 0;
    }
  }
  reconciling = true;
  await cluster.start();
  synced = true;
  controller.start();
  if (ops) ctx.out.line(`agent ${args.clusterName}: /healthz, /readyz and /metrics on ${ops.url}`);
  ctx.out.line(
    `agent ${args.clusterName}: watching ${api.group}/${api.version} TargetGroupBindings${args.namespace?.length ? ` in ${args.namespace.join(', ')}` : ' in every namespace'}`,
  );
  const lost = await Promise.race([
    untilAborted(ctx.signal).then(() => undefined),
    leadership?.lost ?? new Promise<never>(() => {}),
  ]);
  await controller.stop();
  await hook?.close();
  await cluster.stop();
  await leadership?.stop();
  await ops?.close();
  if (lost) {
    throw new CutoverError('E_LEADERSHIP_LOST', `agent ${args.clusterName} lost leadership: ${lost}`, {
      hint: 'another replica leads now; this one exits so it restarts as a standby',
      exitCode: 1,
    });
  }
  elb.destroy();
  for (const c of roleClients) c.destroy();
  ctx.out.line(`agent ${args.clusterName}: stopped`);
  return 0;
}

/**
 * The webhook's port and certificate directory: the flags, else CUTOVER_WEBHOOK_PORT and
 * CUTOVER_WEBHOOK_CERT_DIR (what deploy/webhook sets, so it works whatever args an overlay
 * gives the container). No port: no webhook. The certificate pair is read here, so a missing or
 * unreadable one stops the agent before it starts anything.
 */
function webhookSettings(args: AgentArgs, env: NodeJS.ProcessEnv): { port: number; certDir: string } | undefined {
  const raw = args.webhookPort ?? (env.CUTOVER_WEBHOOK_PORT ? Number(env.CUTOVER_WEBHOOK_PORT) : undefined);
  const certDir = args.webhookCertDir ?? env.CUTOVER_WEBHOOK_CERT_DIR;
  if (raw === undefined) {
    if (args.webhookCertDir !== undefined) {
      throw new CutoverError('E_USAGE', '--webhook-cert-dir needs --webhook-port', {
        hint: 'e.g. --webhook-port 9443 --webhook-cert-dir /etc/cutover/webhook-certs',
      });
    }
    return undefined;
  }
  if (!Number.isInteger(raw) || raw < 0 || raw > 65535) {
    throw new CutoverError('E_USAGE', '--webhook-port must be a port number from 0 to 65535', {
      value: args.webhookPort ?? env.CUTOVER_WEBHOOK_PORT,
      hint: 'e.g. 9443 (0: any free port)',
    });
  }
  if (!certDir) {
    throw new CutoverError('E_USAGE', 'the webhook needs --webhook-cert-dir', {
      hint: 'a directory holding tls.crt and tls.key (a kubernetes.io/tls Secret mounted as a volume)',
    });
  }
  try {
    checkCertPair(certDir);
  } catch (e) {
    throw new CutoverError('E_USAGE', `no usable certificate in --webhook-cert-dir: ${(e as Error).message}`, {
      value: certDir,
      hint: 'the directory needs tls.crt (PEM certificate, with its chain) and tls.key (its PEM private key)',
    });
  }
  return { port: raw, certDir };
}

async function startOps(addr: string, ready: () => boolean, metrics: AgentMetrics): Promise<OpsServer> {
  const m = /^(.*):(\d+)$/.exec(addr);
  if (!m || Number(m[2]) > 65535) {
    throw new CutoverError('E_USAGE', '--ops-addr must be HOST:PORT', {
      value: addr,
      hint: 'e.g. 0.0.0.0:8080, or 127.0.0.1:0 for any free port',
    });
  }
  const host = (m[1] || '0.0.0.0').replace(/^\[(.*)\]$/, '$1');
  return startOpsServer({
    host,
    port: Number(m[2]),
    ready,
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  });
}
