import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../../src/errors.ts';
import { AWS_OPERATIONS } from '../../../src/sandbox/scenario/aws-operations.ts';
import { readScenario } from '../../../src/sandbox/scenario/load.ts';
import { MINIMAL } from './minimal.ts';

const messages = (faults: string) =>
  readScenario(`${MINIMAL}faults:\n${faults}`, 's.yaml').diagnostics.map(formatDiagnostic);

describe('fault rules', () => {
  it('checks AWS operation names against the service, with did-you-mean and file:line:col', () => {
    const got =
      messages(`  - {at: 1m, kind: awsThrottle, service: elbv2, operations: [ModifyListner, GetMetricData, ModifyRule]}
  - {at: 1m, kind: awsError, operations: [describetargethealth]}
  - {at: 1m, kind: awsError, service: sts, operations: [Frobnicate]}
`);
    assert.deepEqual(got, [
      's.yaml:14:62: error: faults[0].operations[0] names no ELBv2 operation (got "ModifyListner"; did you mean "ModifyListener"?)',
      's.yaml:14:77: error: faults[0].operations[1] is not an ELBv2 operation (got "GetMetricData"; it is a CloudWatch operation: set service: cloudwatch (or *))',
      's.yaml:15:43: error: faults[1].operations[0] names no ELBv2, CloudWatch or STS operation (got "describetargethealth"; did you mean "DescribeTargetHealth"?)',
      `s.yaml:16:57: error: faults[2].operations[0] names no STS operation (got "Frobnicate"; STS operations: ${AWS_OPERATIONS.sts.join(', ')})`,
    ]);
  });

  it('checks what triggers and modifyWeights refer to', () => {
    const got =
      messages(`  - {kind: killPods, cluster: c1, when: {share: {loadBalancer: edge, cluster: c2, reaches: 50%}}}
  - {kind: killPods, cluster: c1, when: {weightChange: {loadBalancer: edge, port: 81}}}
  - {kind: killPods, cluster: c1, when: {share: {loadBalancer: edge, rule: 3, targetGroup: a, reaches: 5%}}}
  - {at: 1m, kind: modifyWeights, loadBalancer: edge, weights: {b: 1, c1: 2, a: 3}}
`);
    assert.deepEqual(got, [
      's.yaml:14:79: error: faults[0].when.share.cluster has no target group in the action (none of its groups is registered from it) (got "c2"; its target groups: a; clusters registered into them: c1 (a); or name targetGroup instead)',
      's.yaml:15:83: error: faults[1].when.weightChange.port names no listener of load balancer "edge" (got 81; its listeners: 80)',
      's.yaml:16:76: error: faults[2].when.share.rule names no rule of listener edge:80 (got 3; the listener has no rules; leave rule out for its default action)',
      's.yaml:17:68: error: faults[3].weights.b names no target group or cluster of the action (got "b"; did you mean "a"? its target groups: a; clusters registered into them: c1 (a))',
    ]);
  });

  it('needs exactly one of at and when, and after only with when', () => {
    const got = messages(`  - {kind: killPods, cluster: c1}
  - {kind: killPods, cluster: c1, at: 1m, after: 1m}
  - {kind: killPods, cluster: c1, when: {weightChange: {loadBalancer: edge}}, after: 30s}
`);
    assert.deepEqual(got, [
      's.yaml:14:5: error: faults[0] needs one of at, when (got none; a fault starts at a time or on a trigger)',
      's.yaml:15:43: error: faults[1].after only applies with when (got it without; `after` counts from the trigger; `at` counts from the start)',
    ]);
  });

  it('lists the operations of the installed AWS SDK clients', async () => {
    const { readdirSync } = await import('node:fs');
    const commands = (pkg: string) =>
      readdirSync(`node_modules/@aws-sdk/${pkg}/dist-types/commands`)
        .filter((f) => f.endsWith('Command.d.ts'))
        .map((f) => f.slice(0, -'Command.d.ts'.length))
        .sort();
    assert.deepEqual([...AWS_OPERATIONS.elbv2], commands('client-elastic-load-balancing-v2'));
    assert.deepEqual([...AWS_OPERATIONS.cloudwatch], commands('client-cloudwatch'));
    assert.deepEqual([...AWS_OPERATIONS.sts], commands('client-sts'));
  });
});
