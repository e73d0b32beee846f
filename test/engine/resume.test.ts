import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { RolloutRecord, RouteWeights } from '../../src/engine/ports.ts';
import { decideStart, splitOf, startSummary } from '../../src/engine/resume.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Plan } from '../../src/plan/plan-types.ts';
import { loadRolloutFile } from '../../src/spec/index.ts';
import { parseRollout } from '../../src/spec/load.ts';

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
/** blue=100−pct green=pct on route web. */
function green(pct: number, p: Plan = plan): RouteWeights {
  const tgs = p.routes[0]!.targetGroups;
  return { web: { [tgs.blue!]: 100 - pct, [tgs.green!]: pct } };
}

describe('where a driver starts', () => {
  const cases: Array<[string, RolloutRecord | undefined, RouteWeights, object, Record<string, unknown>]> = [
    ['no record, at the initial split: fresh', undefined, initial, opts, { kind: 'fresh' }],
    [
      'no record, elsewhere, --take-over: fresh from the live weights',
      undefined,
      odd,
      { ...opts, takeOver: true },
      { kind: 'fresh', step: 2, lastWritten: odd },
    ],
    [
      'no record, blue=90 green=10, --take-over: continue at step 2 (25%), never write 5%',
      undefined,
      green(10),
      { ...opts, takeOver: true },
      {
        kind: 'fresh',
        step: 1,
        lastWritten: green(10),
        note: 'taking over at 10% green: continuing at step 2/4 (25%)',
      },
    ],
    [
      'no record, at step 2’s split (25%), --take-over: continue at step 2',
      undefined,
      green(25),
      { ...opts, takeOver: true },
      { kind: 'fresh', step: 1 },
    ],
    [
      'no record, at 3% (below step 1), --take-over: step 1',
      undefined,
      green(3),
      { ...opts, takeOver: true },
      { kind: 'fresh', step: 0 },
    ],
    [
      'another rollout’s completed record, at our start: a fresh start, saying so',
      rec({ rollout: 'other', phase: 'completed', step: 3 }),
      initial,
      opts,
      {
        kind: 'fresh',
        step: 0,
        note: 'the routes carry the record of rollout other, which has ended (completed); starting sandbox-web at its starting split',
      },
    ],
    [
      'another rollout’s rolled-back record, at our start: fresh',
      rec({ rollout: 'other', phase: 'rolledBack', step: 1 }),
      initial,
      opts,
      { kind: 'fresh', step: 0 },
    ],
    [
      'another rollout’s aborted record, at our start: fresh',
      rec({ rollout: 'other', phase: 'aborted', step: 1 }),
      initial,
      opts,
      { kind: 'fresh', step: 0 },
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
      'baking step 2 (25%), changed by hand to 50%, --take-over: adopt and go on at step 3 (50%), never back to 25%',
      rec({}),
      odd,
      { ...opts, takeOver: true },
      { kind: 'resume', phase: 'step', step: 2, lastWritten: odd },
    ],
    [
      'baking step 2 (25%), changed by hand to 10%, --take-over: write step 2 again, not bake 10% as step 2',
      rec({}),
      green(10),
      { ...opts, takeOver: true },
      { kind: 'resume', phase: 'step', step: 1, lastWritten: green(10) },
    ],
    [
      'baking step 2 (25%), rewritten by hand as blue=75 green=25, --take-over: the bake goes on',
      rec({ verifiedAt: 5 }),
      green(25),
      { ...opts, takeOver: true },
      { kind: 'resume', phase: 'bake', step: 1, verifiedAt: 5, lastWritten: green(25) },
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

  for (const phase of [
    'starting',
    'shifting',
    'baking',
    'awaitingApproval',
    'paused',
    'rollingBack',
    'failed',
  ] as const) {
    it(`GIVEN another rollout's record, ${phase} THEN it refuses, naming it, its phase and step and what to do`, () => {
      assert.throws(
        () => decideStart(plan, HASH, rec({ rollout: 'other', phase }), step(1), { takeOver: true, forceSpec: true }),
        (e: Error & { code?: string; value?: unknown; hint?: string }) => {
          assert.equal(e.code, 'E_OTHER_ROLLOUT');
          assert.equal(e.message, `the routes carry rollout "other", which has not ended (${phase}, step 2)`);
          assert.equal(e.value, 'other');
          assert.match(e.hint ?? '', /wait for it to complete, or roll it back with `cutover abort <its file>`/);
          return true;
        },
      );
    });
  }

  it('GIVEN another rollout’s ended record and live weights off our start THEN the usual not-at-start refusal', () => {
    assert.throws(
      () => decideStart(plan, HASH, rec({ rollout: 'other', phase: 'completed' }), odd, opts),
      (e: Error & { code?: string }) => e.code === 'E_NOT_AT_START',
    );
  });

  it('GIVEN no record and blue=90 green=10 THEN the refusal says how to go on: --take-over and where, or the exact start', () => {
    assert.throws(
      () => decideStart(plan, HASH, undefined, green(10), opts),
      (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'E_NOT_AT_START');
        assert.equal(
          e.hint,
          'pass --take-over to adopt the live split (10% green) and continue at step 2/4 (25%), or set the weights back to the starting split (route web: blue=1 green=0) and run again',
        );
        assert.doesNotMatch(e.hint ?? '', /abort/);
        return true;
      },
    );
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
    assert.deepEqual(decideStart(plan, HASH, undefined, live, opts), { kind: 'fresh', step: 0, lastWritten: live });
  });
});

/** sandbox-web.yaml with other steps: a changed file. */
function variant(steps: string): { plan: Plan; hash: string } {
  const text = readFileSync('rollouts/sandbox-web.yaml', 'utf8').replace(
    / {2}steps:\n( {4}- .*\n)+/,
    `  steps:\n${steps
      .trim()
      .split('\n')
      .map((l) => `    - ${l.trim()}\n`)
      .join('')}`,
  );
  const { rollout, diagnostics } = parseRollout(text, 'variant.yaml');
  assert.ok(rollout, JSON.stringify(diagnostics));
  return { plan: buildPlan(rollout), hash: 'cd'.repeat(32) };
}

describe('--force-spec: a recorded step read as what the new file says it is', () => {
  // The old file: 5%, 25%, approve, 100%; the recorded approval at step 3 (index 2) holds 25%.
  const next = variant(`
    {weight: 5, bake: 2m}
    {weight: 25, bake: 2m}
    {weight: 50, bake: 3m}
    {weight: 100, bake: 2m}`);
  const force = { takeOver: false, forceSpec: true };
  const old = (over: Partial<RolloutRecord>): RolloutRecord => ({
    rollout: 'sandbox-web',
    specHash: HASH,
    step: 2,
    phase: 'awaitingApproval',
    weights: green(25, next.plan),
    ...over,
  });
  const cases: Array<[string, Plan, RolloutRecord, RouteWeights, Record<string, unknown>]> = [
    [
      'awaiting approval at step 3, now a 50% weight step: run step 3 (preflight, write 50%, bake), not wait',
      next.plan,
      old({}),
      green(25, next.plan),
      {
        kind: 'resume',
        phase: 'step',
        step: 2,
        note: 'the rollout file changed (--force-spec): recorded awaitingApproval at step 3/4; live 25% green: going on at step 3/4, a 50% weight step in this file',
      },
    ],
    [
      'baking 50% at step 3, now step 3 is 25%: never lower to 25%, go on at the 50% step',
      variant(`{weight: 5}
{weight: 10}
{weight: 25}
{weight: 50}
{weight: 100}`).plan,
      old({ phase: 'baking', weights: green(50, next.plan) }),
      green(50, next.plan),
      { kind: 'resume', phase: 'step', step: 3 },
    ],
    [
      'at 10% at step 3, now 5/25/50/100: step 3 would skip 25%, so go on at step 2 (25%)',
      next.plan,
      old({ phase: 'starting', weights: green(10, next.plan) }),
      green(10, next.plan),
      { kind: 'resume', phase: 'step', step: 1 },
    ],
    [
      'awaiting approval at step 3, still an approval at the live split: wait',
      variant(`{weight: 5}
{weight: 25}
{approve: true}
{weight: 100}`).plan,
      old({}),
      green(25, next.plan),
      { kind: 'resume', phase: 'approval', step: 2 },
    ],
    [
      'awaiting approval at step 3 holding 25%, the new approval holds 50%: write 50% first (step 3)',
      variant(`{weight: 5}
{weight: 25}
{weight: 50}
{approve: true}
{weight: 100}`).plan,
      old({}),
      green(25, next.plan),
      { kind: 'resume', phase: 'step', step: 2 },
    ],
    [
      'recorded step 6 of a longer file at 50%: the new file’s first step above the live share (4, 100%)',
      next.plan,
      old({ step: 5, phase: 'baking', weights: green(50, next.plan) }),
      green(50, next.plan),
      { kind: 'resume', phase: 'step', step: 3 },
    ],
  ];
  for (const [name, p, record, live, want] of cases) {
    it(name, () => {
      const got = decideStart(p, next.hash, record, live, force) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${k} of ${JSON.stringify(got)}`);
    });
  }

  it('GIVEN a changed file without --force-spec THEN the summary for status and plan --live says run refuses and why', () => {
    const s = startSummary(next.plan, next.hash, old({}), green(25, next.plan));
    assert.equal(s.ok, false);
    assert.match(s.text, /^it would refuse: the rollout file changed since this rollout started .*--force-spec/);
  });
});

describe('a live share beyond every step of the file', () => {
  // A partial rollout (5% then 25%) meeting a listener set by hand to 60% green.
  const text = readFileSync('rollouts/sandbox-web.yaml', 'utf8').replace(
    / {2}steps:\n( {4}- .*\n)+/,
    '  partial: true\n  steps:\n    - {weight: 5, bake: 2m}\n    - {weight: 25, bake: 2m}\n',
  );
  const parsed = parseRollout(text, 'partial.yaml');
  assert.ok(parsed.rollout, JSON.stringify(parsed.diagnostics));
  const partial = { plan: buildPlan(parsed.rollout), hash: 'ef'.repeat(32) };
  it('GIVEN --take-over at 60% green and a last step of 25% THEN it refuses, never lowering green', () => {
    assert.throws(
      () => decideStart(partial.plan, partial.hash, undefined, green(60, partial.plan), { ...opts, takeOver: true }),
      (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'E_LIVE_BEYOND_PLAN');
        assert.match(e.message, /sends 60% to green, more than every step .*\(its last step: 25%\)/);
        assert.match(e.hint ?? '', /at or below 25% green, or add a step that reaches 60%/);
        return true;
      },
    );
  });
  it('GIVEN --force-spec with the record at 60% and the new file ending at 25% THEN the same refusal', () => {
    const record = rec({ step: 2, phase: 'baking', weights: green(60, partial.plan) });
    assert.throws(
      () =>
        decideStart(partial.plan, partial.hash, record, green(60, partial.plan), {
          takeOver: false,
          forceSpec: true,
        }),
      /more than every step/,
    );
  });
});
