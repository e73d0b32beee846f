import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { type ElbWorld, rejection, startElbWorld } from '../elbv2/fixture.ts';

const ROLE = 'arn:aws:iam::111122223333:role/cutover-agent';

describe('STS', () => {
  let w: ElbWorld;
  before(async () => {
    w = await startElbWorld();
    w.sts.setRole(ROLE, { externalId: 'blue-cluster' });
  });
  after(async () => {
    await w.close();
  });

  it('names the sandbox user as the caller', async () => {
    const id = await w.stsClient.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, '000000000000');
    assert.equal(id.Arn, 'arn:aws:iam::000000000000:user/sandbox');
    assert.match(id.UserId ?? '', /^AIDA[0-9A-F]{17}$/);
  });

  it('assumes a role with its ExternalId and records it', async () => {
    // WHEN
    const out = await w.stsClient.send(
      new AssumeRoleCommand({
        RoleArn: ROLE,
        RoleSessionName: 'cutover',
        ExternalId: 'blue-cluster',
        DurationSeconds: 900,
      }),
    );
    // THEN
    assert.match(out.Credentials?.AccessKeyId ?? '', /^ASIA[0-9A-F]{16}$/);
    assert.equal(out.Credentials?.Expiration?.getTime(), w.clock.now() + 900_000);
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::111122223333:assumed-role/cutover-agent/cutover');
    const rec = w.sts.assumed.at(-1)!;
    assert.deepEqual(
      [rec.roleArn, rec.roleSessionName, rec.externalId, rec.callerAccessKeyId],
      [ROLE, 'cutover', 'blue-cluster', 'x'],
    );
  });

  const bad: Array<[string, Record<string, any>, string]> = [
    ['a wrong ExternalId', { ExternalId: 'green-cluster' }, 'AccessDenied'],
    ['a missing ExternalId', { ExternalId: undefined }, 'AccessDenied'],
    ['a malformed role ARN', { RoleArn: 'arn:aws:iam::1:user/x-long-enough-arn' }, 'ValidationError'],
    ['a one-character session name', { RoleSessionName: 'c' }, 'ValidationError'],
    ['an ExternalId with a space', { ExternalId: 'blue cluster' }, 'ValidationError'],
    ['a duration below 900 s', { DurationSeconds: 899 }, 'ValidationError'],
    ['a duration beyond the role maximum', { DurationSeconds: 7200 }, 'ValidationError'],
  ];
  for (const [name, change, code] of bad) {
    it(`refuses ${name}`, async () => {
      const input = { RoleArn: ROLE, RoleSessionName: 'cutover', ExternalId: 'blue-cluster', ...change };
      const err = await rejection(w.stsClient.send(new AssumeRoleCommand(input)));
      assert.equal(err.name, code, err.message);
      if (code === 'AccessDenied') assert.equal(err.$metadata?.httpStatusCode, 403);
    });
  }

  it('serves clients using fromTemporaryCredentials, which see the assumed identity', async () => {
    // GIVEN credentials from AssumeRole through the sandbox's STS
    const credentials = fromTemporaryCredentials({
      masterCredentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      params: { RoleArn: ROLE, RoleSessionName: 'agent-blue', ExternalId: 'blue-cluster' },
      clientConfig: { region: 'us-east-1', endpoint: w.server.url },
    });
    const elb = new ElasticLoadBalancingV2Client({ region: 'us-east-1', endpoint: w.server.url, credentials });
    const sts = new STSClient({ region: 'us-east-1', endpoint: w.server.url, credentials });
    try {
      // WHEN
      const lbs = await elb.send(new DescribeLoadBalancersCommand({}));
      const id = await sts.send(new GetCallerIdentityCommand({}));
      // THEN
      assert.equal(lbs.LoadBalancers?.[0]?.LoadBalancerName, 'edge');
      assert.equal(id.Arn, 'arn:aws:sts::111122223333:assumed-role/cutover-agent/agent-blue');
      assert.equal(w.sts.assumed.at(-1)?.roleSessionName, 'agent-blue');
    } finally {
      elb.destroy();
      sts.destroy();
    }
  });

  it('is reached through AWS_ENDPOINT_URL_* variables', async () => {
    // GIVEN
    const saved = { ...process.env };
    process.env.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 = w.server.url;
    process.env.AWS_ENDPOINT_URL_STS = w.server.url;
    const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
    const elb = new ElasticLoadBalancingV2Client({ region: 'us-east-1', credentials });
    const sts = new STSClient({ region: 'us-east-1', credentials });
    try {
      // WHEN / THEN
      assert.equal((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers?.length, 1);
      assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, '000000000000');
    } finally {
      process.env = saved;
      elb.destroy();
      sts.destroy();
    }
  });
});
