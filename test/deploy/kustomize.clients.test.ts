import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AppsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { requireTool } from '../helpers/cli-tools.ts';
import { REPO_ROOT, startCliProcess } from '../helpers/run-cli.ts';

const run = promisify(execFile);

/**
 * deploy/ as an operator uses it: kubectl builds every kustomization and applies the blue overlay
 * to a sandbox cluster; then the agent runs with the args of the Deployment kubectl applied.
 */
describe('deploy/ with kubectl', () => {
  const kubectl = requireTool('kubectl', 'apt-get install -y kubernetes-client');
  let sandbox: Sandbox;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-deploy-'));
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

  it('builds deploy/ and each overlay', async () => {
    for (const k of ['deploy', 'deploy/overlays/blue', 'deploy/overlays/green']) {
      const { stdout } = await run(kubectl, ['kustomize', join(REPO_ROOT, k)]);
      const kinds = parseAllDocuments(stdout).map((d) => d.toJSON().kind);
      assert.deepEqual(
        kinds.sort(),
        [
          'ClusterRole',
          'ClusterRoleBinding',
          'CustomResourceDefinition',
          'Deployment',
          'Namespace',
          'Role',
          'RoleBinding',
          'ServiceAccount',
        ].sort(),
        k,
      );
    }
  });

  it('builds an overlay with the webhook components: cert-manager objects, the Service, the configuration and the patched Deployment', async () => {
    // As an operator adds them to their overlay (kustomize wants relative paths).
    const overlay = mkdtempSync(join(tmpdir(), 'cutover-webhook-overlay-'));
    try {
      const rel = (p: string) => relative(overlay, join(REPO_ROOT, p));
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'resources:',
          `  - ${rel('deploy/overlays/blue')}`,
          'components:',
          `  - ${rel('deploy/webhook')}`,
          `  - ${rel('deploy/webhook/elbv2-label')}`,
          '',
        ].join('\n'),
      );
      const { stdout } = await run(kubectl, ['kustomize', overlay]);
      const docs = parseAllDocuments(stdout).map((d) => d.toJSON());
      const of = (kind: string) => docs.filter((d) => d.kind === kind);
      assert.deepEqual(
        ['Certificate', 'Issuer', 'Service', 'MutatingWebhookConfiguration'].map((k) => of(k).length),
        [1, 1, 1, 1],
      );
      const [mwc] = of('MutatingWebhookConfiguration');
      assert.deepEqual(
        mwc.webhooks.map((w: { namespaceSelector: { matchLabels: Record<string, string> } }) =>
          Object.keys(w.namespaceSelector.matchLabels),
        ),
        [['cutover.dev/readiness-gate-inject'], ['elbv2.k8s.aws/pod-readiness-gate-inject']],
      );
      assert.equal(mwc.metadata.annotations['cert-manager.io/inject-ca-from'], 'cutover-system/cutover-agent-webhook');
      const [dep] = of('Deployment');
      const c = dep.spec.template.spec.containers[0];
      assert.ok(c.args.includes('--cluster-name=blue'), 'the overlay’s args are kept');
      assert.equal(c.env.find((e: { name: string }) => e.name === 'CUTOVER_WEBHOOK_PORT').value, '9443');
      assert.deepEqual(
        dep.spec.template.spec.volumes.map((v: { secret?: { secretName: string } }) => v.secret?.secretName),
        [of('Certificate')[0].spec.secretName],
      );
    } finally {
      rmSync(overlay, { recursive: true, force: true });
    }
  });

  it('applies the blue overlay to a sandbox cluster, and the agent runs from the applied args', async () => {
    const env = { ...process.env, KUBECONFIG: sandbox.kubeconfigFile };
    const applied = await run(kubectl, ['--context', 'blue', 'apply', '-k', join(REPO_ROOT, 'deploy/overlays/blue')], {
      env,
    });
    assert.match(applied.stdout, /deployment.apps\/cutover-agent created/);
    assert.match(
      applied.stdout,
      /customresourcedefinition.apiextensions.k8s.io\/targetgroupbindings.cutover.dev created/,
    );

    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext('blue');
    const dep = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'cutover-agent', namespace: 'cutover-system' });
    const c = dep.spec!.template.spec!.containers[0]!;
    // In the pod the kubeconfig is in-cluster and the ops port free; here, the sandbox's context and any port.
    const args = [
      ...c.args!.map((a) => (a.startsWith('--ops-addr=') ? '--ops-addr=127.0.0.1:0' : a)),
      '--context',
      'blue',
    ];
    const region = c.env!.find((e) => e.name === 'AWS_REGION')!.value!;
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
    const tg = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] }))).TargetGroups![0]!
      .TargetGroupArn!;
    const agent = startCliProcess(args, { env: { ...sandbox.env, AWS_REGION: region }, guardMs: 60_000 });
    try {
      await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: 'cutover.dev',
        version: 'v1alpha1',
        namespace: 'web',
        plural: 'targetgroupbindings',
        body: {
          apiVersion: 'cutover.dev/v1alpha1',
          kind: 'TargetGroupBinding',
          metadata: { name: 'web', namespace: 'web' },
          spec: { serviceRef: { name: 'web', port: 80 }, targetGroupARN: tg },
        },
      });
      for (let i = 0; ; i++) {
        const t = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
        if (t.TargetHealthDescriptions?.length === 4) break;
        assert.ok(i < 300, `no targets registered; agent output: ${agent.out()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      agent.kill('SIGTERM');
      assert.equal(await agent.exited, 0, agent.out());
    } finally {
      agent.kill();
      elb.destroy();
    }
  });
});
