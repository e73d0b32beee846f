import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld } from './fixture.ts';

describe('ELBv2 listeners and rules over the real SDK', () => {
  let w: ElbWorld;
  before(async () => {
    w = await startElbWorld();
  });
  after(async () => {
    await w.close();
  });

  it('describes the world with deterministic ARNs', async () => {
    // WHEN
    const lbs = await w.elb.send(new DescribeLoadBalancersCommand({ Names: ['edge'] }));
    const listeners = await w.elb.send(new DescribeListenersCommand({ LoadBalancerArn: w.lbArn }));
    // THEN
    assert.equal(lbs.LoadBalancers?.[0]?.LoadBalancerArn, w.lbArn);
    assert.match(
      w.lbArn,
      /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/edge\/[0-9a-f]{16}$/,
    );
    assert.equal(lbs.LoadBalancers?.[0]?.State?.Code, 'active');
    assert.ok(lbs.LoadBalancers?.[0]?.CreatedTime instanceof Date);
    assert.equal(listeners.Listeners?.length, 1);
    const action = listeners.Listeners?.[0]?.DefaultActions?.[0];
    // A plain forward reads back with both TargetGroupArn and a one-group ForwardConfig of weight 1 [U].
    assert.equal(action?.TargetGroupArn, w.blueArn);
    assert.deepEqual(action?.ForwardConfig?.TargetGroups, [{ TargetGroupArn: w.blueArn, Weight: 1 }]);
    assert.deepEqual(action?.ForwardConfig?.TargetGroupStickinessConfig, { Enabled: false });
  });

  it('replaces the default actions with a weighted forward and reads them back', async () => {
    // WHEN
    const out = await w.elb.send(
      new ModifyListenerCommand({
        ListenerArn: w.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: w.blueArn, Weight: 95 },
                { TargetGroupArn: w.greenArn, Weight: 5 },
              ],
              TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
            },
          },
        ],
      }),
    );
    const back = await w.elb.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn] }));
    // THEN
    const expected = {
      TargetGroups: [
        { TargetGroupArn: w.blueArn, Weight: 95 },
        { TargetGroupArn: w.greenArn, Weight: 5 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
    };
    assert.deepEqual(out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig, expected);
    assert.deepEqual(back.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig, expected);
    assert.equal(back.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn, undefined);
    assert.deepEqual(w.model.forwardTargets(w.listenerArn), [
      { targetGroupArn: w.blueArn, weight: 95 },
      { targetGroupArn: w.greenArn, weight: 5 },
    ]);
    const green = await w.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [w.greenArn] }));
    assert.deepEqual(green.TargetGroups?.[0]?.LoadBalancerArns, [w.lbArn]);
  });

  it('leaves properties that ModifyListener omits unchanged', async () => {
    // GIVEN the weighted forward of the previous test
    // WHEN only the port changes
    await w.elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, Port: 8081 }));
    const back = await w.elb.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn] }));
    // THEN the actions are as they were and the ARN is stable
    assert.equal(back.Listeners?.[0]?.Port, 8081);
    assert.equal(back.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.[1]?.Weight, 5);
    await w.elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, Port: 80 }));
  });

  const forward = (groups: Array<{ TargetGroupArn: string; Weight?: number }>) => [
    { Type: 'forward' as const, ForwardConfig: { TargetGroups: groups } },
  ];

  const cases: Array<{ name: string; actions: () => any[]; error: string }> = [
    {
      name: 'a weight above 999',
      actions: () => forward([{ TargetGroupArn: w.blueArn, Weight: 1000 }]),
      error: 'ValidationError',
    },
    {
      name: 'a negative weight',
      actions: () => forward([{ TargetGroupArn: w.blueArn, Weight: -1 }]),
      error: 'ValidationError',
    },
    {
      name: 'all-zero weights',
      actions: () =>
        forward([
          { TargetGroupArn: w.blueArn, Weight: 0 },
          { TargetGroupArn: w.greenArn, Weight: 0 },
        ]),
      error: 'ValidationError',
    },
    {
      name: 'an unknown target group',
      actions: () => forward([{ TargetGroupArn: w.blueArn.replace('web-blue', 'nope'), Weight: 1 }]),
      error: 'TargetGroupNotFoundException',
    },
    {
      name: 'TargetGroupArn disagreeing with ForwardConfig',
      actions: () => [
        {
          Type: 'forward',
          TargetGroupArn: w.greenArn,
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: w.blueArn }] },
        },
      ],
      error: 'InvalidLoadBalancerActionException',
    },
    {
      name: 'stickiness enabled without a duration',
      actions: () => [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: w.blueArn, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: true },
          },
        },
      ],
      error: 'ValidationError',
    },
    { name: 'no actions', actions: () => [], error: 'ValidationError' },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} and keeps the old actions`, async () => {
      // GIVEN
      const before = w.model.forwardTargets(w.listenerArn);
      // WHEN
      const err = await rejection(
        w.elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: c.actions() })),
      );
      // THEN
      assert.equal(err.name, c.error, err.message);
      assert.equal(err.$metadata?.httpStatusCode, 400);
      assert.deepEqual(w.model.forwardTargets(w.listenerArn), before);
    });
  }

  it('rejects a sixth target group in one forward', async () => {
    // GIVEN six target groups
    const arns = [w.blueArn, w.greenArn];
    for (const n of [1, 2, 3, 4]) {
      const r = await w.elb.send(
        new CreateTargetGroupCommand({ Name: `extra-${n}`, Protocol: 'HTTP', Port: 80, TargetType: 'ip' }),
      );
      arns.push(r.TargetGroups![0]!.TargetGroupArn!);
    }
    // WHEN
    const err = await rejection(
      w.elb.send(
        new ModifyListenerCommand({
          ListenerArn: w.listenerArn,
          DefaultActions: forward(arns.map((a) => ({ TargetGroupArn: a, Weight: 1 }))),
        }),
      ),
    );
    // THEN
    assert.equal(err.name, 'ValidationError');
    assert.match(err.message, /less than or equal to 5/);
  });

  it('rejects a target group owned by another load balancer', async () => {
    // GIVEN another ALB forwarding to tg "other"
    const lb2 = w.model.createLoadBalancer({ Name: 'other-lb' }).arn;
    const tg = w.model.createTargetGroup({ Name: 'other', Protocol: 'HTTP', Port: 80, TargetType: 'ip' }).arn;
    w.model.createListener({
      LoadBalancerArn: lb2,
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
    });
    // WHEN
    const err = await rejection(
      w.elb.send(
        new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward([{ TargetGroupArn: tg }]) }),
      ),
    );
    // THEN
    assert.equal(err.name, 'TargetGroupAssociationLimitException');
  });

  it('rejects a TCP target group on an ALB', async () => {
    const tcp = w.model.createTargetGroup({ Name: 'tcp', Protocol: 'TCP', Port: 80, TargetType: 'ip' }).arn;
    const err = await rejection(
      w.elb.send(
        new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward([{ TargetGroupArn: tcp }]) }),
      ),
    );
    assert.equal(err.name, 'IncompatibleProtocolsException');
  });

  it('names missing resources with their not-found errors', async () => {
    const missing = `${w.listenerArn.slice(0, -16)}0000000000000000`;
    assert.equal(
      (await rejection(w.elb.send(new DescribeListenersCommand({ ListenerArns: [missing] })))).name,
      'ListenerNotFoundException',
    );
    assert.equal(
      (await rejection(w.elb.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })))).name,
      'LoadBalancerNotFoundException',
    );
    assert.equal(
      (
        await rejection(
          w.elb.send(
            new DescribeRulesCommand({
              RuleArns: [missing.replace(':listener/', ':listener-rule/') + '/0000000000000000'],
            }),
          ),
        )
      ).name,
      'RuleNotFoundException',
    );
    assert.equal(
      (await rejection(w.elb.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })))).name,
      'TargetGroupNotFoundException',
    );
  });

  it('creates, modifies, reorders and deletes rules, reading conditions back in both forms', async () => {
    // GIVEN
    const conditions = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/v2/*'] } }];
    const created = await w.elb.send(
      new CreateRuleCommand({
        ListenerArn: w.listenerArn,
        Priority: 10,
        Conditions: conditions,
        Actions: [{ Type: 'forward', TargetGroupArn: w.greenArn }],
      }),
    );
    const ruleArn = created.Rules![0]!.RuleArn!;
    // WHEN the weights change through ModifyRule
    await w.elb.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: forward([
          { TargetGroupArn: w.blueArn, Weight: 3 },
          { TargetGroupArn: w.greenArn, Weight: 7 },
        ]),
      }),
    );
    await w.elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ruleArn, Priority: 20 }] }));
    const rules = await w.elb.send(new DescribeRulesCommand({ ListenerArn: w.listenerArn }));
    // THEN
    const rule = rules.Rules!.find((r) => r.RuleArn === ruleArn)!;
    assert.equal(rule.Priority, '20');
    assert.equal(rule.IsDefault, false);
    // A path-pattern condition reads back with the legacy Values next to its PathPatternConfig.
    assert.deepEqual(rule.Conditions, [{ ...conditions[0], Values: ['/api/*', '/v2/*'] }]);
    assert.deepEqual(w.model.forwardTargets(ruleArn), [
      { targetGroupArn: w.blueArn, weight: 3 },
      { targetGroupArn: w.greenArn, weight: 7 },
    ]);
    const last = rules.Rules![rules.Rules!.length - 1]!;
    assert.equal(last.Priority, 'default');
    assert.equal(last.IsDefault, true);
    // AND the default rule and a priority clash are refused
    assert.equal(
      (await rejection(w.elb.send(new DeleteRuleCommand({ RuleArn: last.RuleArn! })))).name,
      'OperationNotPermittedException',
    );
    const clash = await rejection(
      w.elb.send(
        new CreateRuleCommand({
          ListenerArn: w.listenerArn,
          Priority: 20,
          Conditions: conditions,
          Actions: forward([{ TargetGroupArn: w.blueArn }]),
        }),
      ),
    );
    assert.equal(clash.name, 'PriorityInUseException');
    // AND a target group in use cannot be deleted
    assert.equal(
      (await rejection(w.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: w.greenArn })))).name,
      'ResourceInUseException',
    );
    await w.elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    assert.equal((await w.elb.send(new DescribeRulesCommand({ ListenerArn: w.listenerArn }))).Rules?.length, 1);
  });
});
