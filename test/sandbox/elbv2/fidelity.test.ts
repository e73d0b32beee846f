import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  RemoveTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld } from './fixture.ts';

const s = 1000;

/** Behaviour checked against the API model (botocore service-2.json), the API reference and AWS's own examples. */
describe('ELBv2 fidelity to AWS', () => {
  let w: ElbWorld;
  beforeEach(async () => {
    w = await startElbWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('words range violations as Coral does ("less than or equal to", not "between")', async () => {
    // WHEN a port and a health-check interval are out of range
    const port = await rejection(w.elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, Port: 70000 })));
    const interval = await rejection(
      w.elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: w.blueArn, HealthCheckIntervalSeconds: 301 })),
    );
    // THEN the messages name the broken bound
    assert.equal(port.name, 'ValidationError');
    assert.equal(
      port.message,
      "1 validation error detected: Value '70000' at 'port' failed to satisfy constraint: Member must have value less than or equal to 65535",
    );
    assert.match(interval.message, /Member must have value less than or equal to 300$/);
  });

  it('reports every broken tag constraint at once, length and pattern apart', async () => {
    // WHEN a key is too long and has a forbidden character, and a value is too long
    const err = await rejection(
      w.elb.send(
        new AddTagsCommand({
          ResourceArns: [w.listenerArn],
          Tags: [{ Key: `${'k'.repeat(128)}!`, Value: 'v'.repeat(257) }],
        }),
      ),
    );
    // THEN one ValidationError with three violations
    assert.equal(err.name, 'ValidationError');
    assert.match(err.message, /^3 validation errors detected: /);
    assert.match(
      err.message,
      /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must have length less than or equal to 128/,
    );
    assert.match(
      err.message,
      /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    assert.match(
      err.message,
      /at 'tags\.1\.member\.value' failed to satisfy constraint: Member must have length less than or equal to 256/,
    );
  });

  it('refuses AddTags without tags (TagList min 1) and RemoveTags of an invalid key', async () => {
    const none = await rejection(w.elb.send(new AddTagsCommand({ ResourceArns: [w.listenerArn], Tags: [] })));
    assert.equal(none.name, 'ValidationError');
    assert.match(
      none.message,
      /at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    );
    const badKey = await rejection(w.elb.send(new RemoveTagsCommand({ ResourceArns: [w.listenerArn], TagKeys: [''] })));
    assert.equal(badKey.name, 'ValidationError');
    assert.match(badKey.message, /at 'tagKeys\.1\.member'/);
  });

  it('keeps a lease-style tag at exactly 256 characters and overwrites it in place', async () => {
    // GIVEN two tags, the second one a lease at the maximum value length
    const lease = `holder=agent-a/${'x'.repeat(256 - 15)}`;
    assert.equal(lease.length, 256);
    await w.elb.send(
      new AddTagsCommand({
        ResourceArns: [w.listenerArn],
        Tags: [
          { Key: 'cutover/state', Value: 'shifting' },
          { Key: 'cutover/lease', Value: lease },
        ],
      }),
    );
    // WHEN the first is overwritten
    await w.elb.send(
      new AddTagsCommand({ ResourceArns: [w.listenerArn], Tags: [{ Key: 'cutover/state', Value: 'done' }] }),
    );
    // THEN the value changed and nothing else did
    const d = await w.elb.send(new DescribeTagsCommand({ ResourceArns: [w.listenerArn] }));
    assert.deepEqual(d.TagDescriptions?.[0]?.Tags, [
      { Key: 'cutover/state', Value: 'done' },
      { Key: 'cutover/lease', Value: lease },
    ]);
  });

  it('leaves HealthCheckPort out for unused targets and AvailabilityZone out for instance targets', async () => {
    // GIVEN an unattached ip group with a target, and an instance group with one
    w.model.registerTargets(w.greenArn, [{ Id: '10.0.2.9' }]);
    const inst = (
      await w.elb.send(
        new CreateTargetGroupCommand({ Name: 'inst', Protocol: 'HTTP', Port: 80, TargetType: 'instance' }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
    await w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: inst, Targets: [{ Id: 'i-0123456789abcdef0' }] }));
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.9' }]);
    // WHEN
    const green = (await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: w.greenArn })))
      .TargetHealthDescriptions![0]!;
    const blue = (await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: w.blueArn })))
      .TargetHealthDescriptions![0]!;
    const unknown = (
      await w.elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id: '10.0.1.99', Port: 8080 }] }),
      )
    ).TargetHealthDescriptions![0]!;
    const instance = (await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: inst })))
      .TargetHealthDescriptions![0]!;
    // THEN
    assert.equal(green.TargetHealth?.Reason, 'Target.NotInUse');
    assert.equal(green.HealthCheckPort, undefined);
    assert.equal(green.Target?.AvailabilityZone, 'us-east-1c');
    assert.equal(blue.HealthCheckPort, '8080');
    assert.deepEqual(unknown, {
      Target: { Id: '10.0.1.99', Port: 8080 },
      TargetHealth: {
        State: 'unused',
        Reason: 'Target.NotRegistered',
        Description: 'Target is not registered to the target group',
      },
    });
    assert.deepEqual(instance.Target, { Id: 'i-0123456789abcdef0', Port: 80 });
    // AND an instance target may not name a zone
    const zoned = await rejection(
      w.elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: inst,
          Targets: [{ Id: 'i-0123456789abcdef1', AvailabilityZone: 'us-east-1a' }],
        }),
      ),
    );
    assert.equal(zoned.name, 'ValidationError');
  });

  it('registers a target named twice in one call once, and deregisters unknown targets successfully', async () => {
    const changes: string[] = [];
    w.model.onChange((e) => {
      if (e.type === 'health') changes.push(`${e.id} ${e.state}`);
    });
    // WHEN
    await w.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id: '10.0.1.5' }, { Id: '10.0.1.5' }] }),
    );
    await w.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id: '10.0.1.77' }] }));
    // THEN one registration, and the unknown target changed nothing
    assert.deepEqual(changes, ['10.0.1.5 initial']);
    assert.equal(w.model.targetsOf(w.blueArn).length, 1);
  });

  it('requires Order on every action of a multi-action rule and returns them in Order', async () => {
    const auth = {
      Type: 'authenticate-oidc' as const,
      AuthenticateOidcConfig: {
        Issuer: 'https://idp.example',
        AuthorizationEndpoint: 'https://idp.example/auth',
        TokenEndpoint: 'https://idp.example/token',
        UserInfoEndpoint: 'https://idp.example/userinfo',
        ClientId: 'c',
        ClientSecret: 's',
        SessionTimeout: 3600,
      },
    };
    const forward = { Type: 'forward' as const, TargetGroupArn: w.blueArn };
    // GIVEN an HTTPS listener (authenticate actions need one)
    const https = await w.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: w.lbArn,
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/x' }],
        DefaultActions: [forward],
      }),
    );
    const listenerArn = https.Listeners![0]!.ListenerArn!;
    // WHEN orders are missing
    const missing = await rejection(
      w.elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 5,
          Conditions: [{ Field: 'path-pattern', Values: ['/a'] }],
          Actions: [auth, forward],
        }),
      ),
    );
    assert.equal(missing.name, 'ValidationError');
    // WHEN given out of order
    const rule = (
      await w.elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 5,
          Conditions: [{ Field: 'path-pattern', Values: ['/a'] }],
          Actions: [
            { ...forward, Order: 2 },
            { ...auth, Order: 1 },
          ],
        }),
      )
    ).Rules![0]!;
    // THEN stored in Order; a ModifyRule changing only the weights (and keeping the hidden client
    // secret with UseExistingClientSecret) keeps the authenticate action as it was
    assert.deepEqual(
      rule.Actions?.map((a) => `${a.Order} ${a.Type}`),
      ['1 authenticate-oidc', '2 forward'],
    );
    await w.elb.send(
      new ModifyRuleCommand({
        RuleArn: rule.RuleArn,
        Actions: [
          {
            ...rule.Actions![0]!,
            AuthenticateOidcConfig: { ...rule.Actions![0]!.AuthenticateOidcConfig!, UseExistingClientSecret: true },
          },
          {
            Type: 'forward',
            Order: 2,
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: w.blueArn, Weight: 3 }] },
          },
        ],
      }),
    );
    const after = (await w.elb.send(new DescribeRulesCommand({ RuleArns: [rule.RuleArn!] }))).Rules![0]!;
    assert.deepEqual(after.Actions?.[0], rule.Actions?.[0]);
    assert.equal(after.Actions?.[0]?.AuthenticateOidcConfig?.SessionTimeout, 3600);
    assert.equal(after.Actions?.[1]?.ForwardConfig?.TargetGroups?.[0]?.Weight, 3);
    assert.deepEqual(after.Conditions, [
      { Field: 'path-pattern', Values: ['/a'], PathPatternConfig: { Values: ['/a'] } },
    ]);
  });

  it('runs health events that fall due together in registration order', async () => {
    // GIVEN two targets registered in one call, a third one later at the same instant
    const seen: string[] = [];
    w.model.setProbe(({ id }) => {
      seen.push(id);
      return 'pass';
    });
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.3' }, { Id: '10.0.1.1' }]);
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.2' }]);
    // WHEN the first checks run
    await w.clock.advance(10 * s);
    w.model.sync();
    // THEN in registration order, once each
    assert.deepEqual(seen, ['10.0.1.3', '10.0.1.1', '10.0.1.2']);
  });
});
