import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { statusLine } from '../../src/sandbox/world/status.ts';
import { clockFromEnv, ManualClock } from '../../src/util/clock.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { startSandboxCli } from './start-cli.ts';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/761fbf0b36bfccac';
const MINUTE = 60_000;

describe('startSandbox end to end (ManualClock)', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let dir: string;
  const aws = () => ({
    endpoint: sandbox.awsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-'));
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    sandbox = await startSandbox({ clock, dir: join(dir, 'sbx') });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the default world over the real ELBv2 client: healthy targets at start', async () => {
    const elb = new ElasticLoadBalancingV2Client(aws());
    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: BLUE }));
    assert.equal(out.TargetHealthDescriptions?.length, 4);
    assert.ok(
      out.TargetHealthDescriptions!.every(
        (d) => d.TargetHealth?.State === 'healthy' && d.Target?.Id?.startsWith('10.1.'),
      ),
    );
    elb.destroy();
  });

  it('shifts traffic after ModifyListener and shows it in GetMetricData once the lag has passed', async () => {
    const elb = new ElasticLoadBalancingV2Client(aws());
    const cw = new CloudWatchClient(aws());
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: LISTENER,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: BLUE, Weight: 50 },
                { TargetGroupArn: GREEN, Weight: 50 },
              ],
            },
          },
        ],
      }),
    );
    const shiftedAt = clock.now();
    await clock.advance(6 * MINUTE);
    const q = (id: string, tg: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCount',
          Dimensions: [
            { Name: 'LoadBalancer', Value: 'app/edge/1330ec75395d8e31' },
            { Name: 'TargetGroup', Value: tg },
          ],
        },
        Period: 60,
        Stat: 'Sum',
      },
    });
    const res = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(shiftedAt + MINUTE),
        EndTime: new Date(clock.now()),
        MetricDataQueries: [
          q('blue', 'targetgroup/web-blue/a88fa8f6584adf66'),
          q('green', 'targetgroup/web-green/761fbf0b36bfccac'),
        ],
      }),
    );
    const sum = (id: string) =>
      (res.MetricDataResults?.find((r) => r.Id === id)?.Values ?? []).reduce((a, b) => a + b, 0);
    assert.ok(sum('green') > 0, 'green receives traffic');
    assert.ok(Math.abs(sum('green') / (sum('blue') + sum('green')) - 0.5) < 0.03);
    assert.match(
      statusLine(sandbox.world),
      /edge:80 web-blue=50 web-green=50 \| healthy web-blue 4\/4 web-green 4\/4 \| \d+ rps/,
    );
    elb.destroy();
    cw.destroy();
  });

  it('serves pods and EndpointSlices to client-node through the written kubeconfig', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    assert.deepEqual(
      kc.getContexts().map((c) => c.name),
      ['blue', 'green'],
    );
    kc.setCurrentContext('green');
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'web' });
    assert.equal(pods.items.length, 4);
    assert.ok(pods.items.every((p) => p.status?.podIP?.startsWith('10.2.') && p.status.phase === 'Running'));
    const slices = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
      namespace: 'web',
      labelSelector: 'kubernetes.io/service-name=web',
    });
    const eps = slices.items.flatMap((s) => s.endpoints);
    assert.equal(eps.length, 4);
    assert.ok(eps.every((e) => e?.conditions?.ready === true));
  });
});

describe('startSandbox on a scaled clock', () => {
  it('runs the world by itself and publishes its clock for other processes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-'));
    const sandbox = await startSandbox({ speed: 60, dir, tickMs: 20 });
    try {
      const start = sandbox.world.now;
      await new Promise((r) => setTimeout(r, 600));
      // 0.6 wall seconds at 60× is ~36 virtual seconds.
      assert.ok(sandbox.world.now - start >= 20_000, `advanced ${sandbox.world.now - start} ms`);
      const other = clockFromEnv({ CUTOVER_CLOCK: sandbox.env.CUTOVER_CLOCK });
      assert.ok(Math.abs(other.now() - sandbox.clock.now()) < 1000);
      assert.equal(other.speed, 60);
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cutover sandbox (the command)', () => {
  it('prints how to use it, writes DIR/env, and exits 0 on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-cli-'));
    try {
      const cli = await startSandboxCli(['--dir', dir, '--speed', '10']);
      const stdout = cli.stdout;
      assert.match(stdout, /source .*env/);
      assert.match(
        stdout,
        /aws elbv2 describe-target-health --target-group-arn arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup\/web-blue\/a88fa8f6584adf66/,
      );
      assert.match(readFileSync(join(dir, 'env'), 'utf8'), /CUTOVER_CLOCK='origin=\d+;wall=\d+;speed=10'/);
      assert.equal(await cli.stop(), 0, cli.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startSandbox with a scenario file', () => {
  it('runs scenarios/chaos.yaml: Kubernetes faults reach the API servers, which keep serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const faults: string[] = [];
    const log = {
      info: (o: any, msg?: string) => {
        if (msg === `fault ${o.kind} started` && o.cluster === 'blue') faults.push(`${o.kind}:${o.cluster}`);
      },
      debug() {},
      warn() {},
      error() {},
    };
    const sandbox = await startSandbox({ clock, dir, log, scenario: join(REPO_ROOT, 'scenarios/chaos.yaml') });
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(sandbox.kubeconfigFile);
      kc.setCurrentContext('blue');
      const core = kc.makeApiClient(CoreV1Api);
      assert.equal((await core.listNamespacedPod({ namespace: 'web' })).items.length, 4);
      // WHEN the scheduled watch disconnect (4m) and API server restart (7m) have happened
      await clock.advance(8 * MINUTE);
      sandbox.world.advanceTo(clock.now());
      assert.deepEqual(faults, ['watchDisconnect:blue', 'apiServerRestart:blue']);
      // THEN blue's API server answers again on the same URL (the restart is asynchronous)
      let pods = 0;
      for (let i = 0; i < 50 && pods === 0; i++) {
        pods = await core.listNamespacedPod({ namespace: 'web' }).then(
          (l) => l.items.length,
          () => 0,
        );
        if (pods === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(pods, 4);
      // AND green's killed pods were replaced
      assert.equal(sandbox.world.cluster('green').pods.size, 4);
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
