import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../src/plan/plan.ts';
import { LISTENER, rollout, steps, tg } from './rollout-builder.ts';

const M = 60_000;

describe('buildPlan: the design sketch (5%, 25%, approve, 100%)', () => {
  // GIVEN the rollout of the design sketch
  const plan = buildPlan(rollout());

  it('starts with everything on `from`', () => {
    assert.deepEqual(plan.initial.weights, { blue: 1, green: 0 });
    assert.deepEqual(plan.initial.shares, { blue: 100, green: 0 });
    assert.equal(plan.initial.toPercent, 0);
  });

  it('gives every step its ALB weights, per route and cluster, with the effective percent', () => {
    assert.deepEqual(
      plan.steps.map((p) => [p.number, p.kind, p.state.weights]),
      [
        [1, 'weight', { blue: 19, green: 1 }],
        [2, 'weight', { blue: 3, green: 1 }],
        [3, 'approve', { blue: 3, green: 1 }],
        [4, 'weight', { blue: 0, green: 1 }],
      ],
    );
    assert.deepEqual(plan.steps[0]!.state.routes, [
      {
        route: 'web',
        clusters: {
          blue: { targetGroupArn: tg('web', 'blue'), weight: 19, percent: 95 },
          green: { targetGroupArn: tg('web', 'green'), weight: 1, percent: 5 },
        },
      },
    ]);
  });

  it('sums bakes into cumulative minimum durations; approvals add 0 and wait for an operator', () => {
    assert.deepEqual(
      plan.steps.map((p) => [p.bakeMs, p.cumulativeMs, p.waitsForOperator]),
      [
        [5 * M, 5 * M, false],
        [10 * M, 15 * M, false],
        [0, 15 * M, true],
        [15 * M, 30 * M, false],
      ],
    );
  });

  it('counts totals: weight changes, API calls, approvals, minimum duration', () => {
    assert.deepEqual(plan.totals, { steps: 4, weightChanges: 3, apiCalls: 3, approvals: 1, minDurationMs: 30 * M });
  });

  it('lists the checks that can judge each split', () => {
    // 0 target5xxRate green, 1 elb5xxRate, 2 healthyTargets green, 3 compare5xx blue/green, 4 alarm.
    assert.deepEqual(plan.steps[0]!.checks, [0, 1, 2, 3, 4]);
    // At 100% on green blue has no traffic: comparing with it says nothing.
    assert.deepEqual(plan.steps[3]!.checks, [0, 1, 2, 4]);
    assert.match(plan.gates.checks[0]!.description, /target5xxRate green ≤ 1% \(min 300 requests\)/);
  });

  it('describes routes, capacity and an instant rollback to `from`', () => {
    assert.deepEqual(plan.routes, [
      {
        name: 'web',
        kind: 'listener',
        arn: LISTENER,
        targetGroups: { blue: tg('web', 'blue'), green: tg('web', 'green') },
      },
    ]);
    assert.deepEqual(plan.capacity, { receiving: 'green', minHealthyTargets: 2, headroom: 1.2, waitMs: 5 * M });
    assert.equal(plan.rollback.mode, 'instant');
    assert.deepEqual(plan.rollback.target.weights, { blue: 1, green: 0 });
    assert.deepEqual(plan.rollback.gradual, []);
    assert.equal(plan.partial, false);
  });

  it('is plain data (survives a JSON round trip unchanged)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
  });
});

describe('buildPlan: edge cases', () => {
  it('GIVEN a repeated share THEN that step writes nothing and is not counted as a change', () => {
    const plan = buildPlan(rollout({ steps: steps([10, M], [10, M], [100, M]) }));
    assert.deepEqual(
      plan.steps.map((p) => p.changesWeights),
      [true, false, true],
    );
    assert.equal(plan.totals.weightChanges, 2);
  });

  it('GIVEN a first step at 0% THEN it changes nothing (already all on `from`)', () => {
    const plan = buildPlan(rollout({ steps: steps([0, M], [100, M]) }));
    assert.equal(plan.steps[0]!.changesWeights, false);
    assert.deepEqual(plan.steps[0]!.checks, [1, 4], 'only load-balancer-wide checks and alarms apply');
  });

  it('GIVEN two routes THEN every weight change is one call per route', () => {
    const base = rollout();
    const api = { ...base.spec.routes[0]!, name: 'api', listenerArn: undefined, ruleArn: `${LISTENER}-rule` };
    const plan = buildPlan(rollout({ routes: [base.spec.routes[0]!, api] }));
    assert.equal(plan.totals.apiCalls, 6);
    assert.equal(plan.routes[1]!.kind, 'rule');
    assert.deepEqual(
      plan.steps[1]!.state.routes.map((r) => [r.route, r.clusters.green!.weight]),
      [
        ['web', 1],
        ['api', 1],
      ],
    );
  });

  it('GIVEN an inexact share THEN the nearest weights and the error', () => {
    const plan = buildPlan(rollout({ steps: steps([33.33, M], [100, M]) }));
    const s = plan.steps[0]!.state;
    assert.deepEqual(s.weights, { blue: 2, green: 1 });
    assert.equal(s.exact, false);
    assert.ok(Math.abs(s.maxErrorPct - 1 / 300) < 1e-12);
  });

  it('GIVEN a partial rollout THEN partial is reported', () => {
    const plan = buildPlan(rollout({ steps: steps([5, M], [50, M]), partial: true }));
    assert.equal(plan.partial, true);
    assert.deepEqual(plan.steps.at(-1)!.state.weights, { blue: 1, green: 1 });
  });

  it('GIVEN gradual rollback THEN the splits reached, highest first, down to all on `from`', () => {
    const plan = buildPlan(
      rollout({
        steps: steps([5, M], [25, M], [25, M], 'approve', [100, M]),
        rollback: { mode: 'gradual', stepBakeMs: 30_000 },
      }),
    );
    assert.deepEqual(
      plan.rollback.gradual.map((s) => [s.toPercent, s.weights]),
      [
        [100, { blue: 0, green: 1 }],
        [25, { blue: 3, green: 1 }],
        [5, { blue: 19, green: 1 }],
        [0, { blue: 1, green: 0 }],
      ],
    );
    assert.equal(plan.rollback.stepBakeMs, 30_000);
  });
});

describe('buildPlan: three clusters with explicit splits', () => {
  const clusters = ['blue', 'green', 'red'].map((name) => ({ name, context: name }));
  const plan = buildPlan(
    rollout({
      clusters,
      steps: steps(
        { weights: { blue: 90, green: 5, red: 5 }, bakeMs: M },
        { weights: { blue: 50, green: 25, red: 25 }, bakeMs: 2 * M },
        { weights: { blue: 0, green: 100, red: 0 }, bakeMs: 3 * M },
      ),
      gates: {
        ...rollout().spec.gates,
        checks: [{ type: 'target5xxRate', cluster: 'red', max: 0.01, minRequests: 1 }],
      },
    }),
  );

  it('uses the explicit split for every cluster', () => {
    assert.deepEqual(plan.initial.weights, { blue: 1, green: 0, red: 0 });
    assert.deepEqual(
      plan.steps.map((p) => p.state.weights),
      [
        { blue: 18, green: 1, red: 1 },
        { blue: 2, green: 1, red: 1 },
        { blue: 0, green: 1, red: 0 },
      ],
    );
    assert.deepEqual(
      plan.steps.map((p) => p.state.toPercent),
      [5, 25, 100],
    );
  });

  it('drops checks about a cluster once it has no traffic', () => {
    assert.deepEqual(
      plan.steps.map((p) => p.checks),
      [[0], [0], []],
    );
  });
});
