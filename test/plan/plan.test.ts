import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../src/plan/plan.ts';
import { rollbackFrom } from '../../src/plan/rollback.ts';
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

  it('gives every step its ALB weights per cluster, and per route the target group weights to write', () => {
    assert.deepEqual(
      plan.steps.map((p) => [p.index, p.kind, p.state.weights, p.state.effective]),
      [
        [0, 'weight', { blue: 19, green: 1 }, { blue: 95, green: 5 }],
        [1, 'weight', { blue: 3, green: 1 }, { blue: 75, green: 25 }],
        [2, 'approve', { blue: 3, green: 1 }, { blue: 75, green: 25 }],
        [3, 'weight', { blue: 0, green: 1 }, { blue: 0, green: 100 }],
      ],
    );
    assert.deepEqual(plan.steps[0]!.state.routes, [
      { route: 'web', targetGroups: { [tg('web', 'blue')]: 19, [tg('web', 'green')]: 1 } },
    ]);
  });

  it('names, per step, each cluster whose share rises (what the capacity preflight checks)', () => {
    assert.deepEqual(
      plan.steps.map((p) => p.increases),
      [{ green: { from: 0, to: 5 } }, { green: { from: 5, to: 25 } }, {}, { green: { from: 25, to: 100 } }],
    );
  });

  it('sums bakes into cumulative minimum durations; approvals add 0 and wait for an operator', () => {
    assert.deepEqual(
      plan.steps.map((p) => [p.bakeMs, p.cumulativeMs, p.kind === 'approve']),
      [
        [5 * M, 5 * M, false],
        [10 * M, 15 * M, false],
        [0, 15 * M, true],
        [15 * M, 30 * M, false],
      ],
    );
  });

  it('GIVEN a bake shorter than a window plus the lag THEN the step lasts until its first own verdict', () => {
    const short = buildPlan(rollout({ steps: steps([5, 60_000], [100, 60_000]) }));
    // interval 1m + lag 2m: a step's first own tick comes 3 minutes after its write.
    assert.deepEqual(
      short.steps.map((p) => p.cumulativeMs),
      [3 * M, 6 * M],
    );
    const unchecked = buildPlan(
      rollout({ gates: { ...rollout().spec.gates, checks: [] }, steps: steps([5, 60_000], [100, 60_000]) }),
    );
    assert.deepEqual(
      unchecked.steps.map((p) => p.cumulativeMs),
      [1 * M, 2 * M],
      'no checks: the bake alone',
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
    assert.deepEqual(plan.capacity, { minHealthyTargets: 2, headroom: 1.2, waitMs: 5 * M });
    assert.equal(plan.rollback.mode, 'instant');
    assert.deepEqual(plan.rollback.path, [{ returnsTo: null, state: plan.initial }]);
    assert.deepEqual(plan.initial.weights, { blue: 1, green: 0 });
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
    const api = {
      name: 'api',
      kind: 'rule' as const,
      arn: `${LISTENER}-rule`,
      targetGroups: { blue: tg('api', 'blue'), green: tg('api', 'green') },
    };
    const plan = buildPlan(rollout({ routes: [base.spec.routes[0]!, api] }));
    assert.equal(plan.totals.apiCalls, 6);
    assert.deepEqual(
      plan.routes.map((r) => [r.kind, r.arn]),
      [
        ['listener', LISTENER],
        ['rule', `${LISTENER}-rule`],
      ],
    );
    assert.deepEqual(plan.steps[1]!.state.routes, [
      { route: 'web', targetGroups: { [tg('web', 'blue')]: 3, [tg('web', 'green')]: 1 } },
      { route: 'api', targetGroups: { [tg('api', 'blue')]: 3, [tg('api', 'green')]: 1 } },
    ]);
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

  it('GIVEN gradual rollback THEN the splits written, latest first, each naming its step, down to all on `from`', () => {
    const plan = buildPlan(
      rollout({
        steps: steps([5, M], [25, M], [25, M], 'approve', [100, M]),
        rollback: { mode: 'gradual', stepBakeMs: 30_000 },
      }),
    );
    assert.deepEqual(
      plan.rollback.path.map((r) => [r.returnsTo, r.state.toPercent, r.state.weights]),
      [
        [4, 100, { blue: 0, green: 1 }],
        [1, 25, { blue: 3, green: 1 }],
        [0, 5, { blue: 19, green: 1 }],
        [null, 0, { blue: 1, green: 0 }],
      ],
    );
    assert.equal(plan.rollback.stepBakeMs, 30_000);
    // AND from a step, rollback writes only the splits before it (a step that wrote nothing
    // leaves the previous split live, so that one is not written again)
    const from = (k: number) => rollbackFrom(plan, k).map((r) => r.returnsTo);
    assert.deepEqual(from(4), [1, 0, null]);
    assert.deepEqual(from(3), [0, null], 'the approval holds 25%: back to 5%, then 0%');
    assert.deepEqual(from(2), [0, null], 'the repeat holds 25%');
    assert.deepEqual(from(1), [0, null]);
    assert.deepEqual(from(0), [null]);
    assert.throws(() => rollbackFrom(plan, 5), RangeError);
  });

  it('GIVEN instant rollback THEN one write to the initial split, none when nothing moved yet', () => {
    const plan = buildPlan(rollout({ steps: steps([0, M], [5, M], [100, M]) }));
    assert.deepEqual(
      rollbackFrom(plan, 2).map((r) => [r.returnsTo, r.state.weights]),
      [[null, { blue: 1, green: 0 }]],
    );
    assert.deepEqual(rollbackFrom(plan, 0), [], 'step 0 (0%) left everything on blue');
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

  it('preflights every cluster whose share rises, not only `to`', () => {
    // Before: capacity knew only `to`; red goes 0 → 5% at step 0 and 5 → 25% at step 1 unchecked.
    assert.deepEqual(
      plan.steps.map((p) => p.increases),
      [
        { green: { from: 0, to: 5 }, red: { from: 0, to: 5 } },
        { green: { from: 5, to: 25 }, red: { from: 5, to: 25 } },
        { green: { from: 25, to: 100 } },
      ],
    );
  });
});

describe('buildPlan: splits with the same share on `to`', () => {
  // GIVEN green stays at 10% while dr takes 5% from blue
  const clusters = ['blue', 'green', 'dr'].map((name) => ({ name, context: name }));
  const plan = buildPlan(
    rollout({
      clusters,
      steps: steps(
        { weights: { blue: 90, green: 10, dr: 0 }, bakeMs: M },
        { weights: { blue: 85, green: 10, dr: 5 }, bakeMs: M },
        { weights: { blue: 0, green: 100, dr: 0 }, bakeMs: M },
      ),
      rollback: { mode: 'gradual', stepBakeMs: 30_000 },
    }),
  );

  it('THEN the step that raises only dr preflights dr', () => {
    assert.deepEqual(plan.steps[1]!.increases, { dr: { from: 0, to: 5 } });
  });

  it('THEN gradual rollback walks the splits by step, not by share on `to`', () => {
    assert.deepEqual(
      plan.rollback.path.map((r) => [r.returnsTo, r.state.shares]),
      [
        [2, { blue: 0, green: 100, dr: 0 }],
        [1, { blue: 85, green: 10, dr: 5 }],
        [0, { blue: 90, green: 10, dr: 0 }],
        [null, { blue: 100, green: 0, dr: 0 }],
      ],
    );
    assert.deepEqual(
      rollbackFrom(plan, 2).map((r) => r.returnsTo),
      [1, 0, null],
    );
    assert.deepEqual(
      rollbackFrom(plan, 1).map((r) => r.returnsTo),
      [0, null],
    );
  });
});

describe('buildPlan: clusters named like Object.prototype members', () => {
  it('GIVEN clusters `constructor` and `prototype` THEN no prototype value leaks into the plan', () => {
    const clusters = ['constructor', 'prototype'].map((name) => ({ name, context: name }));
    const base = rollout({ clusters });
    const plan = buildPlan({
      ...base,
      spec: {
        ...base.spec,
        from: 'constructor',
        to: 'prototype',
        steps: steps({ weights: { constructor: 95, prototype: 5 }, bakeMs: M }),
        gates: {
          ...base.spec.gates,
          checks: [{ type: 'target5xxRate', cluster: 'constructor', max: 0.01, minRequests: 1 }],
        },
      },
    });
    const json = JSON.stringify(plan);
    assert.doesNotMatch(json, /Function|\[object/);
    assert.deepEqual(plan.initial.shares, { constructor: 100, prototype: 0 });
    assert.deepEqual(plan.steps[0]!.state.weights, { constructor: 19, prototype: 1 });
    assert.deepEqual(plan.steps[0]!.state.routes, [
      { route: 'web', targetGroups: { [tg('web', 'constructor')]: 19, [tg('web', 'prototype')]: 1 } },
    ]);
    assert.deepEqual(plan.steps[0]!.increases, { prototype: { from: 0, to: 5 } });
    assert.deepEqual(plan.steps[0]!.checks, [0]);
  });
});
