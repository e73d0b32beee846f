import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { checkRegion, createAwsClients } from '../../src/aws/clients.ts';
import { createRolloutClients } from '../../src/aws/cluster-clients.ts';
import { ElbForwardWeights } from '../../src/aws/elb-forward.ts';
import { awsErrorCode, toCutoverError } from '../../src/aws/errors.ts';
import { CloudWatchMetrics } from '../../src/aws/metrics.ts';
import { type AwsWorld, DUMMY, rejectionOf, startAwsWorld } from './fixture.ts';

const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
  'AWS_ENDPOINT_URL_CLOUDWATCH',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];

/** Runs with exactly these AWS_* variables (the others unset), restoring the environment after. */
function withEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, {
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...vars,
  });
  return () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}

describe('createAwsClients', () => {
  let w: AwsWorld;
  let restore: (() => void) | undefined;
  before(async () => {
    w = await startAwsWorld();
  });
  afterEach(() => {
    restore?.();
    restore = undefined;
  });
  after(() => w.close());

  /** Clients that assume `roleArn` (which requires `required` as its external id) giving `given`. */
  function roleClients(roleArn: string, required: string, given: string) {
    w.stsModel.setRole(roleArn, { externalId: required });
    return createAwsClients({
      region: 'us-east-1',
      clock: w.clock,
      credentials: DUMMY,
      endpoint: w.server.url,
      assumeRole: { roleArn, externalId: given },
    });
  }

  it('reaches each service through AWS_ENDPOINT_URL_* and takes credentials from the environment', async () => {
    // GIVEN only the environment says where and who
    restore = withEnv({
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: w.server.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: w.server.url,
      AWS_ENDPOINT_URL_STS: w.server.url,
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    const clients = createAwsClients({ region: 'us-east-1', clock: w.clock });
    const calls = w.log.calls.length;
    try {
      // WHEN
      const live = await new ElbForwardWeights(clients.elbv2).readForward(w.route);
      const me = await clients.whoAmI();
      await new CloudWatchMetrics(clients.cloudwatch).queryMetrics(
        [
          {
            id: 'a',
            namespace: 'AWS/ApplicationELB',
            metricName: 'RequestCount',
            dimensions: {},
            stat: 'Sum',
            periodSec: 60,
          },
        ],
        { startMs: w.clock.now() - 600_000, endMs: w.clock.now() },
      );
      // THEN all three services were served by the sandbox
      assert.deepEqual(live.weights, { [w.blue]: 100, [w.green]: 0 });
      assert.equal(me.arn, w.stsModel.userArn);
      assert.deepEqual(
        w.log.calls.slice(calls).map((c) => c.service),
        ['elbv2', 'sts', 'cloudwatch'],
      );
    } finally {
      clients.destroy();
    }
  });

  it('turns missing credentials into E_AWS_NO_CREDENTIALS saying how to provide them', async () => {
    // GIVEN no keys, no profile files, no instance metadata
    restore = withEnv({ AWS_ENDPOINT_URL_STS: w.server.url, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: w.server.url });
    const clients = createAwsClients({ region: 'us-east-1', clock: w.clock });
    try {
      // WHEN
      const err = await rejectionOf(new ElbForwardWeights(clients.elbv2).readForward(w.route));
      // THEN
      assert.equal(err.code, 'E_AWS_NO_CREDENTIALS');
      assert.match(err.message, /no AWS credentials were found/);
      assert.match(err.hint, /AWS_PROFILE/);
      assert.equal(err.exitCode, 2);
    } finally {
      clients.destroy();
    }
  });

  it('GIVEN AWS_ENDPOINT_URL_* at a port nothing listens on THEN the error names that endpoint and its variable, not the AWS Health Dashboard', async () => {
    const url = await closedUrl();
    restore = withEnv({
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: url,
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    const clients = createAwsClients({ region: 'us-east-1', clock: w.clock, maxAttempts: 1 });
    try {
      const err = await rejectionOf(new ElbForwardWeights(clients.elbv2).readForward(w.route));
      assert.equal(err.code, 'E_AWS_UNREACHABLE');
      assert.equal(
        err.message,
        `DescribeListeners for route "web" failed: cannot reach the AWS endpoint ${url} from AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 — is it running? (connect ECONNREFUSED ${url.slice('http://'.length)})`,
      );
      assert.match(err.hint, /cutover sandbox/);
      assert.match(err.hint, /unset AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2/);
      assert.doesNotMatch(err.hint, /Health Dashboard/);
      assert.equal(err.value, undefined, 'the listener is not what was wrong');
      assert.equal(err.exitCode, 1);
    } finally {
      clients.destroy();
    }
  });

  it('GIVEN AWS itself unreachable (no endpoint override) THEN "cannot reach AWS", with the network and the Health Dashboard to check', async () => {
    restore = withEnv({});
    const url = await closedUrl();
    // The endpoint given in code (as the demo does), not by the environment: the SDK's own choice.
    const clients = createAwsClients({
      region: 'us-east-1',
      clock: w.clock,
      credentials: DUMMY,
      endpoint: url,
      maxAttempts: 1,
    });
    try {
      const err = await rejectionOf(new ElbForwardWeights(clients.elbv2).readForward(w.route));
      assert.equal(err.code, 'E_AWS_UNREACHABLE');
      assert.match(
        err.message,
        /^DescribeListeners for route "web" failed: cannot reach AWS \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
      );
      assert.match(err.hint, /HTTPS_PROXY/);
      assert.match(err.hint, /AWS Health Dashboard/);
    } finally {
      clients.destroy();
    }
  });

  it('assumes a cluster role with its external id once, shares it between clients, and refreshes it before expiry', async () => {
    // GIVEN a role that needs an external id
    const clients = roleClients('arn:aws:iam::111122223333:role/cutover-driver', 'ext-1234', 'ext-1234');
    const assumedBefore = w.stsModel.assumed.length;
    try {
      // WHEN several calls are made with it
      const me = await clients.whoAmI();
      await new ElbForwardWeights(clients.elbv2).readForward(w.route);
      await clients.whoAmI();
      // THEN it was assumed once, with the external id, and calls run as the role
      assert.match(me.arn, /^arn:aws:sts::111122223333:assumed-role\/cutover-driver\/cutover-\d+$/);
      const assumed = w.stsModel.assumed.slice(assumedBefore);
      assert.equal(assumed.length, 1);
      assert.equal(assumed[0]!.externalId, 'ext-1234');
      // WHEN the session nears its end (1 h; refreshed within 5 min of it)
      await w.clock.advance(54 * 60_000);
      await clients.whoAmI();
      assert.equal(w.stsModel.assumed.length - assumedBefore, 1);
      await w.clock.advance(2 * 60_000);
      await clients.whoAmI();
      // THEN it is assumed again
      assert.equal(w.stsModel.assumed.length - assumedBefore, 2);
    } finally {
      clients.destroy();
    }
  });

  it('gives each cluster its role’s clients, sharing one role between clusters and the default identity otherwise', async () => {
    // GIVEN three clusters: blue with no role, green and red with the same role
    const assume = { roleArn: 'arn:aws:iam::111122223333:role/shared', externalId: 'shared-1' };
    w.stsModel.setRole(assume.roleArn, { externalId: 'shared-1' });
    const rollout = createRolloutClients({
      region: 'us-east-1',
      clock: w.clock,
      credentials: DUMMY,
      endpoint: w.server.url,
      clusters: [
        { name: 'blue', context: 'blue' },
        { name: 'green', context: 'green', assumeRole: assume },
        { name: 'red', context: 'red', assumeRole: assume },
      ],
    });
    const assumedBefore = w.stsModel.assumed.length;
    try {
      // WHEN each cluster asks who it is
      const blue = await rollout.forCluster('blue').whoAmI();
      const green = await rollout.forCluster('green').whoAmI();
      const red = await rollout.forCluster('red').whoAmI();
      // THEN blue is the caller itself, green and red the role, assumed once
      assert.equal(blue.arn, w.stsModel.userArn);
      assert.match(green.arn, /assumed-role\/shared\//);
      assert.equal(red.arn, green.arn);
      assert.equal(rollout.forCluster('red'), rollout.forCluster('green'));
      assert.equal(rollout.forCluster('blue'), rollout.main);
      assert.equal(w.stsModel.assumed.length - assumedBefore, 1);
    } finally {
      rollout.destroy();
    }
  });

  it('reports a role that refuses the external id as access denied, naming the role', async () => {
    const roleArn = 'arn:aws:iam::111122223333:role/strict';
    const clients = roleClients(roleArn, 'right', 'wrong');
    try {
      const err = await rejectionOf(clients.whoAmI());
      assert.equal(err.code, 'E_AWS_ACCESS_DENIED');
      assert.equal(err.value, roleArn);
      assert.match(err.message, /^AssumeRole failed: /);
      assert.match(err.hint, /trust policy of arn:aws:iam::111122223333:role\/strict .*assumeRole.externalId/);
    } finally {
      clients.destroy();
    }
  });
});

/** An http:// URL on loopback where nothing listens (a port just freed). */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('region and error mapping', () => {
  it('refuses ARNs of another region, naming both regions', () => {
    const arn =
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/0123456789abcdef/0123456789abcdef';
    assert.throws(
      () => checkRegion('us-east-1', [arn]),
      (e: any) =>
        e.code === 'E_AWS_REGION_MISMATCH' &&
        e.value === arn &&
        /in region eu-west-1, but the clients use us-east-1/.test(e.message) &&
        /spec.region to eu-west-1/.test(e.hint),
    );
    checkRegion('eu-west-1', [arn]);
  });

  it('checks the route against the client’s region before any call', async () => {
    // GIVEN clients for eu-west-1 and a route in us-east-1
    const w = await startAwsWorld();
    const clients = createAwsClients({
      region: 'eu-west-1',
      clock: w.clock,
      credentials: DUMMY,
      endpoint: w.server.url,
    });
    try {
      // WHEN
      const err = await rejectionOf(new ElbForwardWeights(clients.elbv2).readForward(w.route));
      // THEN
      assert.equal(err.code, 'E_AWS_REGION_MISMATCH');
      assert.equal(err.value, w.listenerArn);
      assert.equal(w.log.calls.length, 0);
    } finally {
      clients.destroy();
      await w.close();
    }
  });

  const table: Array<[string, string, string]> = [
    ['ListenerNotFoundException', 'ListenerNotFound', 'E_AWS_LISTENER_NOT_FOUND'],
    ['RuleNotFoundException', 'RuleNotFound', 'E_AWS_RULE_NOT_FOUND'],
    ['TargetGroupNotFoundException', 'TargetGroupNotFound', 'E_AWS_TARGET_GROUP_NOT_FOUND'],
    ['AccessDenied', 'AccessDenied', 'E_AWS_ACCESS_DENIED'],
    ['AccessDeniedException', 'AccessDeniedException', 'E_AWS_ACCESS_DENIED'],
    ['Throttling', 'Throttling', 'E_AWS_THROTTLED'],
    ['ThrottlingException', 'ThrottlingException', 'E_AWS_THROTTLED'],
    ['ValidationError', 'ValidationError', 'E_AWS_INVALID_REQUEST'],
    ['InvalidLoadBalancerActionException', 'InvalidLoadBalancerAction', 'E_AWS_INVALID_REQUEST'],
    ['ExpiredToken', 'ExpiredToken', 'E_AWS_BAD_CREDENTIALS'],
    ['InternalFailure', 'InternalFailure', 'E_AWS_CALL_FAILED'],
    ['constructor', 'constructor', 'E_AWS_CALL_FAILED'],
  ];
  for (const [name, code, mapped] of table) {
    it(`maps ${name} to ${mapped}`, () => {
      const e = Object.assign(new Error('boom'), { name });
      assert.equal(awsErrorCode(e), code);
      const c = toCutoverError(e, { operation: 'ModifyRule', arn: 'arn:x', route: 'web' });
      assert.equal(c.code, mapped);
      // Bad credentials fail every call alike: the resource is not what was wrong.
      assert.equal(c.value, mapped === 'E_AWS_BAD_CREDENTIALS' ? undefined : 'arn:x');
      assert.ok(c.message.startsWith('ModifyRule for route "web" failed: '), c.message);
      assert.ok(c.message.includes(`${code}: boom`));
      assert.ok(c.hint);
    });
  }

  it('GIVEN a service endpoint from the environment THEN an AWS failure points there, not at the AWS Health Dashboard', () => {
    const e = Object.assign(new Error('We encountered an internal error.'), { name: 'InternalFailure' });
    const env = { AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:37777' };
    const c = toCutoverError(e, { operation: 'GetMetricData' }, env);
    assert.equal(c.code, 'E_AWS_CALL_FAILED');
    assert.match(c.hint!, /went to http:\/\/127\.0\.0\.1:37777 \(AWS_ENDPOINT_URL_CLOUDWATCH\), not AWS/);
    // Another service's variable, or one the SDK is told to ignore, changes nothing.
    for (const other of [
      { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:37777' },
      { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    ]) {
      assert.match(toCutoverError(e, { operation: 'GetMetricData' }, other).hint!, /AWS Health Dashboard/);
    }
    // AWS_ENDPOINT_URL stands for every service without its own.
    assert.match(
      toCutoverError(e, { operation: 'ModifyListener' }, { AWS_ENDPOINT_URL: 'http://localhost:4566' }).hint!,
      /went to http:\/\/localhost:4566 \(AWS_ENDPOINT_URL\)/,
    );
  });
});
