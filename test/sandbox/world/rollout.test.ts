import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recreateStep, rollingStep, scaled, surgeAndUnavailable } from '../../../src/sandbox/world/rollout.ts';

const rs = (replicas: number, available = replicas, pods = replicas) => ({ replicas, available, pods });

describe('Deployment rollout arithmetic', () => {
  it('resolves maxSurge up and maxUnavailable down from percentages, and never both zero', () => {
    assert.deepEqual(surgeAndUnavailable(undefined, 10), { maxSurge: 3, maxUnavailable: 2 });
    assert.deepEqual(surgeAndUnavailable({ maxSurge: 0, maxUnavailable: '0%' }, 4), { maxSurge: 0, maxUnavailable: 1 });
    assert.deepEqual(surgeAndUnavailable({ maxSurge: 2, maxUnavailable: 1 }, 3), { maxSurge: 2, maxUnavailable: 1 });
    assert.equal(scaled('50%', 3, true), 2);
    assert.equal(scaled('50%', 3, false), 1);
  });

  it('GIVEN 4 old replicas, defaults (surge 1, unavailable 1) WHEN the template changes THEN the new set grows by the surge first', () => {
    const strategy = surgeAndUnavailable(undefined, 4);
    assert.deepEqual(rollingStep(4, strategy, rs(0, 0), [rs(4)]), { fresh: 1, old: [4] });
    // AND once the new set is at its size for this step, old ones shrink while 3 stay available
    assert.deepEqual(rollingStep(4, strategy, rs(1, 0), [rs(4)]), { fresh: 1, old: [3] });
    // AND when the new pod is ready, the next surge and scale-down follow
    assert.deepEqual(rollingStep(4, strategy, rs(1, 1), [rs(3)]), { fresh: 2, old: [3] });
    assert.deepEqual(rollingStep(4, strategy, rs(2, 1), [rs(3)]), { fresh: 2, old: [2] });
  });

  it('scales unhealthy old replicas down first, without counting them as available', () => {
    const strategy = { maxSurge: 1, maxUnavailable: 0 };
    // Old set of 3 with one not ready: it may go even though nothing may become unavailable.
    assert.deepEqual(rollingStep(3, strategy, rs(1, 1), [rs(3, 2)]), { fresh: 1, old: [2] });
    // AND while the new pod is not available, nothing old may go at all
    assert.deepEqual(rollingStep(3, strategy, rs(1, 0), [rs(3, 2)]), { fresh: 1, old: [3] });
  });

  it('sizes a lone new ReplicaSet (scale up and down) to the desired replicas', () => {
    const strategy = surgeAndUnavailable(undefined, 5);
    assert.deepEqual(rollingStep(5, strategy, rs(3), []), { fresh: 5, old: [] });
    assert.deepEqual(rollingStep(2, strategy, rs(3), []), { fresh: 2, old: [] });
  });

  it('Recreate: old sets go to zero; the new one scales up only when no old pod is left', () => {
    assert.deepEqual(recreateStep(3, [rs(3)]), { fresh: undefined, old: [0] });
    assert.deepEqual(recreateStep(3, [rs(0, 0, 2)]), { fresh: undefined, old: [0] });
    assert.deepEqual(recreateStep(3, [rs(0, 0, 0)]), { fresh: 3, old: [0] });
  });
});
