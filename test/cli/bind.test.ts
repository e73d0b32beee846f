import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { AWS_LBC_BINDINGS, CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { installBindingCrds } from '../../src/kube/crds.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('cutover bind', () => {
  let sandbox: Sandbox;
  let dir: string;
  const kube = (context: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext(context);
    return kc;
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-bind-'));
    sandbox = await startSandbox({ clock: new ManualClock(Date.UTC(2026, 0, 1, 12)), dir: join(dir, 'sbx') });
    for (const c of ['blue', 'green']) {
      assert.equal(await installBindingCrds(kube(c), CUTOVER_BINDINGS), 'created');
      assert.equal(await installBindingCrds(kube(c), CUTOVER_BINDINGS), 'present', 'a second install leaves it alone');
      await installBindingCrds(kube(c), AWS_LBC_BINDINGS);
    }
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN --dry-run THEN one manifest per route and cluster, each with its own target group', async () => {
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJSON());
    assert.deepEqual(
      docs.map((d) => [d.metadata.labels['cutover.dev/cluster'], d.spec.targetGroupARN.split('/')[1]]),
      [
        ['blue', 'web-blue'],
        ['green', 'web-green'],
      ],
    );
  });

  it('GIVEN the sandbox WHEN applied twice THEN each cluster holds its binding (server-side apply is idempotent)', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['bind', 'rollouts/sandbox-web.yaml'], { env: { KUBECONFIG: sandbox.kubeconfigFile } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /cluster green \(context green\): targetgroupbinding web\/web applied/);
    }
    for (const c of ['blue', 'green']) {
      const o = (await kube(c).makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: 'cutover.dev',
        version: 'v1alpha1',
        namespace: 'web',
        plural: 'targetgroupbindings',
        name: 'web',
      })) as { spec: { targetGroupARN: string; serviceRef: { name: string; port: number } } };
      assert.match(o.spec.targetGroupARN, new RegExp(`targetgroup/web-${c}/`));
      assert.deepEqual(o.spec.serviceRef, { name: 'web', port: 80 });
    }
  });

  it('GIVEN the AWS Load Balancer Controller API WHEN applied THEN elbv2.k8s.aws bindings are written', async () => {
    const r = await runCli(
      ['bind', 'rollouts/sandbox-web.yaml', '--binding-api', 'elbv2.k8s.aws/v1beta1', '--cluster', 'blue'],
      {
        env: { KUBECONFIG: sandbox.kubeconfigFile },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const list = (await kube('blue').makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: 'elbv2.k8s.aws',
      version: 'v1beta1',
      namespace: 'web',
      plural: 'targetgroupbindings',
    })) as { items: unknown[] };
    assert.equal(list.items.length, 1);
  });

  it('GIVEN an unknown --cluster THEN exit 2 naming the clusters', async () => {
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml', '--cluster', 'purple', '--dry-run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cluster names a cluster the rollout does not have \(got "purple"\)/);
    assert.match(r.stderr, /clusters: blue, green/);
  });
});
