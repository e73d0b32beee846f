import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutRecord, RouteWeights } from '../../src/engine/ports.ts';
import { decideStart, splitOf } from '../../src/engine/resume.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadRolloutFile } from '../../src/spec/index.ts';

const loaded = await loadRolloutFile('rollouts/sandbox-web.yaml');
const plan = buildPlan(loaded.rollout);
const HASH = loaded.hash;
const initial = splitOf(plan, plan.initial.routes);
const step = (i: number) => splitOf(plan, plan.steps[i]!.state.routes);
const odd: RouteWeights = { web: Object.fromEntries(Object.values(plan.routes[0]!.targetGroups).map((tg) => [tg, 7])) };
const rec = (over: Partial<RolloutRecord>): RolloutRecord => ({
  rollout: plan.name,
  specHash: HASH,
  step: 1,
  phase: 'baking',
  weights: step(1),
  ...over,
});
const opts = { takeOver: false, forceSpec: false };

describe('where a driver starts', () => {
  const cases: Array<[string, RolloutRecord | undefined, RouteWeights, object, Record<string, unknown>]> = [
    ['no record, at the initial split: fresh', undefined, initial, opts, { kind: 'fresh' }],
    [
      'no record, elsewhere, --take-over: fresh from the live weights',
      undefined,
      odd,
      { ...opts, takeOver: true },
      { kind: 'fresh', lastWritten: odd },
    ],
    [
      'baking, live as recorded: resume the bake',
      rec({ verifiedAt: 5 }),
      step(1),
      opts,
      { kind: 'resume', phase: 'bake', step: 1, verifiedAt: 5 },
    ],
    [
      'shifting, the write landed: bake it',
      rec({ phase: 'shifting', weights: step(0), target: step(1) }),
      step(1),
      opts,
      { kind: 'resume', phase: 'bake', step: 1 },
    ],
    [
      'shifting, the write did not land: shift again',
      rec({ phase: 'shifting', weights: step(0), target: step(1) }),
      step(0),
      opts,
      { kind: 'resume', phase: 'shift', step: 1 },
    ],
    [
      'starting a step: go on with it',
      rec({ phase: 'starting', weights: step(0) }),
      step(0),
      opts,
      { kind: 'resume', phase: 'step', step: 1 },
    ],
    [
      'awaiting approval: keep waiting',
      rec({ phase: 'awaitingApproval' }),
      step(1),
      opts,
      { kind: 'resume', phase: 'approval' },
    ],
    [
      'baking, changed by hand: paused with the drift in words',
      rec({}),
      odd,
      opts,
      { kind: 'resume', phase: 'paused', reason: 'route web: expected blue=3 green=1, found blue=7 green=7' },
    ],
    [
      'baking, changed by hand, --take-over: adopt and go on',
      rec({}),
      odd,
      { ...opts, takeOver: true },
      { kind: 'resume', phase: 'bake', lastWritten: odd },
    ],
    [
      'rolling back: roll back again from the live weights',
      rec({ phase: 'rollingBack' }),
      odd,
      opts,
      { kind: 'resume', phase: 'rollback', lastWritten: odd },
    ],
    [
      'rolled back before, at the start again: a fresh attempt',
      rec({ phase: 'rolledBack', weights: initial }),
      initial,
      opts,
      { kind: 'fresh' },
    ],
    [
      'completed, at the final split: done',
      rec({ phase: 'completed', step: 3, weights: step(3) }),
      step(3),
      opts,
      { kind: 'done' },
    ],
  ];
  for (const [name, record, live, o, want] of cases) {
    it(name, () => {
      const got = decideStart(plan, HASH, record, live, o as typeof opts) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${k} of ${JSON.stringify(got)}`);
    });
  }

  it('GIVEN no record and live weights off the initial split THEN it refuses, saying what it found', () => {
    assert.throws(
      () => decideStart(plan, HASH, undefined, odd, opts),
      (e: Error & { code?: string; value?: unknown }) => {
        assert.equal(e.code, 'E_NOT_AT_START');
        assert.equal(e.value, 'route web: expected blue=1 green=0, found blue=7 green=7');
        return true;
      },
    );
  });

  it('GIVEN a record of another rollout THEN it refuses, naming it', () => {
    assert.throws(() => decideStart(plan, HASH, rec({ rollout: 'other' }), step(1), opts), /state of another rollout/);
  });

  it('GIVEN a changed spec THEN it refuses unless forceSpec', () => {
    assert.throws(() => decideStart(plan, 'ab'.repeat(32), rec({}), step(1), opts), /rollout file changed/);
    assert.equal(decideStart(plan, 'ab'.repeat(32), rec({}), step(1), { ...opts, forceSpec: true }).kind, 'resume');
  });
});

describe('the starting split is judged by shares', () => {
  it('GIVEN Terraform wrote blue=100 green=0 THEN that is the plan’s start (blue=1 green=0)', () => {
    const [blue, green] = Object.values(plan.routes[0]!.targetGroups) as [string, string];
    const live: RouteWeights = { web: { [blue]: 100, [green]: 0 } };
    assert.deepEqual(decideStart(plan, HASH, undefined, live, opts), { kind: 'fresh', lastWritten: live });
  });
});
