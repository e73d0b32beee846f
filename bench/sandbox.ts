/**
 * Sandbox benchmark: how fast the world simulates (virtual minutes per wall second, and per CPU
 * second of this process, which a busy machine distorts less) for the default world, a 1,000-pod
 * world and a 10,000-pod world (bench/worlds.ts), and the emulator's request latency (p50/p99) for
 * DescribeTargetHealth, GetMetricData and a Kubernetes pod list, next to a baseline measured in
 * the same run: the same client stack against a no-op HTTP(S) server on the same machine.
 * Run: node --import tsx bench/sandbox.ts   (bounded to roughly 30 s)
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { generateClusterTls } from '../src/sandbox/kube/tls.ts';
import { startSandbox } from '../src/sandbox/sandbox.ts';
import { defaultScenario } from '../src/sandbox/scenario/default-world.ts';
import type { Scenario } from '../src/sandbox/scenario/types.ts';
import { World } from '../src/sandbox/world/world.ts';
import { ManualClock } from '../src/util/clock.ts';
import { isMain } from '../src/util/is-main.ts';
import { AWS_DEFAULT_HEALTH_CHECK, big } from './worlds.ts';

const MINUTE = 60_000;
const rows: string[][] = [];

function simulate(label: string, scenario: Scenario, budgetMs: number): void {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const t0 = performance.now();
  const world = new World({ scenario, clock });
  const buildMs = performance.now() - t0;
  let minutes = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - start < budgetMs) {
    void clock.advance(MINUTE);
    world.advanceTo(clock.now());
    minutes++;
  }
  const wallS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const pods = world.clusters.reduce((n, c) => n + c.pods.size, 0);
  rows.push([
    label,
    `${pods} pods`,
    `${(minutes / wallS).toFixed(1)} virtual min / wall s`,
    `${(minutes / cpuS).toFixed(1)} / CPU s; ${minutes} min in ${wallS.toFixed(2)} s; build ${buildMs.toFixed(0)} ms`,
  ]);
  world.close();
}

function percentiles(xs: number[]): { p50: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

async function latency(label: string, n: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 10; i++) await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  const { p50, p99 } = percentiles(xs);
  rows.push([label, `n=${n}`, `p50 ${p50.toFixed(2)} ms`, `p99 ${p99.toFixed(2)} ms`]);
}

export async function main(): Promise<void> {
  // ---- simulation speed
  simulate('default world', defaultScenario(), 4000);
  simulate('1,000-pod world (2 × 500, 2,000 rps, checks every 10 s)', big(1, 500, 2000), 6000);
  simulate(
    '10,000-pod world (2 × 5 × 1,000, 20,000 rps, AWS default checks every 30 s)',
    big(5, 1000, 4000, AWS_DEFAULT_HEALTH_CHECK),
    8000,
  );

  // ---- request latency against a running sandbox (ManualClock: no background loop competing)
  const N = 300;
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  const sandbox = await startSandbox({ clock: new ManualClock(Date.UTC(2026, 0, 1, 12)), dir });
  // The baseline answers every request with a valid, empty DescribeTargetHealth response, so the
  // same SDK client and call measure the client stack plus loopback HTTP, without the emulator.
  const noop = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(
        '<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">' +
          '<DescribeTargetHealthResult><TargetHealthDescriptions/></DescribeTargetHealthResult>' +
          '<ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></DescribeTargetHealthResponse>',
      );
    });
  }).listen(0, '127.0.0.1');
  await once(noop, 'listening');
  const tls = generateClusterTls({ commonName: 'noop' });
  const noopTls = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}');
  }).listen(0, '127.0.0.1');
  await once(noopTls, 'listening');
  try {
    const cfg = {
      endpoint: sandbox.awsUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    };
    const elb = new ElasticLoadBalancingV2Client(cfg);
    const cw = new CloudWatchClient(cfg);
    const noopUrl = `http://127.0.0.1:${(noop.address() as AddressInfo).port}`;
    const noopElb = new ElasticLoadBalancingV2Client({ ...cfg, endpoint: noopUrl });
    const tg = sandbox.world.targetGroupArn('web-blue');
    await latency('baseline: DescribeTargetHealth (SDK) from a no-op HTTP server', N, () =>
      noopElb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg })),
    );
    await latency('ELBv2 DescribeTargetHealth (SDK)', N, () =>
      elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg })),
    );
    const now = sandbox.clock.now();
    await latency('CloudWatch GetMetricData, 4 queries × 10 min (SDK)', N, () =>
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 10 * MINUTE),
          EndTime: new Date(now),
          MetricDataQueries: [
            'RequestCount',
            'HTTPCode_Target_5XX_Count',
            'HTTPCode_ELB_5XX_Count',
            'HealthyHostCount',
          ].map((m, i) => ({
            Id: `m${i}`,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ApplicationELB',
                MetricName: m,
                Dimensions: [{ Name: 'LoadBalancer', Value: 'app/edge/1330ec75395d8e31' }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          })),
        }),
      ),
    );
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext('blue');
    const core = kc.makeApiClient(CoreV1Api);
    const noopKc = new KubeConfig();
    noopKc.loadFromOptions({
      clusters: [
        {
          name: 'noop',
          server: `https://127.0.0.1:${(noopTls.address() as AddressInfo).port}`,
          caData: Buffer.from(tls.caPem).toString('base64'),
        },
      ],
      users: [{ name: 'noop', token: 'x' }],
      contexts: [{ name: 'noop', cluster: 'noop', user: 'noop' }],
      currentContext: 'noop',
    });
    const noopCore = noopKc.makeApiClient(CoreV1Api);
    await latency('baseline: client-node list pods from a no-op HTTPS server', N, () =>
      noopCore.listNamespacedPod({ namespace: 'web' }),
    );
    await latency('Kubernetes list pods -n web (client-node)', N, () => core.listNamespacedPod({ namespace: 'web' }));
    elb.destroy();
    noopElb.destroy();
    cw.destroy();
  } finally {
    noop.close();
    noopTls.close();
    noopTls.closeAllConnections();
    noop.closeAllConnections();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  process.stdout.write(`cutover sandbox benchmark (node ${process.version}, ${process.platform}/${process.arch})\n`);
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
}

if (isMain(import.meta.url)) await main();
