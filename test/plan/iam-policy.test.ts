import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driverPolicy } from '../../src/plan/iam-policy.ts';
import { LISTENER, rollout } from './rollout-builder.ts';

const RULE =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/edge/1330ec75395d8e31/7ea743f6b4084ae9/00000000000000bb';

describe('driver IAM policy', () => {
  it('GIVEN a listener route WHEN printed THEN writes are scoped to that listener and only reads use "*"', () => {
    const p = driverPolicy(rollout());
    const modify = p.Statement.find((s) => s.Action.includes('elasticloadbalancing:ModifyListener'));
    assert.deepEqual(modify?.Resource, [LISTENER]);
    assert.ok(
      !p.Statement.some((s) => s.Action.includes('elasticloadbalancing:ModifyRule')),
      'no rule routes, no ModifyRule',
    );
    const wildcard = p.Statement.filter((s) => s.Resource === '*').flatMap((s) => s.Action);
    for (const a of wildcard) assert.match(a, /:(Describe\w+|GetMetricData)$/, `${a} granted on "*"`);
    const tags = p.Statement.find((s) => s.Action.includes('elasticloadbalancing:AddTags'));
    assert.deepEqual(tags?.Resource, [LISTENER]);
  });

  it('GIVEN rule routes, alarms and cluster roles WHEN printed THEN each gets its scoped statement', () => {
    const base = rollout();
    const r = rollout({
      routes: [...base.spec.routes, { ...base.spec.routes[0]!, name: 'api', kind: 'rule', arn: RULE }],
      clusters: [
        { name: 'blue', context: 'blue', assumeRole: { roleArn: 'arn:aws:iam::111111111111:role/blue-driver' } },
        { name: 'green', context: 'green' },
      ],
      gates: { ...base.spec.gates, checks: [{ type: 'alarm', names: ['p99', 'p99', 'slo'] }] },
    });
    const p = driverPolicy(r);
    const by = (sid: string) => p.Statement.find((s) => s.Sid === sid)?.Resource;
    assert.deepEqual(by('ShiftRuleWeights'), [RULE]);
    assert.deepEqual(by('RecordStateAndLeaseInTags'), [LISTENER, RULE]);
    assert.deepEqual(by('ReadGateAlarms'), [
      'arn:aws:cloudwatch:us-east-1:000000000000:alarm:p99',
      'arn:aws:cloudwatch:us-east-1:000000000000:alarm:slo',
    ]);
    assert.deepEqual(by('AssumeClusterRoles'), ['arn:aws:iam::111111111111:role/blue-driver']);
  });

  it('GIVEN no alarm check and no roles THEN those statements are left out', () => {
    const base = rollout();
    const p = driverPolicy(
      rollout({ gates: { ...base.spec.gates, checks: base.spec.gates.checks.filter((c) => c.type !== 'alarm') } }),
    );
    assert.equal(
      p.Statement.find((s) => s.Sid === 'ReadGateAlarms'),
      undefined,
    );
    assert.equal(
      p.Statement.find((s) => s.Sid === 'AssumeClusterRoles'),
      undefined,
    );
  });
});

describe('agent IAM policy', () => {
  it("GIVEN a cluster WHEN printed THEN it may register only in that cluster's target groups", async () => {
    const { agentPolicy } = await import('../../src/plan/iam-policy.ts');
    const p = agentPolicy(rollout(), 'green');
    const write = p.Statement.find((s) => s.Action.includes('elasticloadbalancing:RegisterTargets'));
    assert.deepEqual(write?.Resource, [
      'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/00000000000000aa',
    ]);
    for (const s of p.Statement.filter((x) => x.Resource === '*')) {
      for (const a of s.Action) assert.match(a, /:Describe\w+$/);
    }
  });
});
