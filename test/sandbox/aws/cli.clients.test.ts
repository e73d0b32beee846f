import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type AwsServer, startAwsServer } from '../../../src/sandbox/aws/server.ts';
import { createElbv2Handler } from '../../../src/sandbox/elbv2/handler.ts';
import { Elbv2Model } from '../../../src/sandbox/elbv2/model.ts';
import { createStsHandler, StsModel } from '../../../src/sandbox/sts/sts.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { awsCliEnv } from '../../helpers/aws-env.ts';
import { botocoreCbor } from '../../helpers/botocore-cbor.ts';
import { requireTool } from '../../helpers/cli-tools.ts';
import { ALARM_TIME, cloudWatchStub } from './cloudwatch-stub.ts';

const run = promisify(execFile);

/**
 * Both AWS CLIs against the sandbox endpoint: awscli 1.45 (PATH; botocore 1.43 ranks `json` above
 * `smithy-rpc-v2-cbor`, so CloudWatch goes as AWS JSON 1.0) and Debian's awscli v2
 * (/usr/bin/aws; CloudWatch as awsQuery). A missing CLI fails the test. CBOR is exercised with
 * botocore itself forced onto it (test/helpers/botocore-cbor.py).
 */
const CLIS = [
  { label: 'awscli 1.45 (PATH)', tool: 'aws', hint: 'pip install awscli==1.45.11', cwProtocol: 'json' },
  { label: 'awscli v2 (/usr/bin/aws)', tool: '/usr/bin/aws', hint: 'apt-get install -y awscli', cwProtocol: 'query' },
];

describe('AWS CLIs against the sandbox endpoint', () => {
  const clock = new ManualClock();
  const model = new Elbv2Model({ clock });
  const cw = cloudWatchStub();
  let server: AwsServer;
  let lbArn: string;
  let listenerArn: string;
  let blueArn: string;
  let greenArn: string;

  before(async () => {
    lbArn = model.createLoadBalancer({ Name: 'edge' }).arn;
    blueArn = model.createTargetGroup({ Name: 'web-blue', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }).arn;
    greenArn = model.createTargetGroup({ Name: 'web-green', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }).arn;
    listenerArn = model.createListener({
      LoadBalancerArn: lbArn,
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: blueArn }],
    }).arn;
    model.registerTargets(blueArn, [{ Id: '10.0.1.5' }]);
    server = await startAwsServer({
      services: {
        elbv2: createElbv2Handler(model),
        cloudwatch: cw.handler,
        sts: createStsHandler(new StsModel({ clock })),
      },
    });
  });
  after(async () => {
    await server.close();
  });

  for (const cli of CLIS) {
    const aws = async (...args: string[]) => {
      const bin = requireTool(cli.tool, cli.hint);
      const { stdout } = await run(bin, [...args, '--endpoint-url', server.url, '--output', 'json'], {
        env: awsCliEnv(),
        timeout: 30_000,
      });
      return JSON.parse(stdout);
    };
    const awsError = async (...args: string[]) => {
      const bin = requireTool(cli.tool, cli.hint);
      try {
        await run(bin, [...args, '--endpoint-url', server.url], { env: awsCliEnv(), timeout: 30_000 });
      } catch (e: any) {
        return { code: e.code as number, stderr: String(e.stderr) };
      }
      throw new Error(`expected ${args.join(' ')} to fail`);
    };

    describe(cli.label, () => {
      it('describe-target-health shows the target registering', async () => {
        const out = await aws('elbv2', 'describe-target-health', '--target-group-arn', blueArn);
        assert.deepEqual(out.TargetHealthDescriptions[0].Target, {
          Id: '10.0.1.5',
          Port: 8080,
          AvailabilityZone: 'us-east-1b',
        });
        assert.deepEqual(out.TargetHealthDescriptions[0].TargetHealth, {
          State: 'initial',
          Reason: 'Elb.RegistrationInProgress',
          Description: 'Target registration is in progress',
        });
      });

      it('modify-listener writes weights that describe-listeners reads back', async () => {
        // WHEN
        const actions = [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blueArn, Weight: 80 },
                { TargetGroupArn: greenArn, Weight: 20 },
              ],
            },
          },
        ];
        await aws(
          'elbv2',
          'modify-listener',
          '--listener-arn',
          listenerArn,
          '--default-actions',
          JSON.stringify(actions),
        );
        const out = await aws('elbv2', 'describe-listeners', '--load-balancer-arn', lbArn);
        // THEN
        assert.deepEqual(out.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups, [
          { TargetGroupArn: blueArn, Weight: 80 },
          { TargetGroupArn: greenArn, Weight: 20 },
        ]);
        assert.deepEqual(
          model.forwardTargets(listenerArn).map((g) => g.weight),
          [80, 20],
        );
        model.setForwardWeights(listenerArn, [{ targetGroupArn: blueArn, weight: 1 }]);
      });

      it('reports an ELBv2 error code', async () => {
        const err = await awsError(
          'elbv2',
          'describe-target-health',
          '--target-group-arn',
          blueArn.replace('web-blue', 'nope'),
        );
        assert.notEqual(err.code, 0);
        assert.match(err.stderr, /\(TargetGroupNotFound\) when calling the DescribeTargetHealth operation/);
      });

      it('sts get-caller-identity names the sandbox account', async () => {
        const out = await aws('sts', 'get-caller-identity');
        assert.equal(out.Account, '000000000000');
        assert.equal(out.Arn, 'arn:aws:iam::000000000000:user/sandbox');
      });

      it(`cloudwatch list-metrics and describe-alarms (${cli.cwProtocol})`, async () => {
        // WHEN
        const before = cw.inputs.length;
        const metrics = await aws('cloudwatch', 'list-metrics', '--namespace', 'AWS/ApplicationELB');
        const alarms = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'edge-p99-latency');
        // THEN
        assert.equal(cw.inputs[before]?.protocol, cli.cwProtocol);
        assert.equal(metrics.Metrics[0].MetricName, 'RequestCount');
        // awscli 1 prints timestamps as they came: epoch seconds from JSON, ISO-8601 from XML.
        const ts = alarms.MetricAlarms[0].StateUpdatedTimestamp;
        assert.equal(typeof ts === 'number' ? ts * 1000 : Date.parse(ts), ALARM_TIME.getTime());
        assert.equal(alarms.MetricAlarms[0].Threshold, 0.5);
      });

      it('reports a CloudWatch error code', async () => {
        const err = await awsError('cloudwatch', 'list-metrics', '--namespace', 'Bad/Namespace');
        assert.match(
          err.stderr,
          /\(InvalidParameterValue\) when calling the ListMetrics operation: The namespace Bad\/Namespace is not valid/,
        );
      });
    });
  }

  describe('botocore forced onto Smithy RPC v2 CBOR', () => {
    const call = (op: string, params: object) => botocoreCbor(server.url, op, params);

    it('round-trips results and timestamps', async () => {
      const before = cw.inputs.length;
      const out = await call('DescribeAlarms', { AlarmNames: ['edge-p99-latency'], MaxRecords: 10 });
      assert.equal(out.protocol, 'smithy-rpc-v2-cbor');
      assert.equal(cw.inputs[before]?.protocol, 'cbor');
      assert.deepEqual(cw.inputs[before]?.input, { AlarmNames: ['edge-p99-latency'], MaxRecords: 10 });
      assert.equal(Date.parse(out.result.MetricAlarms[0].StateUpdatedTimestamp), ALARM_TIME.getTime());
    });

    it('decodes timestamps it sends into Dates', async () => {
      await call('GetMetricData', {
        StartTime: '2026-01-01T00:00:00Z',
        EndTime: '2026-01-01T00:05:00Z',
        MetricDataQueries: [],
      });
      const input = cw.inputs.at(-1)?.input;
      assert.ok(input.StartTime instanceof Date);
      assert.equal(input.StartTime.getTime(), Date.UTC(2026, 0, 1));
    });

    it('reads errors by their awsQuery code', async () => {
      const out = await call('ListMetrics', { Namespace: 'Bad/Namespace' });
      assert.deepEqual(out.error, {
        Code: 'InvalidParameterValue',
        Message: 'The namespace Bad/Namespace is not valid',
      });
    });
  });
});
