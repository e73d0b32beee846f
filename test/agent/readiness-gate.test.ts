import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateConditionType } from '../../src/agent/readiness-gate.ts';

describe('gateConditionType: the pod condition a binding manages', () => {
  it('GIVEN a cutover.dev binding (or no apiVersion) THEN target-health.cutover.dev/<binding>', () => {
    assert.equal(gateConditionType('web', 'cutover.dev/v1alpha1'), 'target-health.cutover.dev/web');
    assert.equal(gateConditionType('web'), 'target-health.cutover.dev/web');
  });
  it('GIVEN an elbv2.k8s.aws binding THEN the AWS Load Balancer Controller’s target-health.elbv2.k8s.aws/<binding>', () => {
    assert.equal(gateConditionType('my-app-tgb', 'elbv2.k8s.aws/v1beta1'), 'target-health.elbv2.k8s.aws/my-app-tgb');
  });
});
