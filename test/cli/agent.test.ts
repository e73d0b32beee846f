import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCli, startCliProcess } from '../helpers/run-cli.ts';

/** `cutover agent` as a user runs it: a process with the sandbox's env file, stopped by SIGTERM. */
describe('cutover agent', () => {
  let sandbox: Sandbox;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-agent-cli-'));
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

  it('GIVEN the sandbox env WHEN run with --install-crds THEN it installs the CRD, registers a binding’s pods, and exits 0 on SIGTERM', async () => {
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
    const tg = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] }))).TargetGroups![0]!
      .TargetGroupArn!;
    const agent = startCliProcess(
      [
        'agent',
        '--cluster-name',
        'blue',
        '--context',
        'blue',
        '--install-crds',
        '--allow-target-group',
        '*:targetgroup/web-blue/*',
        '--ops-addr',
        '127.0.0.1:0',
      ],
      { env: sandbox.env, guardMs: 60_000 },
    );
    const stdout = () => agent.out();
    try {
      const until = async (what: string, fn: () => Promise<boolean> | boolean) => {
        for (let i = 0; i < 200; i++) {
          if (await fn()) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail(`timed out waiting for ${what}; output: ${agent.out()}`);
      };
      await until('the agent to start', () => stdout().includes('watching cutover.dev/v1alpha1'));
      const kc = new KubeConfig();
      kc.loadFromFile(sandbox.kubeconfigFile);
      kc.setCurrentContext('blue');
      await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: 'cutover.dev',
        version: 'v1alpha1',
        namespace: 'web',
        plural: 'targetgroupbindings',
        body: {
          apiVersion: 'cutover.dev/v1alpha1',
          kind: 'TargetGroupBinding',
          metadata: { name: 'web', namespace: 'web' },
          // Cross-account, as seed 003: every ELBv2 call of this binding is made as this role
          // (STS AssumeRole against the sandbox's STS, credentials cached by the agent).
          spec: {
            serviceRef: { name: 'web', port: 'http' },
            targetGroupARN: tg,
            iamRoleArnToAssume: 'arn:aws:iam::000000000000:role/cutover-registrar',
            assumeRoleExternalId: 'blue-cluster',
          },
        },
      });
      await until('4 registered targets', async () => {
        const t = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
        return t.TargetHealthDescriptions?.length === 4;
      });
      const ops = /metrics on (http:\/\/[\d.:]+)/.exec(stdout())?.[1];
      assert.ok(ops, stdout());
      assert.equal((await fetch(`${ops}/healthz`)).status, 200);
      assert.equal((await fetch(`${ops}/readyz`)).status, 200);
      await until('registration counted', async () => {
        const text = await (await fetch(`${ops}/metrics`)).text();
        return (
          /cutover_agent_aws_calls_total\{operation="RegisterTargets",result="ok"\} 1/.test(text) &&
          /cutover_agent_pod_ready_to_registered_seconds_count 4/.test(text)
        );
      });
      // The status says where the binding stands, not only what the last pass changed.
      const binding = async () =>
        (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
          group: 'cutover.dev',
          version: 'v1alpha1',
          namespace: 'web',
          plural: 'targetgroupbindings',
          name: 'web',
        })) as { status?: { healthyTargets?: number; conditions?: Array<{ type: string; message: string }> } };
      await until('4 healthy targets in the status', async () => (await binding()).status?.healthyTargets === 4);
      assert.equal(
        (await binding()).status?.conditions?.find((c) => c.type === 'Ready')?.message,
        '4 targets desired, 4 registered (4 healthy); last pass registered 0, deregistered 0',
      );
      agent.kill('SIGTERM');
      assert.equal(await agent.exited, 0, agent.out());
      assert.match(stdout(), /agent blue: stopped/);
    } finally {
      agent.kill();
      elb.destroy();
    }
  });

  it('GIVEN --leader-elect in a namespace that does not exist THEN it says why it cannot lead, once, and keeps waiting', async () => {
    const agent = startCliProcess(
      [
        'agent',
        '--cluster-name',
        'blue',
        '--context',
        'blue',
        '--install-crds',
        '--leader-elect',
        '--leader-election-namespace',
        'no-such-namespace',
      ],
      { env: sandbox.env, guardMs: 60_000 },
    );
    try {
      await agent.until('cannot take the leader-election lease', 30_000);
      await new Promise((r) => setTimeout(r, 3_000)); // more retries (every 2 s of the sandbox's clock)
      const said = agent
        .out()
        .split('\n')
        .filter((l) => l.includes('cannot take'));
      assert.deepEqual(said, [
        'agent blue: cannot take the leader-election lease no-such-namespace/cutover-agent-blue: HTTP 404 not found (does the namespace no-such-namespace exist? --leader-election-namespace sets it); retrying every 2 s',
      ]);
      assert.doesNotMatch(agent.out(), /watching cutover\.dev/);
    } finally {
      agent.kill('SIGTERM');
      assert.equal(await agent.exited, 0);
    }
  });

  it('GIVEN a context that does not exist THEN exit 2 naming the contexts there are', async () => {
    const r = await runCli(['agent', '--cluster-name', 'x', '--context', 'purple', '--region', 'us-east-1'], {
      env: { KUBECONFIG: sandbox.kubeconfigFile },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no kubeconfig context named "purple"/);
    assert.match(r.stderr, /contexts: blue, green/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('GIVEN a cluster without the binding CRD and no --install-crds THEN exit 2 naming the cluster, the API and how to install it', async () => {
    const r = await runCli(['agent', '--cluster-name', 'green', '--context', 'green', '--region', 'us-east-1'], {
      env: { KUBECONFIG: sandbox.kubeconfigFile },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: cluster green \(context green\) does not serve the TargetGroupBinding API cutover\.dev\/v1alpha1: the CRD targetgroupbindings\.cutover\.dev is not installed$/m,
    );
    assert.match(r.stderr, /--install-crds/);
    assert.match(r.stderr, /kubectl --context green apply -f deploy\/crd\/targetgroupbindings\.cutover\.dev\.yaml/);
  });

  it('GIVEN an API server that does not answer THEN exit 1 naming the cluster and its server, not "fetch failed"', async () => {
    const file = join(dir, 'kubeconfig-down');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    writeFileSync(
      file,
      readFileSync(sandbox.kubeconfigFile, 'utf8').replace(
        /server: https:\/\/127\.0\.0\.1:\d+/g,
        `server: https://127.0.0.1:${port}`,
      ),
    );
    for (const extra of [[], ['--install-crds']]) {
      const r = await runCli(
        ['agent', '--cluster-name', 'blue', '--context', 'blue', '--region', 'us-east-1', ...extra],
        {
          env: { KUBECONFIG: file },
        },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^error: cannot reach the Kubernetes API server of cluster blue \\(context blue\\) at https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
          'm',
        ),
      );
      assert.doesNotMatch(r.stderr, /internal error|fetch failed/);
    }
  });
});
