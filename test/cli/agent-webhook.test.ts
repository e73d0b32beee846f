import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1MicroTime,
  type V1Pod,
} from '@kubernetes/client-node';
import { generateClusterTls } from '../../src/sandbox/kube/tls.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCli, startCliProcess } from '../helpers/run-cli.ts';

const GATE = 'target-health.cutover.dev/shop';

/**
 * The readiness-gate webhook end to end: `cutover agent --webhook-port` as a process, the sandbox's
 * API server calling it for the pods a Deployment's ReplicaSet creates in a namespace labelled
 * `cutover.dev/readiness-gate-inject: enabled`, and the agent's existing gate machinery turning the
 * injected gate True once the pods are registered. The agent starts as a standby (another holder
 * has its Lease): the webhook is served before — and regardless of — leadership.
 */
describe('cutover agent --webhook-port: the readiness gate by namespace label', () => {
  let sandbox: Sandbox;
  let dir: string;
  let certDir: string;
  const tls = generateClusterTls({ commonName: 'cutover-agent-webhook' });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-agent-webhook-'));
    certDir = join(dir, 'certs');
    mkdirSync(certDir);
    writeFileSync(join(certDir, 'tls.crt'), tls.certPem);
    writeFileSync(join(certDir, 'tls.key'), tls.keyPem);
    sandbox = await startSandbox({
      speed: 30,
      dir: join(dir, 'sbx'),
      scenario: join(REPO_ROOT, 'scenarios/empty-target-groups.yaml'),
    });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN the webhook component’s configuration WHEN a Deployment’s pods are created THEN they carry the gate, and it turns True once the (then leading) agent registered them', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext('blue');
    const core = kc.makeApiClient(CoreV1Api);
    const leases = kc.makeApiClient(CoordinationV1Api);
    await core.createNamespace({ body: { metadata: { name: 'cutover-system' } } });
    await leases.createNamespacedLease({
      namespace: 'cutover-system',
      body: {
        metadata: { name: 'cutover-agent-blue' },
        spec: { holderIdentity: 'another-replica', leaseDurationSeconds: 3600, renewTime: new V1MicroTime() },
      },
    });
    const agent = startCliProcess(
      [
        'agent',
        '--cluster-name=blue',
        '--context=blue',
        '--install-crds',
        '--allow-target-group=*:targetgroup/web-blue/*',
        '--leader-elect',
        '--leader-election-namespace=cutover-system',
        '--webhook-port=0',
        `--webhook-cert-dir=${certDir}`,
      ],
      { env: sandbox.env, guardMs: 120_000 },
    );
    const until = async <T>(what: string, fn: () => Promise<T | undefined | false>): Promise<T> => {
      for (let i = 0; i < 300; i++) {
        const v = await fn();
        if (v) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`timed out waiting for ${what}; agent output:\n${agent.out()}`);
    };
    try {
      await agent.until('waiting to lead');
      const port = /readiness-gate webhook on https:\/\/[\d.]+:(\d+)\/mutate-v1-pod/.exec(agent.out())?.[1];
      assert.ok(port, agent.out());

      // What deploy/webhook installs, with the sandbox-reachable url instead of the Service.
      await kc.makeApiClient(AdmissionregistrationV1Api).createMutatingWebhookConfiguration({
        body: {
          metadata: { name: 'cutover-agent-webhook' },
          webhooks: [
            {
              name: 'pods.readiness-gate.cutover.dev',
              admissionReviewVersions: ['v1'],
              sideEffects: 'None',
              failurePolicy: 'Fail',
              clientConfig: {
                url: `https://127.0.0.1:${port}/mutate-v1-pod`,
                caBundle: Buffer.from(tls.caPem).toString('base64'),
              },
              rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
              namespaceSelector: { matchLabels: { 'cutover.dev/readiness-gate-inject': 'enabled' } },
            },
          ],
        },
      });
      await core.createNamespace({
        body: { metadata: { name: 'shop', labels: { 'cutover.dev/readiness-gate-inject': 'enabled' } } },
      });
      await core.createNamespacedService({
        namespace: 'shop',
        body: {
          metadata: { name: 'shop' },
          spec: { selector: { app: 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
        },
      });
      const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
      const tg = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] }))).TargetGroups![0]!
        .TargetGroupArn!;
      elb.destroy();
      await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: 'cutover.dev',
        version: 'v1alpha1',
        namespace: 'shop',
        plural: 'targetgroupbindings',
        body: {
          apiVersion: 'cutover.dev/v1alpha1',
          kind: 'TargetGroupBinding',
          metadata: { name: 'shop' },
          spec: { serviceRef: { name: 'shop', port: 80 }, targetGroupARN: tg, targetType: 'ip' },
        },
      });
      // The standby's cache has the binding once a dry-run pod comes back with the gate.
      const probe: V1Pod = {
        metadata: { name: 'probe', labels: { app: 'shop' } },
        spec: { containers: [{ name: 'app', image: 'shop:1' }] },
      };
      await until('the webhook to know the binding', async () => {
        const p = await core.createNamespacedPod({ namespace: 'shop', body: probe, dryRun: 'All' });
        return p.spec?.readinessGates?.some((g) => g.conditionType === GATE);
      });

      await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: 'shop',
        body: {
          metadata: { name: 'shop' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'shop' } },
            template: {
              metadata: { labels: { app: 'shop' } },
              spec: { containers: [{ name: 'app', image: 'shop:1', ports: [{ containerPort: 80 }] }] },
            },
          },
        },
      });
      const pods = async () => (await core.listNamespacedPod({ namespace: 'shop' })).items;
      const created = await until('2 pods', async () => ((await pods()).length === 2 ? pods() : undefined));
      for (const p of created) {
        assert.deepEqual(
          p.spec?.readinessGates?.map((g) => g.conditionType),
          [GATE],
        );
      }
      // Started but held by the gate: no agent reconciles yet (the Lease is someone else's).
      await until('containers ready, gate pending', async () =>
        (await pods()).every(
          (p) =>
            p.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status === 'True' &&
            p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False',
        ),
      );

      // The other replica goes away: this one leads, registers the pods, and sets their gates.
      await leases.deleteNamespacedLease({ namespace: 'cutover-system', name: 'cutover-agent-blue' });
      await until('gates True and pods Ready', async () => {
        const ps = await pods();
        return (
          ps.length === 2 &&
          ps.every(
            (p) =>
              p.status?.conditions?.find((c) => c.type === GATE)?.status === 'True' &&
              p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
          )
        );
      });
      agent.kill('SIGTERM');
      assert.equal(await agent.exited, 0, agent.out());
    } finally {
      agent.kill();
    }
  });

  it('GIVEN --webhook-port without a usable certificate THEN exit 2 naming the directory and what it needs', async () => {
    const r = await runCli(
      [
        'agent',
        '--cluster-name=x',
        '--region=us-east-1',
        '--webhook-port=9443',
        `--webhook-cert-dir=${join(dir, 'none')}`,
      ],
      { env: { KUBECONFIG: sandbox.kubeconfigFile } },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no usable certificate in --webhook-cert-dir/);
    assert.match(r.stderr, /tls\.crt/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
