import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CloudWatchModel } from '../../../src/sandbox/cloudwatch/model.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { awsCliEnv } from '../../helpers/aws-env.ts';
import { botocoreCbor } from '../../helpers/botocore-cbor.ts';
import { requireTool } from '../../helpers/cli-tools.ts';
import { serveCloudWatch } from './endpoint.ts';
import { LB, MIN, metricStat, publish, T0, TG } from './helpers.ts';

const run = promisify(execFile);

/**
 * Both AWS CLIs against the emulated CloudWatch: awscli 1.45 on PATH (botocore 1.43 sends
 * CloudWatch as AWS JSON 1.0) and Debian's awscli v2.9 at /usr/bin/aws (awsQuery), plus botocore
 * forced onto Smithy RPC v2 CBOR. A missing tool fails the test with an install hint.
 */
const CLIS = [
  { label: 'awscli 1.45 (PATH, JSON 1.0)', tool: 'aws', hint: 'pip install awscli==1.45.11' },
  { label: 'awscli v2.9 (/usr/bin/aws, awsQuery)', tool: '/usr/bin/aws', hint: 'apt-get install -y awscli' },
];
/** The JSON-protocol CLI prints timestamps as epoch seconds, the awsQuery one as ISO strings. */
const toMs = (t: number | string) => (typeof t === 'number' ? t * 1000 : Date.parse(t));
const START = '2026-01-01T00:00:00Z';
const END = '2026-01-01T00:06:00Z';
const QUERIES = JSON.stringify([
  { ...metricStat('e', 'HTTPCode_Target_5XX_Count'), ReturnData: false },
  metricStat('r', 'RequestCount'),
  { Id: 'pct', Expression: '100 * FILL(e, 0) / r', Label: 'pct' },
]);

describe('AWS CLIs against the emulated CloudWatch', () => {
  const clock = new ManualClock(T0);
  const model = new CloudWatchModel({ clock });
  let server: Awaited<ReturnType<typeof serveCloudWatch>>;

  before(async () => {
    for (let m = 0; m < 6; m++) publish(model, 'RequestCount', m, 50);
    publish(model, 'HTTPCode_Target_5XX_Count', 4, 5);
    model.putMetricAlarm({
      type: 'MetricAlarm',
      name: 'edge-5xx',
      actionsEnabled: true,
      okActions: [],
      alarmActions: [],
      insufficientDataActions: [],
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: [LB, TG],
        stat: { kind: 'Sum', name: 'Sum' },
        extended: false,
      },
      periodSec: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    // The alarm alarms at 00:05 (minute 4's errors) and is OK again once they leave its range.
    await clock.advance(10 * MIN);
    server = await serveCloudWatch(model);
  });
  after(async () => {
    await server.close();
  });

  for (const cli of CLIS) {
    const exec = (args: string[]) =>
      run(requireTool(cli.tool, cli.hint), [...args, '--endpoint-url', server.url, '--output', 'json'], {
        env: awsCliEnv(),
        timeout: 30_000,
      });
    describe(cli.label, () => {
      it('get-metric-data returns metric and math results', async () => {
        const { stdout } = await exec([
          'cloudwatch',
          'get-metric-data',
          '--metric-data-queries',
          QUERIES,
          '--start-time',
          START,
          '--end-time',
          END,
          '--scan-by',
          'TimestampAscending',
        ]);
        const out = JSON.parse(stdout);
        const byId = Object.fromEntries(out.MetricDataResults.map((r: any) => [r.Id, r]));
        assert.deepEqual(byId.r.Values, [50, 50, 50, 50, 50, 50]);
        assert.deepEqual(byId.pct.Values, [0, 0, 0, 0, 10, 0]);
        assert.equal(toMs(byId.r.Timestamps[0]), T0);
        assert.equal(byId.pct.StatusCode, 'Complete');
      });

      it('describe-alarms shows the evaluated alarm', async () => {
        const { stdout } = await exec(['cloudwatch', 'describe-alarms', '--alarm-names', 'edge-5xx']);
        const [alarm] = JSON.parse(stdout).MetricAlarms;
        assert.equal(alarm.StateValue, 'OK');
        assert.match(alarm.StateReason, /treated as \[NonBreaching\]/);
        assert.equal(toMs(alarm.StateTransitionedTimestamp), T0 + 10 * MIN);
        assert.equal(alarm.Threshold, 1);
        assert.deepEqual(alarm.Dimensions, [LB, TG]);
      });

      it('reports a CloudWatch error by its code', async () => {
        const err = await exec([
          'cloudwatch',
          'put-metric-data',
          '--namespace',
          'AWS/Mine',
          '--metric-name',
          'x',
          '--value',
          '1',
        ]).then(
          () => undefined,
          (e: any) => String(e.stderr),
        );
        assert.match(
          err ?? '',
          /\(InvalidParameterValue\) when calling the PutMetricData operation: The value AWS\/ for parameter Namespace is invalid\./,
        );
      });
    });
  }

  describe('botocore forced onto Smithy RPC v2 CBOR', () => {
    const call = (op: string, params: object) => botocoreCbor(server.url, op, params);

    it('get-metric-data round-trips values and timestamps', async () => {
      const out = await call('GetMetricData', {
        MetricDataQueries: JSON.parse(QUERIES),
        StartTime: START,
        EndTime: END,
      });
      assert.equal(out.protocol, 'smithy-rpc-v2-cbor');
      const pct = out.result.MetricDataResults.find((r: any) => r.Id === 'pct');
      assert.deepEqual(pct.Values, [0, 10, 0, 0, 0, 0]);
      assert.equal(Date.parse(pct.Timestamps[1]), T0 + 4 * MIN);
    });

    it('reads an error by its awsQuery code', async () => {
      const out = await call('GetMetricData', {
        MetricDataQueries: [{ Id: 'Bad', Expression: '1' }],
        StartTime: START,
        EndTime: END,
      });
      assert.equal(out.error.Code, 'ValidationError');
      assert.match(out.error.Message, /not matching the expected pattern/);
    });
  });
});
