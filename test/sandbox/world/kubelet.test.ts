import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Condition, desiredPodStatus, sameStatus } from '../../../src/sandbox/world/kubelet.ts';

const view = {
  ip: '10.1.1.2',
  hostIP: '10.1.0.10',
  started: true,
  startedAt: 0,
  containers: [{ name: 'web', image: 'i' }],
  createdAt: 0,
};
const ready = (conditions: Condition[], gates = ['a.io/x', 'b.io/y']) =>
  desiredPodStatus(view, gates, { conditions }, 60_000).status.conditions.find((c: Condition) => c.type === 'Ready');

describe('simulated kubelet: the Ready condition with readiness gates', () => {
  it('is True only when containers are ready and every gate condition is True', () => {
    const c = ready([
      { type: 'a.io/x', status: 'True' },
      { type: 'b.io/y', status: 'True' },
    ]);
    assert.equal(c.status, 'True');
  });

  it('names every gate that is not True, as the kubelet words it (missing vs False)', () => {
    // GIVEN one gate False and one missing
    const c = ready([{ type: 'a.io/x', status: 'False' }]);
    // THEN Ready is False with both reasons joined
    assert.equal(c.status, 'False');
    assert.equal(c.reason, 'ReadinessGatesNotReady');
    assert.equal(
      c.message,
      'the status of pod readiness gate "a.io/x" is not "True", but False, corresponding condition of pod readiness gate "b.io/y" does not exist.',
    );
  });

  it('reports ContainersNotReady before any gate while containers have not started', () => {
    const s = desiredPodStatus({ ...view, started: false }, ['a.io/x'], undefined, 0).status;
    const c = s.conditions.find((x: Condition) => x.type === 'Ready');
    assert.equal(c.reason, 'ContainersNotReady');
    assert.equal(c.message, 'containers with unready status: [web]');
  });

  it('rewrites the status when only the Ready message changes (a gate went from missing to False)', () => {
    // GIVEN the stored status and the wanted one differing only in the Ready message
    const wanted = desiredPodStatus(view, ['a.io/x'], { conditions: [] }, 0).status;
    const stored = structuredClone(wanted);
    stored.conditions.find((c: Condition) => c.type === 'Ready').message = 'an older message';
    // THEN the kubelet does not consider them the same
    assert.equal(sameStatus(stored, wanted), false);
    assert.equal(sameStatus(wanted, wanted), true);
  });
});
