import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateRuleCommand, ModifyRuleCommand, type RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld } from './fixture.ts';

/** Rule conditions as AWS reads and returns them (API `RuleCondition`, ALB-guide `rule-condition-types`). */
describe('ELBv2 rule conditions over the real SDK', () => {
  let w: ElbWorld;
  let priority = 1;
  before(async () => {
    w = await startElbWorld();
  });
  after(async () => {
    await w.close();
  });
  const create = (conditions: RuleCondition[]) =>
    w.elb.send(
      new CreateRuleCommand({
        ListenerArn: w.listenerArn,
        Priority: priority++,
        Conditions: conditions,
        Actions: [{ Type: 'forward', TargetGroupArn: w.blueArn }],
      }),
    );

  it('returns host-header and path-pattern in both forms, the other fields in their config only', async () => {
    // WHEN one rule uses the legacy Values, the other the typed configs
    const legacy = await create([
      { Field: 'host-header', Values: ['api.example.com'] },
      { Field: 'path-pattern', Values: ['/v1/*'] },
    ]);
    const typed = await create([
      { Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com', 'b.example.com'] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['on'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } },
    ]);
    // THEN
    assert.deepEqual(legacy.Rules?.[0]?.Conditions, [
      { Field: 'host-header', Values: ['api.example.com'], HostHeaderConfig: { Values: ['api.example.com'] } },
      { Field: 'path-pattern', Values: ['/v1/*'], PathPatternConfig: { Values: ['/v1/*'] } },
    ]);
    assert.deepEqual(typed.Rules?.[0]?.Conditions, [
      {
        Field: 'host-header',
        Values: ['a.example.com', 'b.example.com'],
        HostHeaderConfig: { Values: ['a.example.com', 'b.example.com'] },
      },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['on'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } },
    ]);
  });

  it('refuses a described rule written back whole (both forms), as AWS does', async () => {
    // GIVEN a rule as DescribeRules returns it
    const rule = (await create([{ Field: 'path-pattern', Values: ['/read-back'] }])).Rules![0]!;
    // WHEN its conditions are sent back unchanged
    const err = await rejection(
      w.elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn, Conditions: rule.Conditions })),
    );
    // THEN
    assert.equal(err.name, 'ValidationError');
    assert.equal(
      err.message,
      "You cannot provide both Values and 'PathPatternConfig' for a condition of type 'path-pattern'",
    );
  });

  const table: Array<{ name: string; conditions: RuleCondition[]; message: RegExp }> = [
    {
      name: 'neither Values nor a config',
      conditions: [{ Field: 'host-header' }],
      message: /either Values or 'HostHeaderConfig'/,
    },
    {
      name: 'an empty value list',
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [] } }],
      message: /at least one value/,
    },
    {
      name: 'legacy Values on an http-header condition',
      conditions: [{ Field: 'http-header', Values: ['x'] }],
      message: /only for 'host-header' and 'path-pattern'.*'HttpHeaderConfig'/,
    },
    {
      name: 'a config of another field',
      conditions: [{ Field: 'host-header', PathPatternConfig: { Values: ['/a'] } }],
      message: /'PathPatternConfig' cannot be specified for a condition of type 'host-header'/,
    },
    {
      name: 'more than 3 values in one condition',
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a', '/b', '/c', '/d'] } }],
      message: /at most 3 values; got 4/,
    },
    {
      name: 'more than 5 values in one rule',
      conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/a', '/b', '/c'] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-A', Values: ['1', '2', '3'] } },
      ],
      message: /at most 5 condition values; got 6/,
    },
    {
      name: 'two host-header conditions',
      conditions: [
        { Field: 'host-header', Values: ['a.example.com'] },
        { Field: 'host-header', Values: ['b.example.com'] },
      ],
      message: /only one 'host-header' condition/,
    },
    {
      name: 'more than 5 wildcards in one rule',
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a/*/*/*', '/b/*/*/*'] } }],
      message: /at most 5 wildcards.*got 6/,
    },
    {
      name: 'a lower-case request method',
      conditions: [{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['get'] } }],
      message: /'get' may contain only A-Z/,
    },
  ];
  for (const c of table) {
    it(`refuses ${c.name}`, async () => {
      // WHEN
      const err = await rejection(create(c.conditions));
      // THEN
      assert.equal(err.name, 'ValidationError');
      assert.match(err.message, c.message);
    });
  }
});
