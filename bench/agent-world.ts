/** The world the agent benchmark runs on, and the Kubernetes writes it makes to it. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ApiextensionsV1Api, AppsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { type Sandbox, startSandbox } from '../src/sandbox/sandbox.ts';
import type { Scenario } from '../src/sandbox/scenario/types.ts';
import { big } from './worlds.ts';

const REPO_ROOT = join(import.meta.dirname, '..');
export const NAMESPACE = 'web';
export const CLUSTER = 'blue';
/** The agent's guard rail: blue's target groups (app<i>-blue). */
export const ALLOW = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/*-blue/*';

/**
 * `bindings` apps of `podsPerBinding` pods each in cluster blue (green keeps no pods), every
 * target group empty at the start (the scenario file's `preRegister: false`), little traffic.
 * Each app has its own load balancer: ELBv2 allows 1,000 targets per Application Load Balancer.
 */
export function agentWorld(bindings: number, podsPerBinding: number): Scenario {
  const s = big(bindings, podsPerBinding, 20);
  for (const tg of s.targetGroups) tg.registered = null;
  for (const c of s.clusters) {
    for (const w of c.workloads) {
      if (c.name !== CLUSTER) w.replicas = 0;
      w.startDelayMs = 1_000; // new pods turn ready 1 s after creation (keeps the run short)
    }
  }
  const listeners = s.loadBalancers[0]!.listeners;
  s.loadBalancers = listeners.map((l, i) => ({ name: `edge${i}`, listeners: [l] }));
  s.traffic = s.traffic.map((t, i) => ({ ...t, loadBalancer: `edge${i}` }));
  return s;
}

export const appName = (i: number) => `app${i}`;

export interface AgentBench {
  sandbox: Sandbox;
  elb: ElasticLoadBalancingV2Client;
  /** Cluster blue, with the binding CRD installed. */
  kc: KubeConfig;
  close(): Promise<void>;
}

/** A sandbox at real time (speed 1) on agentWorld(bindings, podsPerBinding), an ELBv2 client and blue's kubeconfig. */
export async function startAgentBench(bindings: number, podsPerBinding: number): Promise<AgentBench> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-agent-'));
  const sandbox = await startSandbox({ scenario: agentWorld(bindings, podsPerBinding), speed: 1, dir });
  const elb = new ElasticLoadBalancingV2Client({
    endpoint: sandbox.awsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const kc = kubeFor(sandbox);
  await installCrd(kc);
  return {
    sandbox,
    elb,
    kc,
    close: async () => {
      elb.destroy();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function kubeFor(sandbox: Sandbox, context = CLUSTER): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigFile);
  kc.setCurrentContext(context);
  return kc;
}

export async function installCrd(kc: KubeConfig): Promise<void> {
  const crd = parse(readFileSync(join(REPO_ROOT, 'deploy/crd/targetgroupbindings.cutover.dev.yaml'), 'utf8'));
  await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
}

/** One binding per app: Service app<i> port 80 → target group app<i>-blue. */
export async function applyBindings(kc: KubeConfig, sandbox: Sandbox, n: number): Promise<string[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const arns: string[] = [];
  for (let i = 0; i < n; i++) {
    const arn = sandbox.world.targetGroupArn(`${appName(i)}-${CLUSTER}`);
    arns.push(arn);
    await custom.createNamespacedCustomObject({
      group: 'cutover.dev',
      version: 'v1alpha1',
      namespace: NAMESPACE,
      plural: 'targetgroupbindings',
      body: {
        apiVersion: 'cutover.dev/v1alpha1',
        kind: 'TargetGroupBinding',
        metadata: { name: appName(i), namespace: NAMESPACE },
        spec: { serviceRef: { name: appName(i), port: 80 }, targetGroupARN: arn, targetType: 'ip' },
      },
    });
  }
  return arns;
}

/** Scales every app's Deployment by `delta` pods through the scale subresource (as `kubectl scale`). */
export async function scaleApps(kc: KubeConfig, n: number, delta: number): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  await Promise.all(
    [...Array(n).keys()].map(async (i) => {
      const name = appName(i);
      const scale = await apps.readNamespacedDeploymentScale({ name, namespace: NAMESPACE });
      scale.spec = { replicas: (scale.spec?.replicas ?? 0) + delta };
      await apps.replaceNamespacedDeploymentScale({ name, namespace: NAMESPACE, body: scale });
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `stepMs` until it is truthy; throws naming `what` after `timeoutMs`. */
export async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`agent benchmark: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}
