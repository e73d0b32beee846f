import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../../src/agent/backoff.ts';
import type { Desired } from '../../src/agent/desired-targets.ts';
import type { OwnershipStore, TargetGroupPort } from '../../src/agent/ports.ts';
import { type ReconcileDeps, reconcileBinding } from '../../src/agent/reconcile.ts';
import type { RegisteredTarget } from '../../src/agent/target-diff.ts';
import { type BindingSpec, type Target, targetKey } from '../../src/agent/types.ts';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66';
const b = (over: Partial<BindingSpec> = {}): BindingSpec => ({
  namespace: 'web',
  name: 'web',
  serviceRef: { name: 'web', port: 80 },
  targetGroupARN: TG,
  targetType: 'ip',
  ...over,
});
const t = (n: number): Target => ({ id: `10.0.${Math.floor(n / 250)}.${n % 250}`, port: 8080 });
const want = (targets: Target[], waitingOnGate: string[] = []): Desired => ({ ok: true, targets, waitingOnGate });

/** A target group in memory that logs its calls, with an ownership store and optional failures. */
class FakeGroup implements TargetGroupPort, OwnershipStore {
  targets = new Map<string, RegisteredTarget>();
  log: string[] = [];
  owned = new Map<string, Set<string>>();
  tagValues: Record<string, string> = {};
  failNext: Error | undefined;
  async describeTargets() {
    this.log.push('describe');
    this.maybeFail();
    return [...this.targets.values()];
  }
  async register(_: string, ts: Target[]) {
    this.log.push(`register ${ts.length}`);
    this.maybeFail();
    for (const x of ts) this.targets.set(targetKey(x), { ...x, state: 'initial' });
  }
  async deregister(_: string, ts: Target[]) {
    this.log.push(`deregister ${ts.length}`);
    for (const x of ts) this.targets.delete(targetKey(x));
  }
  async tags() {
    return this.tagValues;
  }
  async describeGroup() {
    return { arn: TG, name: 'web-blue', targetType: 'ip' };
  }
  async load(binding: string) {
    return new Set(this.owned.get(binding));
  }
  async save(binding: string, s: Set<string>) {
    this.log.push(`own ${s.size}`);
    this.owned.set(binding, new Set(s));
  }
  private maybeFail() {
    const e = this.failNext;
    this.failNext = undefined;
    if (e) throw e;
  }
}

function deps(
  g: FakeGroup,
  allow = ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-*'],
): ReconcileDeps {
  return {
    tg: g,
    ownership: g,
    guard: { cluster: 'blue', allow },
    classify: (e) =>
      (e as Error).name === 'TooManyTargets'
        ? 'TooManyTargets'
        : (e as Error).name === 'TargetGroupNotFound'
          ? 'TargetGroupNotFound'
          : 'AwsError',
  };
}

describe('reconcile a binding', () => {
  it('GIVEN 450 new pods WHEN reconciled THEN one describe and ⌈450/200⌉ registers; a second pass with nothing new calls AWS 0 times', async () => {
    const g = new FakeGroup();
    const desired = Array.from({ length: 450 }, (_, i) => t(i));
    const r = await reconcileBinding(deps(g), b(), want(desired), undefined);
    assert.equal(r.ready, true);
    assert.deepEqual(g.log, ['describe', 'register 200', 'register 200', 'register 50']);
    assert.equal(r.calls, 4);
    assert.equal(g.targets.size, 450);
    const again = await reconcileBinding(deps(g), b(), want(desired), r.checkpoint);
    assert.equal(again.calls, 0);
    assert.equal(g.log.length, 4);
  });

  it('GIVEN pods gone and new ones WHEN reconciled THEN deregisters first, then registers', async () => {
    const g = new FakeGroup();
    for (const x of [t(1), t(2)]) g.targets.set(targetKey(x), { ...x, state: 'healthy' });
    const r = await reconcileBinding(deps(g), b(), want([t(2), t(3)]), undefined);
    assert.deepEqual(g.log, ['describe', 'deregister 1', 'register 1']);
    assert.deepEqual(r.states, { healthy: 1, draining: 1, initial: 1 });
  });

  it('GIVEN targets registered and healthy WHEN a pass changes nothing THEN the message says where the binding stands, then what the pass did', async () => {
    const g = new FakeGroup();
    const desired = [t(1), t(2), t(3), t(4)];
    const first = await reconcileBinding(deps(g), b(), want(desired), undefined);
    assert.equal(first.message, '4 targets desired, 4 registered (0 healthy); last pass registered 4, deregistered 0');
    for (const x of g.targets.values()) x.state = 'healthy';
    // A verification pass (the health refresh): nothing to change, every target healthy.
    const again = await reconcileBinding(deps(g), b(), want(desired), undefined);
    assert.equal(again.message, '4 targets desired, 4 registered (4 healthy); last pass registered 0, deregistered 0');
    // One pod replaced: the leaving target is draining, not counted as registered.
    const next = await reconcileBinding(deps(g), b(), want([t(2), t(3), t(4), t(5)]), undefined);
    assert.equal(next.message, '4 targets desired, 4 registered (3 healthy); last pass registered 1, deregistered 1');
    const one = await reconcileBinding(deps(new FakeGroup()), b(), want([t(9)]), undefined);
    assert.match(one.message, /^1 target desired, 1 registered \(0 healthy\);/);
  });

  it('GIVEN a shared target group WHEN reconciled THEN ownership is saved before registering and other clusters’ targets stay', async () => {
    const g = new FakeGroup();
    const other = { id: '10.9.0.1', port: 8080 };
    g.targets.set(targetKey(other), { ...other, state: 'healthy' });
    g.targets.set(targetKey(t(1)), { ...t(1), state: 'healthy' });
    g.owned.set('web', new Set([targetKey(t(1))]));
    await reconcileBinding(deps(g), b({ multiClusterTargetGroup: true }), want([t(2)]), undefined);
    assert.deepEqual(g.log, ['describe', 'own 2', 'deregister 1', 'register 1', 'own 1']);
    assert.ok(g.targets.has(targetKey(other)), "the other cluster's target is untouched");
    assert.deepEqual([...g.owned.get('web')!], [targetKey(t(2))]);
  });

  it('GIVEN a shared group whose ownership record was lost WHEN reconciled THEN this cluster’s live targets are adopted, so they can be removed later', async () => {
    const g = new FakeGroup();
    const other = { id: '10.9.0.1', port: 8080 };
    for (const x of [other, t(1), t(2)]) g.targets.set(targetKey(x), { ...x, state: 'healthy' });
    const shared = b({ multiClusterTargetGroup: true });
    const r = await reconcileBinding(deps(g), shared, want([t(1), t(2)]), undefined);
    assert.deepEqual(g.log, ['describe', 'own 2']);
    assert.deepEqual(r.states, { healthy: 2 }, 'the status counts its own two, not the other cluster’s');
    await reconcileBinding(deps(g), shared, want([t(2)]), undefined);
    assert.ok(!g.targets.has(targetKey(t(1))), 'the adopted target is deregistered once its pod is gone');
    assert.ok(g.targets.has(targetKey(other)));
  });

  it('GIVEN a target group outside the allow-list and untagged THEN Forbidden and never touched', async () => {
    const g = new FakeGroup();
    const r = await reconcileBinding(
      deps(g, ['arn:aws:elasticloadbalancing:*:*:targetgroup/api-*']),
      b(),
      want([t(1)]),
      undefined,
    );
    assert.equal(r.reason, 'Forbidden');
    assert.match(r.message, /not tagged cutover\.dev\/cluster=blue/);
    assert.deepEqual(g.log, []);
  });

  it('GIVEN the target group is tagged for this cluster THEN it is allowed without a pattern', async () => {
    const g = new FakeGroup();
    g.tagValues = { 'cutover.dev/cluster': 'blue' };
    const r = await reconcileBinding(deps(g, []), b(), want([t(1)]), undefined);
    assert.equal(r.ready, true);
  });

  it('GIVEN the quota is reached WHEN registering THEN a TooManyTargets condition and no checkpoint', async () => {
    const g = new FakeGroup();
    const err = Object.assign(new Error('You have reached the maximum number of targets'), { name: 'TooManyTargets' });
    g.failNext = undefined;
    const tg = deps(g);
    tg.tg = {
      ...g,
      describeTargets: () => g.describeTargets(),
      deregister: (a, x) => g.deregister(a, x),
      tags: () => g.tags(),
      describeGroup: () => g.describeGroup(),
      register: async () => {
        throw err;
      },
    };
    const r = await reconcileBinding(tg, b(), want([t(1)]), 'old');
    assert.deepEqual([r.ready, r.reason, r.checkpoint], [false, 'TooManyTargets', undefined]);
  });

  it('GIVEN pods waiting on the gate THEN it looks again even when the checkpoint is unchanged', async () => {
    const g = new FakeGroup();
    const first = await reconcileBinding(deps(g), b(), want([t(1)], ['web-1']), undefined);
    assert.equal(first.requeueAfterMs, 15_000);
    const second = await reconcileBinding(deps(g), b(), want([t(1)], ['web-1']), first.checkpoint);
    assert.equal(second.calls, 1, 'one describe, to see the gate’s target health');
  });

  it('backs off exponentially to a cap of two minutes', () => {
    assert.equal(
      backoffDelay(0, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(3, () => 0.999_999),
      4_000,
    );
    assert.equal(
      backoffDelay(40, () => 1 - 1e-9),
      120_000,
    );
  });
});
