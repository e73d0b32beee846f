import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parse, parseAllDocuments, stringify } from 'yaml';
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

describe('cutover bind checks every cluster before it applies anything', () => {
  let sandbox: Sandbox;
  let dir: string;
  let forbidding: Server;
  const kube = (context: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext(context);
    return kc;
  };
  const bindingsIn = async (context: string) =>
    (
      (await kube(context).makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
        group: 'cutover.dev',
        version: 'v1alpha1',
        namespace: 'web',
        plural: 'targetgroupbindings',
      })) as { items: unknown[] }
    ).items.length;
  /** The sandbox's kubeconfig with green's API server replaced by `server`. */
  const kubeconfigWithGreenAt = (server: string) => {
    const doc = parse(readFileSync(sandbox.kubeconfigFile, 'utf8'));
    const green = doc.clusters.find((c: { name: string }) => c.name === 'green');
    // client-node talks plain HTTP only with TLS verification off.
    green.cluster = server.startsWith('http:') ? { server, 'insecure-skip-tls-verify': true } : { server };
    const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, stringify(doc));
    return file;
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-bind-check-'));
    sandbox = await startSandbox({ clock: new ManualClock(Date.UTC(2026, 0, 1, 12)), dir: join(dir, 'sbx') });
    // An API server that serves the binding API but refuses to write it, as RBAC without patch does.
    forbidding = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'GET' && req.url?.startsWith('/apis/cutover.dev/v1alpha1')) {
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: 'cutover.dev/v1alpha1',
            resources: [
              { name: 'targetgroupbindings', namespaced: true, kind: 'TargetGroupBinding', verbs: ['get', 'patch'] },
            ],
          }),
        );
        return;
      }
      res.statusCode = 403;
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message:
            'targetgroupbindings.cutover.dev "web" is forbidden: User "dev" cannot patch resource "targetgroupbindings" in API group "cutover.dev" in the namespace "web"',
          reason: 'Forbidden',
          code: 403,
        }),
      );
    });
    await new Promise<void>((r) => forbidding.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await sandbox.close();
    await new Promise((r) => forbidding.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN a fresh sandbox (no binding CRD) WHEN bound in the README's order THEN exit 2 naming both clusters, the API and how to install it", async () => {
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml'], { env: { KUBECONFIG: sandbox.kubeconfigFile } });
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|HTTP-Code|Unknown API Status Code/);
    assert.match(
      r.stderr,
      /^error: cluster blue \(context blue\), cluster green \(context green\) do not serve the TargetGroupBinding API cutover\.dev\/v1alpha1: the CRD targetgroupbindings\.cutover\.dev is not installed$/m,
    );
    assert.match(r.stderr, /cutover agent --cluster-name blue --context blue --install-crds/);
    assert.match(r.stderr, /kubectl --context green apply -f deploy\/crd\/targetgroupbindings\.cutover\.dev\.yaml/);
    // The file the hint names is the CRD itself.
    const crd = parse(readFileSync('deploy/crd/targetgroupbindings.cutover.dev.yaml', 'utf8'));
    assert.equal(crd.metadata.name, 'targetgroupbindings.cutover.dev');
  });

  it('GIVEN the compat API and no CRD THEN the hint names its own manifest and flag', async () => {
    const r = await runCli(
      ['bind', 'rollouts/sandbox-web.yaml', '--binding-api', 'elbv2.k8s.aws/v1beta1', '--cluster', 'green'],
      { env: { KUBECONFIG: sandbox.kubeconfigFile } },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: cluster green \(context green\) does not serve the TargetGroupBinding API elbv2\.k8s\.aws\/v1beta1/m,
    );
    assert.match(r.stderr, /--binding-api elbv2\.k8s\.aws\/v1beta1 --install-crds/);
    assert.match(r.stderr, /apply -f deploy\/crd\/targetgroupbindings\.elbv2\.k8s\.aws\.yaml/);
  });

  it('GIVEN the CRD in blue only THEN exit 2 naming green, and blue is left unbound', async () => {
    await installBindingCrds(kube('blue'), CUTOVER_BINDINGS);
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml'], { env: { KUBECONFIG: sandbox.kubeconfigFile } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: cluster green \(context green\) does not serve the TargetGroupBinding API/m);
    assert.doesNotMatch(r.stderr, /cluster blue/);
    assert.equal(r.stdout, '');
    assert.equal(await bindingsIn('blue'), 0, 'nothing applied in blue');
  });

  it('GIVEN a context the kubeconfig lacks for the second cluster THEN exit 2 naming it, and the first is left unbound', async () => {
    await installBindingCrds(kube('green'), CUTOVER_BINDINGS);
    const file = join(dir, 'grn.yaml');
    writeFileSync(file, readFileSync('rollouts/sandbox-web.yaml', 'utf8').replace('context: green', 'context: grn'));
    const r = await runCli(['bind', file], { env: { KUBECONFIG: sandbox.kubeconfigFile } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: cluster green: no kubeconfig context named "grn" \(got "grn"\)$/m);
    assert.match(r.stderr, /contexts: blue, green/);
    assert.equal(r.stdout, '');
    assert.equal(await bindingsIn('blue'), 0, 'nothing applied in blue');
  });

  it("GIVEN the second cluster's API server down THEN exit 1 naming the cluster and its server, and the first is left unbound", async () => {
    await installBindingCrds(kube('blue'), CUTOVER_BINDINGS);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml'], {
      env: { KUBECONFIG: kubeconfigWithGreenAt(`https://127.0.0.1:${port}`) },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|fetch failed/);
    assert.match(
      r.stderr,
      new RegExp(
        `^error: cannot reach the Kubernetes API server of cluster green \\(context green\\) at https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
        'm',
      ),
    );
    assert.match(r.stderr, /kubectl --context green cluster-info/);
    assert.equal(await bindingsIn('blue'), 0, 'nothing applied in blue');
  });

  it('GIVEN the second cluster forbids writing bindings THEN exit 2 naming verb, resource and namespace, and the first is left unbound', async () => {
    await installBindingCrds(kube('blue'), CUTOVER_BINDINGS);
    const { port } = forbidding.address() as AddressInfo;
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml'], {
      env: { KUBECONFIG: kubeconfigWithGreenAt(`http://127.0.0.1:${port}`) },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|HTTP-Code/);
    assert.match(
      r.stderr,
      /^error: cluster green \(context green\) does not allow patch on targetgroupbindings\.cutover\.dev in namespace web \(HTTP 403: targetgroupbindings\.cutover\.dev "web" is forbidden: User "dev" cannot patch/m,
    );
    assert.match(r.stderr, /kubectl --context green auth can-i patch targetgroupbindings\.cutover\.dev -n web/);
    assert.equal(await bindingsIn('blue'), 0, 'nothing applied in blue');
  });

  it('GIVEN a binding namespace the clusters lack THEN exit 2 naming it, and nothing is applied', async () => {
    for (const c of ['blue', 'green']) await installBindingCrds(kube(c), CUTOVER_BINDINGS);
    const file = join(dir, 'shop.yaml');
    writeFileSync(file, readFileSync('rollouts/sandbox-web.yaml', 'utf8').replace('namespace: web', 'namespace: shop'));
    const r = await runCli(['bind', file], { env: { KUBECONFIG: sandbox.kubeconfigFile } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: namespace shop does not exist in cluster blue \(context blue\), so its targetgroupbinding shop\/web cannot be applied/m,
    );
    assert.match(r.stderr, /kubectl --context blue create namespace shop/);
    assert.equal(r.stdout, '');
  });

  it('GIVEN every cluster ready THEN both are bound', async () => {
    const r = await runCli(['bind', 'rollouts/sandbox-web.yaml'], { env: { KUBECONFIG: sandbox.kubeconfigFile } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await bindingsIn('blue'), 1);
    assert.equal(await bindingsIn('green'), 1);
  });
});
