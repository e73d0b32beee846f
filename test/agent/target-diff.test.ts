import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateStatus } from '../../src/agent/readiness-gate.ts';
import { batches, diffTargets } from '../../src/agent/target-diff.ts';

describe('target diff', () => {
  const t = (id: string, port = 8080) => ({ id, port });
  it('GIVEN live and desired THEN registers the missing and deregisters the extra; draining counts as absent', () => {
    const d = diffTargets(
      [t('a'), t('b'), t('c')],
      [
        { ...t('a'), state: 'healthy' },
        { ...t('c'), state: 'draining' },
        { ...t('x'), state: 'unhealthy' },
        { ...t('a', 9090), state: 'healthy' },
      ],
    );
    assert.deepEqual(d, { register: [t('b'), t('c')], deregister: [t('x'), t('a', 9090)] });
  });
  it('GIVEN a shared target group THEN only owned targets are deregistered', () => {
    const d = diffTargets(
      [t('a')],
      [
        { ...t('a'), state: 'healthy' },
        { ...t('mine'), state: 'healthy' },
        { ...t('other-cluster'), state: 'healthy' },
      ],
      new Set(['10.9.9.9:8080', 'mine:8080']),
    );
    assert.deepEqual(d.deregister, [t('mine')]);
  });
  it('GIVEN nothing changed THEN nothing to do', () => {
    assert.deepEqual(diffTargets([t('a')], [{ ...t('a'), state: 'initial' }]), { register: [], deregister: [] });
  });
  it('batches at 200', () => {
    const list = Array.from({ length: 401 }, (_, i) => i);
    assert.deepEqual(
      batches(list).map((b) => b.length),
      [200, 200, 1],
    );
    assert.deepEqual(batches([]), []);
  });
});

describe('readiness gate', () => {
  const cases: Array<[string, Parameters<typeof gateStatus>[0], boolean, string, string]> = [
    ['healthy', { state: 'healthy' }, true, 'True', 'TargetHealthy'],
    [
      'unused / NotInUse (inactive cluster)',
      { state: 'unused', reason: 'Target.NotInUse' },
      true,
      'True',
      'TargetGroupNotInUse',
    ],
    [
      'initial in a weight-0 group',
      { state: 'initial', reason: 'Elb.RegistrationInProgress' },
      false,
      'True',
      'TargetGroupCarriesNoTraffic',
    ],
    [
      'initial in a live group',
      { state: 'initial', reason: 'Elb.RegistrationInProgress' },
      true,
      'False',
      'Elb.RegistrationInProgress',
    ],
    [
      'unhealthy',
      { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' },
      true,
      'False',
      'Target.Timeout',
    ],
    ['not registered yet', undefined, false, 'False', 'NotRegistered'],
  ];
  for (const [name, health, carries, status, reason] of cases) {
    it(name, () => {
      const g = gateStatus(health, carries);
      assert.equal(g.status, status);
      assert.equal(g.reason, reason);
    });
  }
});
