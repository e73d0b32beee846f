import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import pino from 'pino';
import { parse } from 'yaml';
import { AgentController, FINALIZER } from '../../src/agent/controller.ts';
import { gateConditionType } from '../../src/agent/readiness-gate.ts';
import { classifyElbError, elbTargetGroup } from '../../src/aws/agent-targets.ts';
import { AgentCluster, CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';

/**
 * The agent end to end on the sandbox: real client-node informers against the emulated API
 * server, real ELBv2 SDK calls against the emulated load balancer, both target groups empty at
 * the start (scenarios/empty-target-groups.yaml).
 */
describe('agent on the sandbox (empty target groups)', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let dir: string;
  let elb: ElasticLoadBalancingV2Client;
  const agents: Array<{ cluster: AgentCluster; controller: AgentController }> = [];
  const tgArn: Record<string, string> = {};

  const kubeFor = (context: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext(context);
    return kc;
  };

  async function startAgent(name: string) {
    const kc = kubeFor(name);
    let controller: AgentController | undefined;
    const cluster = new AgentCluster({
      kc,
      api: CUTOVER_BINDINGS,
      clock,
      onChange: (kind, ns, obj) => controller?.changed(kind, ns, obj.metadata?.name ?? ''),
    });
    controller = new AgentController(cluster.view(), elbTargetGroup(elb), {
      cluster: name,
      guard: {
        cluster: name,
        allow: [`arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-${name}/*`],
      },
      namespaces: [],
      clock,
      log: pino({ level: 'silent' }),
      random: () => 0.5,
      resyncMs: 30 * 60_000,
      classify: classifyElbError,
    });
    await cluster.start();
    controller.start();
    agents.push({ cluster, controller });
    return { kc, controller };
  }

  async function applyBinding(kc: KubeConfig, name: string, tg: string) {
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'cutover.dev',
      version: 'v1alpha1',
      namespace: 'web',
      plural: 'targetgroupbindings',
      body: {
        apiVersion: 'cutover.dev/v1alpha1',
        kind: 'TargetGroupBinding',
        metadata: { name, namespace: 'web' },
        spec: { serviceRef: { name: 'web', port: 80 }, targetGroupARN: tg, targetType: 'ip' },
      },
    });
  }

  const targets = async (tg: string) =>
    (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ?? [];

  async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, stepMs = 5_000, maxSteps = 60) {
    for (let i = 0; i < maxSteps; i++) {
      const v = await fn();
      if (v) return v;
      await clock.advance(stepMs);
      for (const a of agents) await a.controller.idle();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-agent-'));
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    sandbox = await startSandbox({
      clock,
      dir: join(dir, 'sbx'),
      scenario: join(REPO_ROOT, 'scenarios/empty-target-groups.yaml'),
    });
    elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
    const groups = await elb.send(new DescribeTargetGroupsCommand({}));
    for (const g of groups.TargetGroups ?? []) tgArn[g.TargetGroupName!] = g.TargetGroupArn!;
    const crd = parse(readFileSync(join(REPO_ROOT, 'deploy/crd/targetgroupbindings.cutover.dev.yaml'), 'utf8'));
    for (const c of sandbox.clusters)
      await kubeFor(c.name).makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
  });
  after(async () => {
    for (const a of agents) {
      await a.controller.stop();
      await a.cluster.stop();
    }
    elb.destroy();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN an empty target group WHEN a binding is applied THEN exactly the ready pods are registered and turn healthy; status says so', async () => {
    const { kc } = await startAgent('blue');
    assert.deepEqual(await targets(tgArn['web-blue']!), []);
    await applyBinding(kc, 'web', tgArn['web-blue']!);
    const core = kc.makeApiClient(CoreV1Api);
    const podIps = (await core.listNamespacedPod({ namespace: 'web' })).items
      .filter((p) => p.status?.podIP && !p.metadata?.deletionTimestamp)
      .map((p) => p.status!.podIP!)
      .sort();
    assert.equal(podIps.length, 4);
    await eventually('4 healthy targets', async () => {
      const t = await targets(tgArn['web-blue']!);
      return t.length === 4 && t.every((d) => d.TargetHealth?.State === 'healthy');
    });
    assert.deepEqual((await targets(tgArn['web-blue']!)).map((d) => d.Target!.Id!).sort(), podIps);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const b = await eventually('status healthyTargets 4', async () => {
      const o = (await custom.getNamespacedCustomObject({
        group: 'cutover.dev',
        version: 'v1alpha1',
        namespace: 'web',
        plural: 'targetgroupbindings',
        name: 'web',
      })) as {
        metadata: { finalizers?: string[] };
        status?: {
          healthyTargets?: number;
          registeredTargets?: number;
          conditions?: Array<{ type: string; status: string }>;
        };
      };
      return o.status?.healthyTargets === 4 ? o : undefined;
    });
    assert.equal(b.status?.registeredTargets, 4);
    assert.deepEqual(
      b.status?.conditions?.map((c) => `${c.type}=${c.status}`),
      ['Ready=True'],
    );
    assert.deepEqual(b.metadata.finalizers, [FINALIZER]);
  });

  it('GIVEN gated pods in the inactive cluster WHEN its binding is applied THEN every gate turns True (no deadlock at weight 0)', async () => {
    const { kc } = await startAgent('green');
    const core = kc.makeApiClient(CoreV1Api);
    const gate = gateConditionType('web');
    const notReady = (await core.listNamespacedPod({ namespace: 'web' })).items.filter(
      (p) => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    assert.equal(notReady.length, 4, 'green pods start held by the gate');
    await applyBinding(kc, 'web', tgArn['web-green']!);
    await eventually('green gates True', async () => {
      const pods = (await core.listNamespacedPod({ namespace: 'web' })).items;
      return (
        pods.length === 4 &&
        pods.every((p) => p.status?.conditions?.some((c) => c.type === gate && c.status === 'True'))
      );
    });
    assert.equal((await targets(tgArn['web-green']!)).length, 4);
  });

  it('GIVEN a registered binding WHEN its targetGroupARN is changed THEN it is refused as immutable and the targets stay', async () => {
    const kc = kubeFor('blue');
    const custom = kc.makeApiClient(CustomObjectsApi);
    const ref = {
      group: 'cutover.dev',
      version: 'v1alpha1',
      namespace: 'web',
      plural: 'targetgroupbindings',
      name: 'web',
    };
    const before = (await targets(tgArn['web-blue']!)).map((d) => d.Target!.Id).sort();
    await custom.patchNamespacedCustomObject(
      { ...ref, body: { spec: { targetGroupARN: tgArn['web-green']! } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const o = await eventually('InvalidSpec', async () => {
      const b = (await custom.getNamespacedCustomObject(ref)) as {
        status?: { targetGroupARN?: string; conditions?: Array<{ reason: string; message: string }> };
      };
      return b.status?.conditions?.[0]?.reason === 'InvalidSpec' ? b : undefined;
    });
    assert.match(
      o.status!.conditions![0]!.message,
      /targetGroupARN and targetType are immutable: this binding registers ip targets in .*web-blue/,
    );
    assert.equal(o.status?.targetGroupARN, tgArn['web-blue']);
    assert.deepEqual((await targets(tgArn['web-blue']!)).map((d) => d.Target!.Id).sort(), before);
    await custom.patchNamespacedCustomObject(
      { ...ref, body: { spec: { targetGroupARN: tgArn['web-blue']! } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  });

  it('GIVEN a binding WHEN it is deleted THEN its targets are deregistered and the finalizer released', async () => {
    const kc = kubeFor('blue');
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({
      group: 'cutover.dev',
      version: 'v1alpha1',
      namespace: 'web',
      plural: 'targetgroupbindings',
      name: 'web',
    });
    await eventually('targets draining or gone', async () =>
      (await targets(tgArn['web-blue']!)).every((d) => d.TargetHealth?.State === 'draining'),
    );
    await eventually('binding gone', async () => {
      try {
        await custom.getNamespacedCustomObject({
          group: 'cutover.dev',
          version: 'v1alpha1',
          namespace: 'web',
          plural: 'targetgroupbindings',
          name: 'web',
        });
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    });
  });
});
