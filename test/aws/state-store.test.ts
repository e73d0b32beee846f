import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AddTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbTags } from '../../src/aws/elb-tags.ts';
import { LeaseKeeper } from '../../src/aws/lease.ts';
import type { ResourceTags } from '../../src/aws/ports.ts';
import { LEASE_TAG, type RouteState, STATE_TAG } from '../../src/aws/state-codec.ts';
import { RouteStateStore } from '../../src/aws/state-store.ts';
import { type AwsWorld, forwardTo, rejectionOf, startAwsWorld } from './fixture.ts';

const HASH = 'f'.repeat(64);

function stateFor(
  route: string,
  weights: Record<string, number>,
  step = 0,
  rollout = `big-${'x'.repeat(60)}`,
): RouteState {
  return {
    rollout: rollout.slice(0, 63),
    specHash: HASH,
    route,
    step,
    phase: 'baking',
    weights,
    updatedAt: 1_767_268_800_000 + step,
    leaseGeneration: 1,
  };
}

describe('RouteStateStore over ELBv2 tags: 5 clusters × 50 routes, each on its own listener or rule', () => {
  let w: AwsWorld;
  const routes: Array<{ arn: string; name: string; weights: Record<string, number> }> = [];

  before(async () => {
    w = await startAwsWorld();
    // 5 load balancers, each with 5 listeners and 5 rules; every route its own 5 target groups
    // with 32-character names (a group belongs to one load balancer).
    for (let lb = 0; lb < 5; lb++) {
      const lbArn = w.elbModel.createLoadBalancer({ Name: `lb${lb}` }).arn;
      let first = '';
      for (let j = 0; j < 10; j++) {
        const n = lb * 10 + j;
        const weights: Record<string, number> = {};
        for (let c = 0; c < 5; c++) {
          const name = `r${n}c${c}`.padEnd(32, 'x');
          const tg = w.elbModel.createTargetGroup({ Name: name, Protocol: 'HTTP', Port: 80, TargetType: 'ip' }).arn;
          weights[tg] = c === 0 ? 999 : c * 100;
        }
        const actions = [forwardTo(weights)];
        const arn =
          j < 5
            ? w.elbModel.createListener({
                LoadBalancerArn: lbArn,
                Protocol: 'HTTP',
                Port: 8000 + j,
                DefaultActions: actions,
              }).arn
            : w.elbModel.createRule({
                ListenerArn: first,
                Priority: j,
                Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/r${n}/*`] } }],
                Actions: actions,
              }).arn;
        if (j === 0) first = arn;
        routes.push({ arn, name: `route-${n}-${'y'.repeat(50)}`.slice(0, 63), weights });
      }
    }
  });
  after(() => w.close());

  it('writes every route’s state and reads all 50 back in 3 DescribeTags calls (20 ARNs each)', async () => {
    // GIVEN
    const store = new RouteStateStore(new ElbTags(w.clients.elbv2));
    for (const r of routes) await store.writeState(r.arn, stateFor(r.name, r.weights));
    const calls = w.log.count('DescribeTags');
    // WHEN
    const read = await store.read(routes.map((r) => r.arn));
    // THEN
    assert.equal(w.log.count('DescribeTags') - calls, 3);
    for (const r of routes) assert.deepEqual(read.get(r.arn)?.state, stateFor(r.name, r.weights));
    // and each resource holds its own few tags, every one within the limits (checked by the emulator too)
    const tags = read.get(routes[7]!.arn)!.tags;
    assert.ok(Object.keys(tags).length <= 4);
    assert.ok(Object.values(tags).every((v) => v.length <= 256));
  });

  it('keeps the resource’s other tags and removes leftover parts when the record shrinks', async () => {
    // GIVEN a route with a user tag and a 3-part state
    const r = routes[0]!;
    await w.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [r.arn], Tags: [{ Key: 'team', Value: 'edge' }] }));
    const store = new RouteStateStore(new ElbTags(w.clients.elbv2));
    const before = (await store.readOne(r.arn)).tags;
    assert.ok(`${STATE_TAG}.2` in before);
    // WHEN the state is rewritten shorter (one target group, a short rollout name): one part
    const one = Object.fromEntries(Object.entries(r.weights).slice(0, 1));
    await store.writeState(r.arn, stateFor('web', one, 3, 'short'));
    // THEN
    const out = await w.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [r.arn] }));
    const keys = out.TagDescriptions![0]!.Tags!.map((t) => t.Key).sort();
    assert.deepEqual(keys, [STATE_TAG, 'team']);
    assert.deepEqual((await store.readOne(r.arn)).state, stateFor('web', one, 3, 'short'));
  });

  it('refuses, before calling AWS, a write that would pass 50 tags on the resource', async () => {
    // GIVEN a listener already carrying 49 tags
    const r = routes[1]!;
    const store = new RouteStateStore(new ElbTags(w.clients.elbv2));
    await store.remove(r.arn, STATE_TAG);
    const Tags = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await w.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [r.arn], Tags }));
    const adds = w.log.count('AddTags');
    // WHEN
    const err = await rejectionOf(store.writeState(r.arn, stateFor(r.name, r.weights)));
    // THEN
    assert.equal(err.code, 'E_TAG_LIMIT');
    assert.match(err.message, /would have 52 tags; ELBv2 allows 50/);
    assert.equal(w.log.count('AddTags'), adds);
  });

  it('reads the state back after writing it: a write that did not land is an error', async () => {
    // GIVEN a tag port whose writes are lost
    const real = new ElbTags(w.clients.elbv2);
    const store = new RouteStateStore({ readTags: (arns) => real.readTags(arns), writeTags: async () => {} });
    const r = routes[3]!;
    // WHEN
    const err = await rejectionOf(store.writeState(r.arn, stateFor(r.name, r.weights, 7)));
    // THEN
    assert.equal(err.code, 'E_STATE_NOT_APPLIED');
    assert.ok(err.message.includes(r.arn));
  });

  it('overwrites a garbled record, and reports it clearly when reading', async () => {
    const r = routes[2]!;
    await w.clients.elbv2.send(
      new AddTagsCommand({ ResourceArns: [r.arn], Tags: [{ Key: STATE_TAG, Value: 'hand edited' }] }),
    );
    const store = new RouteStateStore(new ElbTags(w.clients.elbv2));
    const err = await rejectionOf(store.readOne(r.arn));
    assert.equal(err.code, 'E_STATE_TAG_INVALID');
    assert.ok(err.message.includes(r.arn));
    await store.writeState(r.arn, stateFor(r.name, r.weights));
    assert.deepEqual((await store.readOne(r.arn)).state, stateFor(r.name, r.weights));
  });
});

describe('LeaseKeeper', () => {
  let w: AwsWorld;
  let store: RouteStateStore;
  const keeper = (settleMs = 0) => new LeaseKeeper(store, { clock: w.clock, ttlMs: 60_000, settleMs });

  before(async () => {
    w = await startAwsWorld();
    store = new RouteStateStore(new ElbTags(w.clients.elbv2));
  });
  after(() => w.close());

  it('acquires a free route, refuses another holder while live naming holder and expiry, then lets it in after expiry', async () => {
    // GIVEN alice holds the lease
    const alice = await keeper().acquire(w.listenerArn, 'alice@laptop/100');
    assert.equal(alice.generation, 1);
    assert.equal(alice.expiresAt, w.clock.now() + 60_000);
    // WHEN bob tries
    const err = await rejectionOf(keeper().acquire(w.listenerArn, 'bob@ci/7'));
    // THEN
    assert.equal(err.code, 'E_LEASE_HELD');
    assert.equal(err.value, 'alice@laptop/100');
    assert.ok(err.message.includes(new Date(alice.expiresAt).toISOString()), err.message);
    // WHEN the lease lapses, bob gets it with the next generation
    await w.clock.advance(60_001);
    const bob = await keeper().acquire(w.listenerArn, 'bob@ci/7');
    assert.equal(bob.generation, 2);
    // and alice's renewal finds she lost it
    const lost = await rejectionOf(keeper().renew(w.listenerArn, alice));
    assert.equal(lost.code, 'E_LEASE_LOST');
    assert.match(lost.message, /held by bob@ci\/7 \(generation 2/);
    // and release by bob removes the tag
    assert.equal(await keeper().release(w.listenerArn, alice), false);
    assert.equal(await keeper().release(w.listenerArn, bob), true);
    assert.equal((await store.readOne(w.listenerArn)).lease, undefined);
  });

  it('of two drivers racing for a lapsed lease, the one whose write the read-back does not show loses', async () => {
    // GIVEN carol and dave both read the free lease before either writes; carol writes first
    const signal = () => {
      let open!: () => void;
      const p = new Promise<void>((r) => {
        open = r;
      });
      return { p, open };
    };
    const [carolRead, daveRead, carolMayWrite, carolWrote] = [signal(), signal(), signal(), signal()];
    const tags = new ElbTags(w.clients.elbv2);
    const gated = (read: () => void, mayWrite: Promise<void>, wrote: () => void): ResourceTags => ({
      readTags: async (arns) => {
        const out = await tags.readTags(arns);
        read();
        return out;
      },
      writeTags: async (arn, set, remove) => {
        await mayWrite;
        await tags.writeTags(arn, set, remove);
        wrote();
      },
    });
    const carolStore = new RouteStateStore(gated(carolRead.open, carolMayWrite.p, carolWrote.open));
    const daveStore = new RouteStateStore(gated(daveRead.open, carolWrote.p, () => {}));
    const opts = { clock: w.clock, ttlMs: 60_000, settleMs: 1_000 };
    const carol = new LeaseKeeper(carolStore, opts).acquire(w.listenerArn, 'carol@a/1');
    const carolDone = Promise.allSettled([carol]);
    await carolRead.p;
    const dave = new LeaseKeeper(daveStore, opts).acquire(w.listenerArn, 'dave@b/2');
    const daveDone = Promise.allSettled([dave]);
    await daveRead.p;
    carolMayWrite.open();
    // WHEN both have written and wait out the settle time
    for (let i = 0; w.clock.pending() < 2; i++) {
      assert.ok(i < 1000, 'both drivers should be waiting out the settle time');
      await new Promise((r) => setTimeout(r, 5));
    }
    await w.clock.advance(1_000);
    const [[c], [d]] = await Promise.all([carolDone, daveDone]);
    // THEN exactly one holds it, the last writer; the other is told who won
    assert.equal(c!.status, 'rejected');
    assert.equal((c as PromiseRejectedResult).reason.code, 'E_LEASE_LOST');
    assert.match((c as PromiseRejectedResult).reason.message, /held by dave@b\/2/);
    assert.equal(d!.status, 'fulfilled');
    assert.equal((await store.readOne(w.listenerArn)).lease?.holder, 'dave@b/2');
  });

  it('acquireAll takes every route or none', async () => {
    // GIVEN erin holds the second route
    const second = w.elbModel.createRule({
      ListenerArn: w.listenerArn,
      Priority: 5,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/x'] } }],
      Actions: [forwardTo({ [w.blue]: 1, [w.green]: 0 })],
    }).arn;
    await w.clock.advance(120_000);
    await keeper().acquire(second, 'erin@c/3');
    // WHEN frank asks for both
    const err = await rejectionOf(keeper().acquireAll([w.listenerArn, second], 'frank@d/4'));
    // THEN he is refused and holds nothing
    assert.equal(err.code, 'E_LEASE_HELD');
    assert.equal((await store.readOne(w.listenerArn)).lease, undefined);
    const tags = (await store.readOne(w.listenerArn)).tags;
    assert.ok(!(LEASE_TAG in tags));
  });
});
