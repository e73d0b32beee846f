import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/sandbox.ts';
import { kubectlRunner } from './kubectl-runner.ts';
import { WORKSHOP_APP, WORKSHOP_NAMESPACE, WORKSHOP_SERVICE } from './workshop-testapp.ts';

/** kubectl against a sandbox running at 20× speed (so rollouts finish in a fraction of a wall second). */
describe('kubectl against a sandbox cluster: the workshop walkthrough', () => {
  let sandbox: Sandbox;
  let dir: string;
  const { run, ok } = kubectlRunner(
    () => ['--kubeconfig', sandbox.kubeconfigFile, '--context', 'blue', '--cache-dir', join(dir, 'cache')],
    30_000,
  );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-kubectl-workloads-'));
    sandbox = await startSandbox({ dir: join(dir, 'sbx'), speed: 20, tickMs: 20 });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl apply of the manifests, then rollout status completes and get shows ready pods behind the Service', async () => {
    await ok(['apply', '-f', '-'], WORKSHOP_NAMESPACE);
    const applied = await ok(['apply', '-f', '-'], WORKSHOP_APP);
    assert.match(applied, /deployment.apps\/testapp created\nservice\/testapp created/);
    assert.match(
      await ok(['-n', 'workshop', 'rollout', 'status', 'deployment/testapp', '--timeout=20s']),
      /deployment "testapp" successfully rolled out/,
    );
    const deploy = await ok(['-n', 'workshop', 'get', 'deploy']);
    assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(deploy, /^testapp\s+3\/3\s+3\s+3\s+\d+s$/m);
    const rs = await ok(['-n', 'workshop', 'get', 'rs']);
    assert.match(rs, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/m);
    assert.match(rs, /^testapp-[bcdfghjklmnpqrstvwxz2456789]+\s+3\s+3\s+3\s+\d+s$/m);
    const pods = await ok(['-n', 'workshop', 'get', 'pods', '-o', 'wide']);
    assert.equal(
      (pods.match(/^testapp-\S+\s+1\/1\s+Running\s+0\s+\S+\s+10\.1\.\d+\.\d+\s+blue-node-[abc]\s/gm) ?? []).length,
      3,
    );
    const ep = await ok(['-n', 'workshop', 'get', 'endpoints']);
    assert.match(ep, /^testapp\s+10\.1\.\d+\.\d+:80,10\.1\.\d+\.\d+:80,10\.1\.\d+\.\d+:80\s+\S+$/m);
    const slices = await ok(['-n', 'workshop', 'get', 'endpointslices']);
    assert.match(slices, /^testapp-\S+\s+IPv4\s+80\s+10\.1\.\d+\.\d+,10\.1\.\d+\.\d+,10\.1\.\d+\.\d+\s/m);
  });

  it('kubectl apply --server-side of the Service it applied client-side co-owns the identical ports', async () => {
    const out = await run(['apply', '--server-side', '-f', '-'], WORKSHOP_SERVICE);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /service\/testapp serverside-applied/);
    // A different value of a field kubectl applied still conflicts (ports are keyed by port and protocol).
    const other = await run(
      ['apply', '--server-side', '--field-manager', 'intruder', '-f', '-'],
      WORKSHOP_SERVICE.replace('name: http', 'name: web'),
    );
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /conflict with "kubectl" using v1: \.spec\.ports\[port=80,protocol="TCP"\]\.name/);
    const fields = await ok(['-n', 'workshop', 'get', 'svc', 'testapp', '-o', 'json', '--show-managed-fields']);
    const kubectlEntry = JSON.parse(fields).metadata.managedFields.find((m: any) => m.manager === 'kubectl');
    assert.ok(kubectlEntry.fieldsV1['f:spec']['f:ports']['k:{"port":80,"protocol":"TCP"}']['f:name']);
  });

  it('kubectl scale and set image: pods follow, and the new template rolls out', async () => {
    await ok(['-n', 'workshop', 'scale', 'deployment/testapp', '--replicas=5']);
    await ok(['-n', 'workshop', 'rollout', 'status', 'deployment/testapp', '--timeout=20s']);
    assert.match(await ok(['-n', 'workshop', 'get', 'deploy', 'testapp']), /^testapp\s+5\/5\s+5\s+5\s/m);
    await ok(['-n', 'workshop', 'set', 'image', 'deployment/testapp', 'simplewebserver=simplewebserver:2.0']);
    await ok(['-n', 'workshop', 'rollout', 'status', 'deployment/testapp', '--timeout=20s']);
    const rs = await ok(['-n', 'workshop', 'get', 'rs', '-o', 'wide']);
    assert.match(
      rs,
      /^testapp-\S+\s+5\s+5\s+5\s+\S+\s+simplewebserver\s+simplewebserver:2\.0\s+app=testapp,pod-template-hash=/m,
    );
    assert.match(rs, /^testapp-\S+\s+0\s+0\s+0\s+\S+\s+simplewebserver\s+public\.ecr\.aws/m);
    assert.match(await ok(['-n', 'workshop', 'rollout', 'history', 'deployment/testapp']), /^1\s+<none>\n2\s+<none>/m);
    // WHEN rolled back THEN the first ReplicaSet is reused (as revision 3), no third one appears
    await ok(['-n', 'workshop', 'rollout', 'undo', 'deployment/testapp']);
    await ok(['-n', 'workshop', 'rollout', 'status', 'deployment/testapp', '--timeout=20s']);
    const after = await ok(['-n', 'workshop', 'get', 'rs', '-o', 'wide', '--no-headers']);
    assert.equal(after.trim().split('\n').length, 2, after);
    assert.match(after, /^testapp-\S+\s+5\s+5\s+5\s+\S+\s+simplewebserver\s+public\.ecr\.aws/m);
    assert.match(await ok(['-n', 'workshop', 'rollout', 'history', 'deployment/testapp']), /^2\s+<none>\n3\s+<none>/m);
  });

  it('kubectl get nodes shows status, version and internal IP; describe node shows zone and provider ID', async () => {
    const nodes = await ok(['get', 'nodes', '-o', 'wide']);
    assert.match(nodes, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE/m);
    assert.match(
      nodes,
      /^blue-node-a\s+Ready\s+<none>\s+\S+\s+v1\.32\.\d+-eks-\w+\s+10\.1\.0\.10\s+<none>\s+Amazon Linux/m,
    );
    const described = await ok(['describe', 'node', 'blue-node-b']);
    assert.match(described, /topology\.kubernetes\.io\/zone=us-east-1b/);
    assert.match(described, /ProviderID:\s+aws:\/\/\/us-east-1b\/i-[0-9a-f]{17}/);
    assert.match(described, /Ready\s+True\s/);
  });

  it('kubectl delete deployment removes its ReplicaSets and pods', async () => {
    await ok(['-n', 'workshop', 'delete', 'deployment', 'testapp']);
    await ok(['-n', 'workshop', 'wait', '--for=delete', 'pod', '-l', 'app=testapp', '--timeout=20s']);
    assert.match((await run(['-n', 'workshop', 'get', 'rs'])).stderr, /No resources found/);
  });
});
