import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterWeightsOf, diffWeights, targetGroupWeights } from '../../src/plan/diff.ts';
import type { RouteSpec } from '../../src/spec/types.ts';

const BLUE = 'arn:tg/blue';
const GREEN = 'arn:tg/green';
const OTHER = 'arn:tg/maintenance';
const route: RouteSpec = {
  name: 'web',
  kind: 'listener',
  arn: 'arn:listener',
  targetGroups: { blue: BLUE, green: GREEN },
};

describe('diffWeights', () => {
  it('GIVEN live equal to desired THEN in sync, nothing to change', () => {
    const d = diffWeights({ [BLUE]: 19, [GREEN]: 1 }, [
      { targetGroupArn: BLUE, weight: 19 },
      { targetGroupArn: GREEN, weight: 1 },
    ]);
    assert.deepEqual(d, { inSync: true, changes: [], unchanged: [BLUE, GREEN], unexpected: [] });
  });

  it('GIVEN a step THEN the groups whose weight changes, with from and to', () => {
    const d = diffWeights({ [BLUE]: 3, [GREEN]: 1 }, [
      { targetGroupArn: BLUE, weight: 19 },
      { targetGroupArn: GREEN, weight: 1 },
    ]);
    assert.equal(d.inSync, false);
    assert.deepEqual(d.changes, [{ targetGroupArn: BLUE, from: 19, to: 3 }]);
    assert.deepEqual(d.unchanged, [GREEN]);
  });

  it('GIVEN a plain single-group forward THEN its weight reads as 1 and the missing group is a change', () => {
    const d = diffWeights({ [BLUE]: 19, [GREEN]: 1 }, [{ targetGroupArn: BLUE }]);
    assert.deepEqual(d.changes, [
      { targetGroupArn: BLUE, from: 1, to: 19 },
      { targetGroupArn: GREEN, from: undefined, to: 1 },
    ]);
  });

  it('GIVEN a group the route does not name THEN it is unexpected (drift candidate)', () => {
    const live = [
      { targetGroupArn: BLUE, weight: 1 },
      { targetGroupArn: GREEN, weight: 0 },
      { targetGroupArn: OTHER, weight: 5 },
    ];
    const d = diffWeights({ [BLUE]: 1, [GREEN]: 0 }, live);
    assert.deepEqual(d.unexpected, [{ targetGroupArn: OTHER, weight: 5 }]);
    assert.deepEqual(d.changes, []);
    assert.equal(d.inSync, false, 'it takes traffic the plan does not count');
  });

  it('GIVEN an extra group with weight 0 THEN reported but harmless (still in sync)', () => {
    const d = diffWeights({ [BLUE]: 1 }, [
      { targetGroupArn: BLUE, weight: 1 },
      { targetGroupArn: OTHER, weight: 0 },
    ]);
    assert.deepEqual(d.unexpected, [{ targetGroupArn: OTHER, weight: 0 }]);
    assert.equal(d.inSync, true);
  });

  it('GIVEN last written weights vs live THEN any difference is drift', () => {
    const lastWritten = { [BLUE]: 3, [GREEN]: 1 };
    const someoneElse = [
      { targetGroupArn: BLUE, weight: 1 },
      { targetGroupArn: GREEN, weight: 0 },
    ];
    assert.equal(diffWeights(lastWritten, someoneElse).inSync, false);
  });
});

describe('cluster ⇄ target group weights', () => {
  it('maps cluster weights to the route target group ARNs', () => {
    assert.deepEqual(targetGroupWeights(route, { blue: 19, green: 1 }), { [BLUE]: 19, [GREEN]: 1 });
  });
  it('rejects a cluster the route has no group for', () => {
    assert.throws(() => targetGroupWeights(route, { red: 1 }), /no target group for cluster red/);
  });
  it('GIVEN a cluster named like an Object.prototype member THEN it is not found on the prototype', () => {
    // Before: route.targetGroups.constructor is Object, so [Function: Object] became an "ARN".
    assert.throws(() => targetGroupWeights(route, { constructor: 1 }), /no target group for cluster constructor/);
  });
  it('reads live weights per cluster; a group absent live is 0', () => {
    assert.deepEqual(clusterWeightsOf(route, [{ targetGroupArn: BLUE, weight: 7 }]), { blue: 7, green: 0 });
  });
});
