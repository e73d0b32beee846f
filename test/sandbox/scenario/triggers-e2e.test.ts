import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox } from '../../../src/sandbox/sandbox.ts';
import { lbDimension, tgDimension } from '../../../src/sandbox/world/metrics.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';

const MINUTE = 60_000;
const aws = (url: string) => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});

describe('triggered faults and drift through the AWS SDK', () => {
  it("scenarios/green-regresses-under-traffic.yaml: green's 5xx appear in GetMetricData only once a ModifyListener gives it 25%", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-trigger-'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const scenario = join(REPO_ROOT, 'scenarios/green-regresses-under-traffic.yaml');
    const sandbox = await startSandbox({ clock, dir, scenario });
    const elb = new ElasticLoadBalancingV2Client(aws(sandbox.awsUrl));
    const cw = new CloudWatchClient(aws(sandbox.awsUrl));
    const w = sandbox.world;
    const setGreen = (green: number) =>
      elb.send(
        new ModifyListenerCommand({
          ListenerArn: w.listenerArn('edge', 80),
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: w.targetGroupArn('web-blue'), Weight: 100 - green },
                  { TargetGroupArn: w.targetGroupArn('web-green'), Weight: green },
                ],
              },
            },
          ],
        }),
      );
    /** Green's 5xx rate per minute from GetMetricData, for minutes starting at `from` (visible ones only). */
    const greenRates = async (from: number, to: number) => {
      const dims = [
        { Name: 'TargetGroup', Value: tgDimension(w.targetGroupArn('web-green')) },
        { Name: 'LoadBalancer', Value: lbDimension(w.loadBalancerArn('edge')) },
      ];
      const q = (id: string, metric: string) => ({
        Id: id,
        MetricStat: {
          Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: dims },
          Period: 60,
          Stat: 'Sum',
        },
      });
      const res = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(from),
          EndTime: new Date(to),
          ScanBy: 'TimestampAscending',
          MetricDataQueries: [
            q('e', 'HTTPCode_Target_5XX_Count'),
            q('r', 'RequestCount'),
            { Id: 'rate', Expression: 'FILL(e, 0) / r' },
          ],
        }),
      );
      return res.MetricDataResults?.find((r) => r.Id === 'rate')?.Values ?? [];
    };
    const advance = async (ms: number) => {
      await clock.advance(ms);
      w.advanceTo(clock.now());
    };
    try {
      const start = clock.now();
      // GIVEN the driver moves 10% to green: below the trigger, green is as healthy as blue
      await setGreen(10);
      await advance(6 * MINUTE);
      const low = await greenRates(start + MINUTE, start + 4 * MINUTE);
      assert.equal(low.length, 3);
      assert.ok(
        low.every((r) => r < 0.01),
        `green at 10%: ${low}`,
      );
      // WHEN it moves to 50% (past 25%)
      const moved = Math.ceil(clock.now() / MINUTE) * MINUTE;
      await advance(moved - clock.now());
      await setGreen(50);
      const { Listeners } = await elb.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn('edge', 80)] }));
      assert.equal(Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.[1]?.Weight, 50);
      await advance(6 * MINUTE);
      // THEN green's 5xx rate in CloudWatch is the fault's 3% from that minute on
      const high = await greenRates(moved, moved + 4 * MINUTE);
      assert.equal(high.length, 4);
      assert.ok(
        high.every((r) => r > 0.02 && r < 0.045),
        `green at 50%: ${high}`,
      );
    } finally {
      elb.destroy();
      cw.destroy();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scenarios/drift.yaml: the listener weights change under the driver, as DescribeListeners shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-drift-'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const sandbox = await startSandbox({ clock, dir, scenario: join(REPO_ROOT, 'scenarios/drift.yaml') });
    const elb = new ElasticLoadBalancingV2Client(aws(sandbox.awsUrl));
    const weights = async () => {
      const { Listeners } = await elb.send(
        new DescribeListenersCommand({ ListenerArns: [sandbox.world.listenerArn('edge', 80)] }),
      );
      return Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.map((g) => g.Weight);
    };
    try {
      assert.deepEqual(await weights(), [100, 0]);
      await clock.advance(6 * MINUTE);
      assert.deepEqual(await weights(), [80, 20]);
      await clock.advance(8 * MINUTE);
      assert.deepEqual(await weights(), [100, 0]);
    } finally {
      elb.destroy();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
