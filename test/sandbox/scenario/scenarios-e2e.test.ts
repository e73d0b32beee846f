import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox } from '../../../src/sandbox/sandbox.ts';
import { parseScenario } from '../../../src/sandbox/scenario/load.ts';
import { lbDimension } from '../../../src/sandbox/world/metrics.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';

const MINUTE = 60_000;
const aws = (url: string) => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});

describe('scenario files end to end', () => {
  it('serves an HTTPS listener with its certificate, and traffic flows through it', async () => {
    // GIVEN the default world with its listener on 443 over HTTPS (no certificateArn in the file)
    const text = readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8')
      .replace('      - port: 80\n        protocol: HTTP\n', '      - port: 443\n        protocol: HTTPS\n')
      .replace('{loadBalancer: edge, port: 80, rps: 200}', '{loadBalancer: edge, port: 443, rps: 200}');
    const scenario = parseScenario(text, 'https.yaml');
    const dir = mkdtempSync(join(tmpdir(), 'cutover-https-'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    // WHEN the sandbox starts (before: "internal error: A certificate must be specified for HTTPS listeners")
    const sandbox = await startSandbox({ clock, dir, scenario });
    const elb = new ElasticLoadBalancingV2Client(aws(sandbox.awsUrl));
    const cw = new CloudWatchClient(aws(sandbox.awsUrl));
    try {
      // THEN DescribeListeners shows the HTTPS listener with the scenario's certificate and the default policy
      const lbArn = sandbox.world.loadBalancerArn('edge');
      const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
      assert.equal(Listeners?.length, 1);
      const l = Listeners![0]!;
      assert.equal(l.Protocol, 'HTTPS');
      assert.equal(l.Port, 443);
      assert.deepEqual(l.Certificates, [{ CertificateArn: scenario.loadBalancers[0]!.listeners[0]!.certificateArn }]);
      assert.match(l.Certificates![0]!.CertificateArn!, /^arn:aws:acm:us-east-1:000000000000:certificate\//);
      assert.equal(l.SslPolicy, 'ELBSecurityPolicy-2016-08');
      // AND requests reach the targets (RequestCount published after the lag)
      await clock.advance(4 * MINUTE);
      const res = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(clock.now() - 10 * MINUTE),
          EndTime: new Date(clock.now()),
          MetricDataQueries: [
            {
              Id: 'r',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ApplicationELB',
                  MetricName: 'RequestCount',
                  Dimensions: [{ Name: 'LoadBalancer', Value: lbDimension(lbArn) }],
                },
                Period: 60,
                Stat: 'Sum',
              },
            },
          ],
        }),
      );
      const total = (res.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
      assert.ok(total > 10_000, `requests ${total}`);
    } finally {
      elb.destroy();
      cw.destroy();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
