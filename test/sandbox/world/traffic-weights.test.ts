import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LbMinute } from '../../../src/sandbox/world/metrics.ts';
import { createRandom } from '../../../src/sandbox/world/prng.ts';
import { groupPlan, type RouteContext, routeRequests } from '../../../src/sandbox/world/traffic.ts';

/** Forward weights as the traffic model applies them: a group at weight 0 gets no request. */
describe('traffic follows forward weights', () => {
  const ctx = (): RouteContext => ({
    rng: createRandom(7),
    plan: (tg) =>
      groupPlan([{ id: `10.0.0.${tg === 'blue' ? 1 : 2}`, port: 80, state: 'healthy' }], () => ({
        kind: 'serving',
        errorRate: 0,
        latencyMs: 10,
      })),
    minute: new LbMinute(),
    stepSeconds: 1,
  });

  it('sends nothing to a group at weight 0, whichever position it holds', () => {
    for (const forward of [
      [
        { targetGroupArn: 'blue', weight: 0 },
        { targetGroupArn: 'green', weight: 5 },
      ],
      [
        { targetGroupArn: 'green', weight: 5 },
        { targetGroupArn: 'blue', weight: 0 },
      ],
    ]) {
      // GIVEN
      const c = ctx();
      // WHEN
      routeRequests(c, 10_000, forward);
      // THEN
      assert.equal(c.minute.groups.get('blue')?.counts.requests ?? 0, 0);
      assert.equal(c.minute.groups.get('green')?.counts.requests, 10_000);
    }
  });

  it('answers 503 itself, without spreading requests, when every weight is 0', () => {
    // GIVEN
    const c = ctx();
    // WHEN
    routeRequests(c, 500, [
      { targetGroupArn: 'blue', weight: 0 },
      { targetGroupArn: 'green', weight: 0 },
    ]);
    // THEN
    assert.equal(c.minute.groups.size, 0);
    assert.equal(c.minute.counts.requests, 0);
    assert.equal(c.minute.counts.elb503, 500);
  });
});
