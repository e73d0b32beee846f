import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { cbor } from '@smithy/core/cbor';
import { AwsError } from '../../../src/sandbox/aws/errors.ts';
import { type AwsServer, startAwsServer } from '../../../src/sandbox/aws/server.ts';
import { createElbv2Handler } from '../../../src/sandbox/elbv2/handler.ts';
import { Elbv2Model } from '../../../src/sandbox/elbv2/model.ts';
import { createStsHandler, StsModel } from '../../../src/sandbox/sts/sts.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { awsClientConfig } from '../../helpers/aws-env.ts';
import { rejection } from '../elbv2/fixture.ts';
import { ALARM_TIME, cloudWatchStub } from './cloudwatch-stub.ts';

describe('AWS endpoint protocols', () => {
  const clock = new ManualClock();
  const model = new Elbv2Model({ clock });
  const cw = cloudWatchStub();
  let faults: Record<string, AwsError> = {};
  let beforeCalls = 0;
  let server: AwsServer;
  let cwClient: CloudWatchClient;
  let elb: ElasticLoadBalancingV2Client;
  let lbArn: string;

  before(async () => {
    lbArn = model.createLoadBalancer({ Name: 'edge' }).arn;
    server = await startAwsServer({
      services: {
        elbv2: createElbv2Handler(model),
        cloudwatch: cw.handler,
        sts: createStsHandler(new StsModel({ clock })),
      },
      beforeRequest: () => {
        beforeCalls++;
      },
      faults: { before: (service, op) => faults[`${service}:${op}`] },
    });
    cwClient = new CloudWatchClient({ ...awsClientConfig(server.url), maxAttempts: 1 });
    elb = new ElasticLoadBalancingV2Client({ ...awsClientConfig(server.url), maxAttempts: 1 });
  });
  after(async () => {
    cwClient.destroy();
    elb.destroy();
    await server.close();
  });

  it('serves CloudWatch in AWS JSON 1.0 to the JS SDK, timestamps as epoch seconds', async () => {
    // WHEN
    const metrics = await cwClient.send(new ListMetricsCommand({ Namespace: 'AWS/ApplicationELB' }));
    const alarms = await cwClient.send(new DescribeAlarmsCommand({ AlarmNames: ['edge-p99-latency'] }));
    await cwClient.send(
      new GetMetricDataCommand({ StartTime: new Date(60_000), EndTime: new Date(120_000), MetricDataQueries: [] }),
    );
    // THEN
    assert.equal(metrics.Metrics?.[0]?.Dimensions?.[0]?.Value, 'app/edge/1330ec75395d8e31');
    assert.deepEqual(alarms.MetricAlarms?.[0]?.StateUpdatedTimestamp, ALARM_TIME);
    assert.equal(alarms.MetricAlarms?.[0]?.Threshold, 0.5);
    const gmd = cw.inputs.find((i) => i.op === 'GetMetricData')!;
    assert.equal(gmd.protocol, 'json');
    assert.equal(gmd.input.StartTime, 60);
    assert.deepEqual(cw.inputs[0]?.input, { Namespace: 'AWS/ApplicationELB' });
  });

  it('returns CloudWatch JSON errors the JS SDK maps to its modelled exception', async () => {
    const err = await rejection(cwClient.send(new ListMetricsCommand({ Namespace: 'Bad/Namespace' })));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.equal(err.message, 'The namespace Bad/Namespace is not valid');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  it('speaks Smithy RPC v2 CBOR, with Dates as epoch-seconds tags', async () => {
    // WHEN
    const body = cbor.serialize({ Namespace: 'AWS/ApplicationELB' });
    const res = await fetch(`${server.url}/service/GraniteServiceVersion20100801/operation/DescribeAlarms`, {
      method: 'POST',
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' },
      body,
    });
    const decoded = cbor.deserialize(new Uint8Array(await res.arrayBuffer()));
    // THEN
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    assert.ok(res.headers.get('x-amzn-requestid'));
    const ts = decoded.MetricAlarms[0].StateUpdatedTimestamp;
    assert.equal(Number(ts.tag), 1);
    assert.equal(ts.value, ALARM_TIME.getTime() / 1000);
  });

  it('answers CBOR errors with __type and the awsQuery code header', async () => {
    const res = await fetch(`${server.url}/service/GraniteServiceVersion20100801/operation/ListMetrics`, {
      method: 'POST',
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
      body: cbor.serialize({ Namespace: 'Bad/Namespace' }),
    });
    const decoded = cbor.deserialize(new Uint8Array(await res.arrayBuffer()));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-query-error'), 'InvalidParameterValue;Sender');
    assert.equal(decoded.__type, 'com.amazonaws.cloudwatch#InvalidParameterValueException');
    assert.equal(decoded.message, 'The namespace Bad/Namespace is not valid');
  });

  it('parses awsQuery member lists and maps, and accepts GET query strings', async () => {
    // WHEN
    const form =
      'Action=ListMetrics&Version=2010-08-01&Namespace=AWS%2FApplicationELB&Dimensions.member.2.Name=TargetGroup' +
      '&Dimensions.member.1.Name=LoadBalancer&Dimensions.member.1.Value=app%2Fedge%2Fx';
    const post = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const get = await fetch(`${server.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    // THEN
    assert.equal(post.status, 200);
    const text = await post.text();
    assert.match(
      text,
      /<ListMetricsResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><ListMetricsResult><Metrics><member>/,
    );
    assert.deepEqual(cw.inputs.at(-1)?.input, {
      Namespace: 'AWS/ApplicationELB',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/edge/x' }, { Name: 'TargetGroup' }],
    });
    assert.match(await get.text(), /<Account>000000000000<\/Account>/);
  });

  it('answers an unknown action with InvalidAction 400', async () => {
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=Nope&Version=2015-12-01',
    });
    const text = await res.text();
    assert.equal(res.status, 400);
    assert.match(text, /<Code>InvalidAction<\/Code>/);
    assert.match(text, /<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  it('injects scenario faults per operation and calls beforeRequest first', async () => {
    // GIVEN
    const calls = beforeCalls;
    faults = {
      'elbv2:DescribeListeners': new AwsError('Throttling', 'Rate exceeded', 400),
      'cloudwatch:ListMetrics': new AwsError('ServiceUnavailable', 'Service is unavailable', 503),
    };
    try {
      // WHEN
      const throttled = await rejection(elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn })));
      const unavailable = await rejection(cwClient.send(new ListMetricsCommand({})));
      // THEN
      assert.equal(throttled.name, 'Throttling');
      assert.equal(throttled.message, 'Rate exceeded');
      assert.equal(unavailable.$metadata?.httpStatusCode, 503);
      assert.equal(unavailable.name, 'ServiceUnavailable');
      assert.equal(beforeCalls, calls + 2);
    } finally {
      faults = {};
    }
    assert.equal((await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners?.length, 0);
  });
});

describe('AWS endpoint throttle', () => {
  it('throttles Describe* at a bucket of 40 refilled 10/s when enabled', async () => {
    // GIVEN
    const clock = new ManualClock();
    const model = new Elbv2Model({ clock });
    const lbArn = model.createLoadBalancer({ Name: 'edge' }).arn;
    const server = await startAwsServer({
      services: { elbv2: createElbv2Handler(model), sts: createStsHandler(new StsModel({ clock })) },
      throttle: true,
      clock,
    });
    const elb = new ElasticLoadBalancingV2Client({ ...awsClientConfig(server.url), maxAttempts: 1 });
    const describe = () => elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    try {
      // WHEN the bucket is emptied
      for (let i = 0; i < 40; i++) await describe();
      const err = await rejection(describe());
      // THEN
      assert.equal(err.name, 'Throttling');
      await clock.advance(100);
      await describe();
      assert.equal((await rejection(describe())).name, 'Throttling');
    } finally {
      elb.destroy();
      await server.close();
    }
  });
});
