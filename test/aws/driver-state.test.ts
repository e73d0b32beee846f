import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commandTags, TagStatePort } from '../../src/aws/driver-state.ts';
import { ElbTags } from '../../src/aws/elb-tags.ts';
import { LeaseKeeper } from '../../src/aws/lease.ts';
import { RouteStateStore } from '../../src/aws/state-store.ts';
import type { PlanRoute } from '../../src/plan/plan-types.ts';
import { type AwsWorld, startAwsWorld } from './fixture.ts';

/** The driver's StatePort on real tags (SDK over HTTP to the ELBv2 emulator). */
describe('TagStatePort', () => {
  let w: AwsWorld;
  let route: PlanRoute;
  const port = () => {
    const tags = new ElbTags(w.clients.elbv2);
    const store = new RouteStateStore(tags);
    return new TagStatePort(
      [route],
      store,
      new LeaseKeeper(store, { clock: w.clock, ttlMs: 60_000, settleMs: 1_000 }),
      tags,
      w.clock,
    );
  };
  before(async () => {
    w = await startAwsWorld();
    route = { ...w.route } as PlanRoute;
  });
  after(() => w.close());

  it('GIVEN a renewal due while the first acquisition settles THEN it renews that lease instead of taking a second one', async () => {
    const p = port();
    const first = p.acquireLease('me@host/1');
    // The first acquisition has written its lease and waits out its settle time…
    await new Promise((r) => setTimeout(r, 100));
    await w.clock.advance(500);
    // …when the renewal timer fires.
    const renewal = p.acquireLease('me@host/1');
    await new Promise((r) => setTimeout(r, 100));
    // Let each read-back's settle time pass.
    for (let i = 0; i < 10; i++) {
      await w.clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await assert.doesNotReject(first);
    await assert.doesNotReject(renewal);
    await p.releaseLease();
  });

  it('round-trips the record (weights, target, verification, reason) and takes a command once', async () => {
    const p = port();
    const record = {
      rollout: 'sandbox-web',
      specHash: 'a'.repeat(64),
      step: 1,
      phase: 'shifting' as const,
      weights: { web: { [w.blue]: 19, [w.green]: 1 } },
      target: { web: { [w.blue]: 3, [w.green]: 1 } },
      verifiedAt: w.clock.now(),
      reason: 'paused by an operator (cutover pause)',
    };
    await p.save(record);
    assert.deepEqual(await p.load(), record);
    await new ElbTags(w.clients.elbv2).writeTags(w.listenerArn, commandTags('abort', w.clock.now(), 'ops@b/2'));
    assert.deepEqual(await p.takeCommands(), ['abort']);
    assert.deepEqual(await p.takeCommands(), [], 'taken once');
  });
});
