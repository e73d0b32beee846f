import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createAwsClients } from '../../src/aws/clients.ts';
import { describeDrift, detectDrift } from '../../src/aws/drift.ts';
import { ElbForwardWeights } from '../../src/aws/elb-forward.ts';
import type { RouteRef } from '../../src/aws/ports.ts';
import { type AwsWorld, DUMMY, forwardTo, rejectionOf, startAwsWorld } from './fixture.ts';

/** Records the input of every command the client sends (the real SDK's middleware stack). */
function captureInputs(client: ElasticLoadBalancingV2Client): Array<{ op: string; input: any }> {
  const seen: Array<{ op: string; input: any }> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push({ op: String(context.commandName).replace(/Command$/, ''), input: structuredClone(args.input) });
      return next(args);
    },
    { step: 'initialize', name: 'captureInputs' },
  );
  return seen;
}

/** An action list with the secret-related fields taken out (AWS never returns ClientSecret). */
function withoutSecrets(actions: Action[] | undefined): unknown {
  return (actions ?? []).map((a) => {
    if (!a.AuthenticateOidcConfig) return a;
    const { ClientSecret: _s, UseExistingClientSecret: _u, ...rest } = a.AuthenticateOidcConfig;
    return { ...a, AuthenticateOidcConfig: rest };
  });
}

const OIDC = {
  Issuer: 'https://idp.example.com',
  AuthorizationEndpoint: 'https://idp.example.com/authorize',
  TokenEndpoint: 'https://idp.example.com/token',
  UserInfoEndpoint: 'https://idp.example.com/userinfo',
  ClientId: 'cutover-test',
  ClientSecret: 'do-not-resend',
  SessionTimeout: 3600,
  OnUnauthenticatedRequest: 'authenticate',
};

describe('ElbForwardWeights on a listener with authentication, stickiness and a third target group', () => {
  let w: AwsWorld;
  let canary: string;
  let sent: Array<{ op: string; input: any }>;
  const forward = () => new ElbForwardWeights(w.clients.elbv2);
  const describe1 = async () =>
    (await w.clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn] }))).Listeners![0]!
      .DefaultActions!;

  before(async () => {
    w = await startAwsWorld();
    // A third group outside the rollout, on the same forward, with stickiness on.
    canary = w.elbModel.createTargetGroup({ Name: 'web-canary', Protocol: 'HTTP', Port: 80, TargetType: 'ip' }).arn;
    // Authenticate actions need an HTTPS listener (as on AWS).
    w.elbModel.call('ModifyListener', {
      ListenerArn: w.listenerArn,
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [
        { CertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/0b1c2d3e-0000-4000-8000-000000000001' },
      ],
      DefaultActions: [
        { Type: 'authenticate-oidc', Order: 1, AuthenticateOidcConfig: OIDC },
        {
          Type: 'forward',
          Order: 2,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: w.blue, Weight: 90 },
              { TargetGroupArn: w.green, Weight: 0 },
              { TargetGroupArn: canary, Weight: 10 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
          },
        },
      ],
    });
    sent = captureInputs(w.clients.elbv2);
  });
  after(() => w.close());

  it('reads every target group weight and the stickiness of the forward action', async () => {
    // WHEN
    const live = await forward().readForward(w.route);
    // THEN
    assert.deepEqual(live.weights, { [w.blue]: 90, [w.green]: 0, [canary]: 10 });
    assert.deepEqual(live.stickiness, { enabled: true, durationSeconds: 300 });
    assert.equal(live.route, 'web');
  });

  it('changes only the rollout weights: the whole action list is otherwise identical before and after', async () => {
    // GIVEN
    const beforeWrite = await describe1();
    sent.length = 0;
    // WHEN
    const readBack = await forward().setWeights(w.route, { [w.blue]: 45, [w.green]: 45 });
    const ops = sent.map((s) => s.op);
    // THEN the read-back is returned and shows the new weights, the canary's untouched
    assert.deepEqual(readBack.weights, { [w.blue]: 45, [w.green]: 45, [canary]: 10 });
    const afterWrite = await describe1();
    const expected = structuredClone(beforeWrite);
    for (const g of expected[1]!.ForwardConfig!.TargetGroups!) {
      if (g.TargetGroupArn === w.blue || g.TargetGroupArn === w.green) g.Weight = 45;
    }
    assert.deepEqual(withoutSecrets(afterWrite), withoutSecrets(expected));
    // and the write never resent the client secret, asking AWS to keep the existing one
    const modify = sent.find((s) => s.op === 'ModifyListener')!;
    const oidc = modify.input.DefaultActions[0].AuthenticateOidcConfig;
    assert.equal(oidc.ClientSecret, undefined);
    assert.equal(oidc.UseExistingClientSecret, true);
    assert.deepEqual(modify.input.DefaultActions[1].ForwardConfig.TargetGroupStickinessConfig, {
      Enabled: true,
      DurationSeconds: 300,
    });
    // and it was verified by reading back (Describe, Modify, Describe)
    assert.deepEqual(ops, ['DescribeListeners', 'ModifyListener', 'DescribeListeners']);
  });

  it('refuses weights outside 0–999 or for a group that is not the route’s, without calling AWS', async () => {
    sent.length = 0;
    const tooBig = await rejectionOf(forward().setWeights(w.route, { [w.blue]: 1000 }));
    assert.equal(tooBig.code, 'E_WEIGHTS');
    assert.match(tooBig.message, /weight 1000/);
    const foreign = await rejectionOf(forward().setWeights(w.route, { [canary]: 5 }));
    assert.equal(foreign.code, 'E_WEIGHTS');
    assert.deepEqual(sent, []);
  });

  it('fails with E_WEIGHTS_NOT_APPLIED when the read-back differs (someone wrote in between)', async () => {
    // GIVEN another writer sets 50/50 right after our ModifyListener lands
    w.clients.elbv2.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'ModifyListenerCommand') {
          w.elbModel.setForwardWeights(w.listenerArn, [
            { targetGroupArn: w.blue, weight: 50 },
            { targetGroupArn: w.green, weight: 50 },
          ]);
        }
        return out;
      },
      { step: 'initialize', name: 'concurrentWriter' },
    );
    try {
      // WHEN
      const err = await rejectionOf(forward().setWeights(w.route, { [w.blue]: 30, [w.green]: 60 }));
      // THEN
      assert.equal(err.code, 'E_WEIGHTS_NOT_APPLIED');
      assert.ok(err.message.includes(`${w.blue}: wrote 30, read 50`), err.message);
      assert.ok(err.message.includes(`${w.green}: wrote 60, read 50`), err.message);
    } finally {
      w.clients.elbv2.middlewareStack.remove('concurrentWriter');
    }
  });
});

describe('ElbForwardWeights on rules', () => {
  let w: AwsWorld;
  let ruleArn: string;
  let sent: Array<{ op: string; input: any }>;
  const conditions = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }];

  before(async () => {
    w = await startAwsWorld();
    ruleArn = w.elbModel.createRule({
      ListenerArn: w.listenerArn,
      Priority: 10,
      Conditions: conditions,
      Actions: [forwardTo({ [w.blue]: 100, [w.green]: 0 })],
    }).arn;
    sent = captureInputs(w.clients.elbv2);
  });
  after(() => w.close());

  it('writes a rule with ModifyRule and never resends its conditions', async () => {
    // GIVEN
    const route: RouteRef = { ...w.route, kind: 'rule', arn: ruleArn };
    sent.length = 0;
    // WHEN
    const readBack = await new ElbForwardWeights(w.clients.elbv2).setWeights(route, { [w.blue]: 75, [w.green]: 25 });
    // THEN
    assert.deepEqual(readBack.weights, { [w.blue]: 75, [w.green]: 25 });
    const modify = sent.filter((s) => s.op === 'ModifyRule');
    assert.equal(modify.length, 1);
    assert.deepEqual(Object.keys(modify[0]!.input).sort(), ['Actions', 'RuleArn']);
    const rule = (await w.clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0]!;
    assert.deepEqual(rule.Conditions?.[0]?.PathPatternConfig?.Values, ['/api/*']);
    assert.equal(rule.Conditions?.[0]?.Field, 'path-pattern');
  });

  it('writes a default rule through ModifyListener on its listener, never ModifyRule', async () => {
    // GIVEN the listener's default rule named as the route
    const rules = await w.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: w.listenerArn }));
    const defaultRule = rules.Rules!.find((r) => r.IsDefault)!.RuleArn!;
    const route: RouteRef = { ...w.route, kind: 'rule', arn: defaultRule };
    sent.length = 0;
    // WHEN
    const readBack = await new ElbForwardWeights(w.clients.elbv2).setWeights(route, { [w.blue]: 60, [w.green]: 40 });
    // THEN
    assert.deepEqual(readBack.weights, { [w.blue]: 60, [w.green]: 40 });
    assert.equal(sent.filter((s) => s.op === 'ModifyRule').length, 0);
    assert.equal(sent.filter((s) => s.op === 'ModifyListener')[0]?.input.ListenerArn, w.listenerArn);
    assert.deepEqual(w.elbModel.forwardTargets(w.listenerArn), [
      { targetGroupArn: w.blue, weight: 60 },
      { targetGroupArn: w.green, weight: 40 },
    ]);
  });
});

describe('ElbForwardWeights errors', () => {
  let w: AwsWorld;
  before(async () => {
    w = await startAwsWorld();
  });
  after(() => w.close());

  it('names the route and ARN when the listener does not exist', async () => {
    const arn = w.listenerArn.replace(/[0-9a-f]{16}$/, '0123456789abcdef');
    const err = await rejectionOf(new ElbForwardWeights(w.clients.elbv2).readForward({ ...w.route, arn }));
    assert.equal(err.code, 'E_AWS_LISTENER_NOT_FOUND');
    assert.equal(err.value, arn);
    assert.match(err.message, /DescribeListeners for route "web" failed: the listener does not exist/);
    assert.ok(err.hint);
  });

  it('names the rule when the rule does not exist', async () => {
    const arn = `${w.listenerArn.replace(':listener/', ':listener-rule/')}/0123456789abcdef`;
    const err = await rejectionOf(
      new ElbForwardWeights(w.clients.elbv2).readForward({ ...w.route, kind: 'rule', arn }),
    );
    assert.equal(err.code, 'E_AWS_RULE_NOT_FOUND');
    assert.equal(err.value, arn);
  });

  it('refuses a route whose terminal action is not a forward, saying what it is', async () => {
    // GIVEN a rule that redirects
    const ruleArn = w.elbModel.createRule({
      ListenerArn: w.listenerArn,
      Priority: 20,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['old.example.com'] } }],
      Actions: [{ Type: 'redirect', RedirectConfig: { Host: 'new.example.com', StatusCode: 'HTTP_301' } }],
    }).arn;
    // WHEN
    const err = await rejectionOf(
      new ElbForwardWeights(w.clients.elbv2).readForward({ ...w.route, kind: 'rule', arn: ruleArn }),
    );
    // THEN
    assert.equal(err.code, 'E_ROUTE_NOT_FORWARD');
    assert.equal(err.value, 'redirect');
    assert.match(err.message, /route "web" \(rule .*\) ends in a redirect action, not a forward/);
  });

  it('names the cluster and target group missing from the forward action, and what it forwards to', async () => {
    // GIVEN a route with a third cluster the listener does not forward to
    const red = w.elbModel.createTargetGroup({ Name: 'web-red', Protocol: 'HTTP', Port: 80, TargetType: 'ip' }).arn;
    const route: RouteRef = { ...w.route, targetGroups: { ...w.route.targetGroups, red } };
    // WHEN
    const err = await rejectionOf(new ElbForwardWeights(w.clients.elbv2).readForward(route));
    // THEN
    assert.equal(err.code, 'E_ROUTE_TARGET_GROUP_MISSING');
    assert.ok(err.message.includes(`red (${red})`), err.message);
    assert.ok(err.message.includes(w.blue));
    assert.deepEqual(err.value, [w.blue, w.green]);
  });

  it('refuses to set every weight of the forward action to 0, before writing', async () => {
    const modifies = w.log.count('ModifyListener');
    const err = await rejectionOf(
      new ElbForwardWeights(w.clients.elbv2).setWeights(w.route, { [w.blue]: 0, [w.green]: 0 }),
    );
    assert.equal(err.code, 'E_WEIGHTS');
    assert.match(err.message, /every weight of the forward action would be 0/);
    assert.equal(w.log.count('ModifyListener'), modifies);
  });

  it('absorbs throttling with the SDK retries (the call succeeds on the third attempt)', async () => {
    // GIVEN the next two ModifyListener calls are throttled
    w.log.failNext('ModifyListener', 2);
    const before = w.log.count('ModifyListener');
    // WHEN
    const readBack = await new ElbForwardWeights(w.clients.elbv2).setWeights(w.route, { [w.blue]: 95, [w.green]: 5 });
    // THEN
    assert.deepEqual(readBack.weights, { [w.blue]: 95, [w.green]: 5 });
    assert.equal(w.log.count('ModifyListener') - before, 3);
  });

  it('reports throttling that outlasts the retries as E_AWS_THROTTLED with the ARN', async () => {
    // GIVEN clients with 2 attempts and 5 throttled DescribeListeners ahead
    const clients = createAwsClients({
      region: 'us-east-1',
      clock: w.clock,
      credentials: DUMMY,
      endpoint: w.server.url,
      maxAttempts: 2,
    });
    w.log.failNext('DescribeListeners', 2);
    try {
      // WHEN
      const err = await rejectionOf(new ElbForwardWeights(clients.elbv2).readForward(w.route));
      // THEN
      assert.equal(err.code, 'E_AWS_THROTTLED');
      assert.equal(err.value, w.listenerArn);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /Throttling: Rate exceeded/);
    } finally {
      clients.destroy();
    }
  });

  it('detects drift: live weights that differ from the last written, per target group', async () => {
    // GIVEN cutover wrote 80/20, then someone set 50/50 by hand
    const fw = new ElbForwardWeights(w.clients.elbv2);
    const written = (await fw.setWeights(w.route, { [w.blue]: 80, [w.green]: 20 })).weights;
    assert.equal(detectDrift(written, await fw.readForward(w.route)), undefined);
    w.elbModel.setForwardWeights(w.listenerArn, [
      { targetGroupArn: w.blue, weight: 50 },
      { targetGroupArn: w.green, weight: 50 },
    ]);
    // WHEN
    const drift = detectDrift(written, await fw.readForward(w.route));
    // THEN
    assert.ok(drift);
    assert.deepEqual(drift.differences, [
      { targetGroupArn: w.blue, expected: 80, found: 50 },
      { targetGroupArn: w.green, expected: 20, found: 50 },
    ]);
    assert.equal(drift.route, 'web');
    assert.match(describeDrift(drift), /targetgroup\/web-blue\/[0-9a-f]{16} 80 → 50/);
  });
});
