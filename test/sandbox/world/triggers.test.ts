import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targetGroupArn } from '../../../src/sandbox/ids.ts';
import type { FaultDef } from '../../../src/sandbox/scenario/types.ts';
import { KubeFaults } from '../../../src/sandbox/world/faults.ts';
import { createRandom } from '../../../src/sandbox/world/prng.ts';
import type { World } from '../../../src/sandbox/world/world.ts';
import { MINUTE, makeWorld } from './helpers.ts';

const weights = (w: World) =>
  Object.fromEntries(
    w.elbv2
      .forwardTargets(w.listenerArn('edge', 80))
      .map((x) => [w.elbv2.targetGroups.get(x.targetGroupArn)!.name, x.weight]),
  );
const setWeights = (w: World, blue: number, green: number) =>
  w.elbv2.setForwardWeights(w.listenerArn('edge', 80), [
    { targetGroupArn: w.targetGroupArn('web-blue'), weight: blue },
    { targetGroupArn: w.targetGroupArn('web-green'), weight: green },
  ]);
const tgCounts = (w: World, tg: string) => ({ ...w.truth.get(w.targetGroupArn(tg))! });
const listener = { loadBalancer: 'edge', port: 80 };

describe('faults on triggers', () => {
  it("starts a fault when a cluster's share first reaches its threshold, not before", async () => {
    // GIVEN green errors 50% once green's share of edge:80 reaches 50%, for 3 minutes
    const fault: FaultDef = {
      atMs: 0,
      trigger: { kind: 'share', ...listener, cluster: 'green', reaches: 0.5 },
      kind: 'errorRate',
      cluster: 'green',
      errorRate: 0.5,
      forMs: 3 * MINUTE,
    };
    const { world, advance, clock } = makeWorld((s) => {
      s.faults = [fault];
    });
    // WHEN the driver goes to 25%, then to 50%
    setWeights(world, 75, 25);
    await advance(2 * MINUTE);
    assert.equal(world.faultStart(fault), undefined, 'not at 25%');
    await advance(5_500);
    const changedAt = clock.now();
    setWeights(world, 50, 50);
    // THEN the fault starts at the change itself, and green answers about half its requests with 5xx
    await advance(1000);
    assert.equal(world.faultStart(fault), changedAt);
    const before = tgCounts(world, 'web-green');
    await advance(2 * MINUTE);
    const after = tgCounts(world, 'web-green');
    const rate = (after.target5xx - before.target5xx) / (after.requests - before.requests);
    assert.ok(Math.abs(rate - 0.5) < 0.03, `green 5xx rate ${rate}`);
    // AND going back and forth again does not start it twice
    setWeights(world, 100, 0);
    setWeights(world, 0, 100);
    await advance(3 * MINUTE);
    assert.equal(world.faultStart(fault), changedAt);
  });

  it('fires on the k-th weight change, ignoring writes that change nothing, `after` later', async () => {
    const fault: FaultDef = {
      atMs: MINUTE,
      trigger: { kind: 'weightChange', ...listener, count: 2 },
      kind: 'killPods',
      cluster: 'blue',
      pods: 1,
    };
    const { world, advance, clock } = makeWorld((s) => {
      s.faults = [fault];
    });
    setWeights(world, 90, 10);
    await advance(MINUTE);
    setWeights(world, 90, 10); // same weights: not a change
    await advance(MINUTE);
    assert.equal(world.faultStart(fault), undefined);
    const second = clock.now();
    setWeights(world, 80, 20);
    await advance(30_000);
    assert.equal(world.faultStart(fault), undefined, '`after` has not passed yet');
    await advance(31_000);
    assert.equal(world.faultStart(fault), second + MINUTE);
  });

  it('modifyWeights edits only the named weights, by cluster or target group, and counts as a change', async () => {
    const drift: FaultDef = { atMs: 2 * MINUTE, kind: 'modifyWeights', ...listener, weights: { green: 30 } };
    const chained: FaultDef = {
      atMs: 0,
      trigger: { kind: 'weightChange', ...listener, count: 1 },
      kind: 'watchDisconnect',
      cluster: 'blue',
    };
    const { world, advance, clock } = makeWorld((s) => {
      s.faults = [drift, chained];
    });
    const start = clock.now();
    await advance(MINUTE);
    assert.deepEqual(weights(world), { 'web-blue': 100, 'web-green': 0 });
    await advance(MINUTE + 500);
    // THEN green's group (registered from cluster green) got 30, blue kept 100
    assert.deepEqual(weights(world), { 'web-blue': 100, 'web-green': 30 });
    assert.equal(world.faultStart(drift), start + 2 * MINUTE);
    // AND the drift fired the weight-change trigger at the same moment
    assert.equal(world.faultStart(chained), start + 2 * MINUTE);
    // AND traffic follows: green gets about 30/130 of the requests from then on
    const b0 = tgCounts(world, 'web-blue').requests;
    const g0 = tgCounts(world, 'web-green').requests;
    await advance(10 * MINUTE);
    const g = tgCounts(world, 'web-green').requests - g0;
    const b = tgCounts(world, 'web-blue').requests - b0;
    assert.ok(Math.abs(g / (g + b) - 30 / 130) < 0.01, `green share ${g / (g + b)}`);
  });

  it("acts on a rule's forward action when `rule` is given, naming groups by ARN", async () => {
    // GIVEN a rule (priority 10) forwarding to blue only; at 2m a drift gives web-green (by ARN)
    // weight 1 on that rule; a share trigger watches web-green's share of the rule
    const watch: FaultDef = {
      atMs: 0,
      trigger: { kind: 'share', ...listener, rule: 10, targetGroup: 'web-green', reaches: 0.5 },
      kind: 'errorRate',
      cluster: 'green',
      errorRate: 0.2,
    };
    const { world, advance, clock } = makeWorld((s) => {
      s.loadBalancers[0]!.listeners[0]!.rules = [
        {
          priority: 10,
          conditions: [{ field: 'path-pattern', values: ['/api/*'] }],
          forward: [
            { targetGroup: 'web-blue', weight: 1 },
            { targetGroup: 'web-green', weight: 0 },
          ],
        },
      ];
      const drift: FaultDef = {
        atMs: 2 * MINUTE,
        kind: 'modifyWeights',
        ...listener,
        rule: 10,
        weights: { [targetGroupArn(s, 'web-green')]: 1 },
      };
      s.faults = [watch, drift];
    });
    const start = clock.now();
    await advance(MINUTE);
    assert.equal(world.faultStart(watch), undefined);
    await advance(MINUTE + 1000);
    // THEN the rule's weights changed, the listener's default action's did not, and the trigger fired
    const rule = world.elbv2.rulesOf(world.listenerArn('edge', 80)).find((r) => r.Priority === '10')!;
    assert.deepEqual(
      world.elbv2.forwardTargets(rule.RuleArn).map((w) => w.weight),
      [1, 1],
    );
    assert.deepEqual(weights(world), { 'web-blue': 100, 'web-green': 0 });
    assert.equal(world.faultStart(watch), start + 2 * MINUTE);
  });

  it('starts Kubernetes API faults on triggers too', async () => {
    const throttle: FaultDef = {
      atMs: 0,
      trigger: { kind: 'weightChange', ...listener, count: 1 },
      kind: 'kubeThrottle',
      cluster: 'blue',
      verbs: [],
      resources: [],
      probability: 1,
      forMs: MINUTE,
    };
    const { world, advance } = makeWorld((s) => {
      s.faults = [throttle];
    });
    const kube = new KubeFaults(
      world.scenario.faults,
      'blue',
      (f) => world.faultStart(f),
      () => world.clock.now(),
      createRandom(1),
    );
    const pods = { group: '', version: 'v1', resource: 'pods' };
    await advance(MINUTE);
    assert.equal(kube.before('list', pods), undefined);
    setWeights(world, 50, 50);
    await advance(1000);
    assert.deepEqual(kube.before('list', pods), { status: 429 });
    await advance(MINUTE);
    assert.equal(kube.before('list', pods), undefined);
  });
});
