import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import pino from 'pino';
import { AgentController } from '../../src/agent/controller.ts';
import { classifyElbError, elbTargetGroup } from '../../src/aws/agent-targets.ts';
import { AgentCluster, type BindingApi, CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { installBindingCrds } from '../../src/kube/crds.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';

/**
 * The agent on an in-process sandbox for end-to-end tests: a ManualClock, real client-node
 * informers against the emulated API servers, the real ELBv2 SDK against the emulated load
 * balancer. Agents are started per cluster and can be stopped and started again (a restart).
 */
export interface RunningAgent {
  name: string;
  cluster: AgentCluster;
  controller: AgentController;
  errors: string[];
}

export interface StartAgentOptions {
  api?: BindingApi;
  /** --allow-target-group patterns (default: every target group of the sandbox account). */
  allow?: string[];
  /** The agent's --health-refresh (off by default here, so passes happen only on changes). */
  healthRefreshMs?: number;
}

export class AgentHarness {
  readonly agents: RunningAgent[] = [];
  private constructor(
    readonly sandbox: Sandbox,
    readonly clock: ManualClock,
    readonly elb: ElasticLoadBalancingV2Client,
    private readonly dir: string,
  ) {}

  /** A sandbox from a scenario text (YAML) written to a temporary directory. */
  static async start(scenarioYaml: string): Promise<AgentHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-agent-'));
    writeFileSync(join(dir, 'scenario.yaml'), scenarioYaml);
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const sandbox = await startSandbox({ clock, dir: join(dir, 'sbx'), scenario: join(dir, 'scenario.yaml') });
    const elb = new ElasticLoadBalancingV2Client({ ...awsClientConfig(sandbox.awsUrl), maxAttempts: 1 });
    return new AgentHarness(sandbox, clock, elb, dir);
  }

  kube(context: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.sandbox.kubeconfigFile);
    kc.setCurrentContext(context);
    return kc;
  }

  async installCrds(api: BindingApi = CUTOVER_BINDINGS): Promise<void> {
    for (const c of this.sandbox.clusters) await installBindingCrds(this.kube(c.name), api);
  }

  async groupArns(): Promise<Record<string, string>> {
    const out = await this.elb.send(new DescribeTargetGroupsCommand({}));
    return Object.fromEntries((out.TargetGroups ?? []).map((g) => [g.TargetGroupName!, g.TargetGroupArn!]));
  }

  async startAgent(name: string, o: StartAgentOptions = {}): Promise<RunningAgent> {
    let controller: AgentController | undefined;
    const errors: string[] = [];
    const cluster = new AgentCluster({
      kc: this.kube(name),
      api: o.api ?? CUTOVER_BINDINGS,
      clock: this.clock,
      onChange: (kind, ns, obj) => controller?.changed(kind, ns, obj.metadata?.name ?? ''),
      onError: (what, e) => errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`),
      // Virtual time runs far ahead of the wall clock here: a watch left hanging by an API server
      // restart is given up after 1 s of real time instead of client-node's 30 s.
      watchTimeoutMs: 1_000,
    });
    // The agent's own client: the SDK's standard retries (throttling and 5xx are retried; one
    // retry here, as each waits in real time).
    const elb = new ElasticLoadBalancingV2Client({ ...awsClientConfig(this.sandbox.awsUrl), maxAttempts: 2 });
    controller = new AgentController(cluster.view(), elbTargetGroup(elb), {
      cluster: name,
      guard: { cluster: name, allow: o.allow ?? ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/*'] },
      namespaces: [],
      clock: this.clock,
      log: pino({ level: 'silent' }),
      random: () => 0.5,
      resyncMs: 30 * 60_000,
      ...(o.healthRefreshMs ? { healthRefreshMs: o.healthRefreshMs } : {}),
      classify: classifyElbError,
    });
    await cluster.start();
    controller.start();
    const agent = { name, cluster, controller, errors };
    this.agents.push(agent);
    return agent;
  }

  async stopAgent(agent: RunningAgent): Promise<void> {
    await agent.controller.stop();
    await agent.cluster.stop();
    this.agents.splice(this.agents.indexOf(agent), 1);
  }

  async targets(tg: string): Promise<TargetHealthDescription[]> {
    return (
      (await this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ?? []
    );
  }

  /** `ip:port=state` per target, sorted (draining ones left out unless asked for). */
  async targetSummary(tg: string, withDraining = false): Promise<string[]> {
    return (await this.targets(tg))
      .filter((d) => withDraining || d.TargetHealth?.State !== 'draining')
      .map((d) => `${d.Target!.Id}:${d.Target!.Port}=${d.TargetHealth!.State}`)
      .sort();
  }

  /** Polls `fn`, advancing virtual time between tries and letting every agent settle. */
  async eventually<T>(
    what: string,
    fn: () => Promise<T | undefined | false>,
    stepMs = 5_000,
    maxSteps = 60,
  ): Promise<T> {
    let last: unknown;
    for (let i = 0; i < maxSteps; i++) {
      const v = await fn().catch((e) => {
        last = e;
        return undefined;
      });
      if (v) return v;
      await this.clock.advance(stepMs);
      for (const a of this.agents) await a.controller.idle();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
  }

  /** Lets virtual time pass with the agents running. */
  async run(ms: number, stepMs = 5_000): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      await this.clock.advance(stepMs);
      for (const a of this.agents) await a.controller.idle();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The ready, non-terminating pod IPs of a namespace with the given app label. */
  async podIps(context: string, namespace: string, app: string): Promise<string[]> {
    const pods = await this.kube(context)
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace, labelSelector: `app=${app}` });
    return pods.items
      .filter(
        (p) =>
          p.status?.podIP &&
          !p.metadata?.deletionTimestamp &&
          p.status.conditions?.some((c) => c.type === 'ContainersReady' && c.status === 'True'),
      )
      .map((p) => p.status!.podIP!)
      .sort();
  }

  async scale(context: string, namespace: string, name: string, replicas: number): Promise<void> {
    await this.kube(context)
      .makeApiClient(AppsV1Api)
      .patchNamespacedDeploymentScale(
        { namespace, name, body: { spec: { replicas } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
  }

  /** Creates objects as `kubectl create -f` would (any kind, custom resources included). */
  async apply(context: string, objects: KubernetesObject[], namespace?: string): Promise<void> {
    const api = KubernetesObjectApi.makeApiClient(this.kube(context));
    for (const o of objects) {
      const body = structuredClone(o);
      if (namespace && body.kind !== 'Namespace')
        body.metadata = { ...body.metadata, namespace: body.metadata?.namespace ?? namespace };
      await api.create(body);
    }
  }

  async binding(context: string, api: BindingApi, namespace: string, name: string): Promise<BindingStatusView> {
    return (await this.kube(context)
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({ ...api, namespace, name })) as BindingStatusView;
  }

  async close(): Promise<void> {
    for (const a of [...this.agents]) await this.stopAgent(a);
    this.elb.destroy();
    await this.sandbox.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface BindingStatusView {
  metadata: { finalizers?: string[] };
  status?: {
    healthyTargets?: number;
    registeredTargets?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

/** The binding's Ready condition as `status/reason`. */
export function readyOf(b: BindingStatusView): string {
  const c = b.status?.conditions?.find((x) => x.type === 'Ready');
  return c ? `${c.status}/${c.reason}` : 'none';
}
