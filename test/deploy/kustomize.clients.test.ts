import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
