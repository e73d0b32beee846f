import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { installBindingCrds } from '../../src/kube/crds.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCliProcess } from '../helpers/run-cli.ts';

/**
 * Preflight reads the receiving cluster's TargetGroupBinding before its share rises: a binding no
 * agent has reconciled holds the step back, and once `capacity.wait` is over the rollout fails
 * without moving traffic (exit 3), naming the binding. In the sandbox's default world the target
 * groups are full and healthy, so the binding is the only thing missing.
 */
describe('cutover run: the binding check of preflight', () => {
  let sandbox: Sandbox;
  let dir: string;
  let file: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-bindcheck-'));
    sandbox = await startSandbox({ speed: 120, dir: join(dir, 'sbx') });
    file = join(dir, 'rollout.yaml');
    writeFileSync(
      file,
      readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8')
        .replace(/# yaml-language-server.*\n/, '')
        .replace('wait: 2m', 'wait: 30s'),
    );
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const kube = (context: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext(context);
    return kc;
  };
  async function weights(): Promise<string> {
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
    try {
      const plan = await runCliProcess(['plan', file, '-o', 'json'], { env: sandbox.env });
      const out = await elb.send(
        new DescribeListenersCommand({ ListenerArns: [JSON.parse(plan.stdout).routes[0].arn] }),
      );
      const l = out.Listeners?.[0];
      return JSON.stringify(l?.DefaultActions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups);
    } finally {
      elb.destroy();
    }
  }

  it('GIVEN a binding in green that no agent reconciled THEN preflight waits, then fails naming it; traffic never moved, exit 3', async () => {
    const green = kube('green');
    await installBindingCrds(green, CUTOVER_BINDINGS);
    await green
      .makeApiClient(CoreV1Api)
      .readNamespace({ name: 'web' })
      .catch(() => green.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'web' } } }));
    await green.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...CUTOVER_BINDINGS,
      namespace: 'web',
      body: {
        apiVersion: 'cutover.dev/v1alpha1',
        kind: 'TargetGroupBinding',
        metadata: { name: 'web', namespace: 'web' },
        spec: {
          serviceRef: { name: 'web', port: 80 },
          targetGroupARN: await greenArn(),
          targetType: 'ip',
        },
      },
    });
    const before = await weights();
    const r = await runCliProcess(['run', file, '--yes'], { env: sandbox.env, timeoutMs: 120_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /step 1\/4 preflight waiting: cluster green on route web: cutover.dev binding web\/web is not reconciled yet/,
    );
    assert.match(r.stdout, /no traffic moved \(all of it is still on blue\)/);
    assert.doesNotMatch(r.stdout, /wrote blue=/);
    assert.equal(await weights(), before, "Terraform's 100/0 is left as it is: the same shares as the start");
    const status = await runCliProcess(['status', file, '-o', 'json'], { env: sandbox.env });
    const s = JSON.parse(status.stdout);
    assert.equal(s.phase, 'rolledBack');
    assert.deepEqual(
      s.routes.map((r: { drift: boolean; recorded: unknown }) => [r.drift, r.recorded]),
      [[false, { blue: 100, green: 0 }]],
      'the record says what the listener holds',
    );
  });

  it('GIVEN the binding then reconciled (Ready=True) THEN the next run passes preflight and shifts', async () => {
    await kube('green')
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObjectStatus(
        {
          ...CUTOVER_BINDINGS,
          namespace: 'web',
          name: 'web',
          body: {
            status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled' }] },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const r = await runCliProcess(['plan', file, '--live'], { env: sandbox.env });
    assert.equal(r.code, 0, r.stderr);
    const run = await runCliProcess(['run', file, '--yes'], { env: sandbox.env, timeoutMs: 120_000 });
    assert.match(run.stdout, /step 1\/4 wrote blue=19 green=1/, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /binding web\/web is not reconciled/);
  });

  async function greenArn(): Promise<string> {
    const out = await runCliProcess(['plan', file, '-o', 'json'], { env: sandbox.env });
    return JSON.parse(out.stdout).routes[0].targetGroups.green;
  }
});
