import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyAccumulator } from '../../src/gates/sequential.ts';
import type { GateLimits, GateState } from '../../src/gates/step-rules.ts';
import { initialGateState, reduceGate, stepReady } from '../../src/gates/step-rules.ts';
import type { TickResult } from '../../src/gates/tick.ts';
import { combineTick } from '../../src/gates/tick.ts';
import type { Outcome, Verdict } from '../../src/gates/verdict.ts';
import { MIN, T0 } from './fixtures.ts';

const VERIFIED = T0 + 30_000; // mid-minute: the minute T0 is not the step's own
const verdict = (outcome: Outcome, type = 'target5xxRate'): Verdict => ({
  check: 0,
  type,
  outcome,
  numbers: {},
  description: `${type} ${outcome}`,
});
/** A tick over minute `m` (after T0); minute 0 is not owned, 1 onward are. */
const tick = (outcome: Outcome, m = 1, type?: string): TickResult =>
  combineTick({ startMs: T0 + m * MIN, endMs: T0 + (m + 1) * MIN }, [verdict(outcome, type)]);

function run(
  limits: GateLimits,
  ticks: TickResult[],
  state: GateState = started(),
): { state: GateState; rolledBackAt: number } {
  let s = state;
  for (let i = 0; i < ticks.length; i++) {
    const r = reduceGate(s, { type: 'tick', tick: ticks[i]! }, limits);
    s = JSON.parse(JSON.stringify(r.state)); // persisted and resumed between every tick
    if (r.rollback) return { state: s, rolledBackAt: i + 1 };
  }
  return { state: s, rolledBackAt: 0 };
}
function started(requiresPass = true): GateState {
  return reduceGate(
    initialGateState(),
    { type: 'stepStarted', index: 0, verifiedAtMs: VERIFIED, bakeMs: 5 * MIN, requiresPass },
    LIMITS,
  ).state;
}
const LIMITS = { failureLimit: 1, inconclusiveLimit: 2 };
/** Ticks over consecutive minutes from minute `m`: `p` pass, `f` fail, `i` inconclusive. */
const seq = (s: string, m = 1) =>
  [...s].map((c, i) => tick(c === 'p' ? 'pass' : c === 'f' ? 'fail' : 'inconclusive', m + i));

describe('reduceGate', () => {
  const table: Array<[string, GateLimits, TickResult[], number, number]> = [
    // name, limits, ticks, tick that rolls back (0 = none), failures counted
    ['one failure within failureLimit 1', LIMITS, seq('pfp'), 0, 1],
    ['a second failure beyond failureLimit 1', LIMITS, seq('pfpf'), 4, 2],
    ['failureLimit 0: the first failure', { failureLimit: 0, inconclusiveLimit: 2 }, seq('pf'), 2, 1],
    ['inconclusive streak of 3 > 2 counts as one failure', LIMITS, seq('iii'), 0, 1],
    ['the streak restarts and fails again', LIMITS, seq('iiiiii'), 6, 2],
    ['a pass breaks the streak', LIMITS, seq('iipiip'), 0, 0],
    [
      'inconclusiveLimit 0: every inconclusive tick is a failure',
      { failureLimit: 1, inconclusiveLimit: 0 },
      seq('ii'),
      2,
      2,
    ],
    [
      'a failed alarm rolls back at once whatever the limit, even on a repeated window',
      { failureLimit: 5, inconclusiveLimit: 2 },
      [tick('pass'), tick('fail', 1, 'alarm')],
      2,
      0,
    ],
    [
      "failures of windows not the step's own still count",
      { failureLimit: 0, inconclusiveLimit: 2 },
      seq('f', 0),
      1,
      1,
    ],
    [
      "inconclusives of windows not the step's own do not",
      { failureLimit: 0, inconclusiveLimit: 0 },
      seq('iii', -2),
      0,
      0,
    ],
    ['the same failed window judged twice (a resumed driver) counts once', LIMITS, [tick('fail'), tick('fail')], 0, 1],
    ['an earlier window after a later one is not judged', LIMITS, [tick('fail', 2), tick('fail', 1)], 0, 1],
  ];
  for (const [name, limits, ticks, rollsBackAt, failures] of table) {
    it(`GIVEN ${name} THEN ${rollsBackAt ? `rollback at tick ${rollsBackAt}` : 'no rollback'}`, () => {
      const r = run(limits, ticks);
      assert.equal(r.rolledBackAt, rollsBackAt);
      assert.equal(r.state.failures, failures);
      assert.equal(r.state.rollback !== null, rollsBackAt > 0);
    });
  }

  it('GIVEN a rollback THEN it names the tick that caused it and every later event keeps it', () => {
    const first = reduceGate(
      started(),
      { type: 'tick', tick: tick('fail') },
      { failureLimit: 0, inconclusiveLimit: 1 },
    );
    assert.equal(first.description, 'rollback: tick 12:01–12:02 fail: target5xxRate fail (failure 1, failureLimit 0)');
    const after = reduceGate(first.state, { type: 'tick', tick: tick('pass', 2) }, LIMITS);
    assert.equal(after.rollback, true);
    assert.equal(stepReady(after.state, T0 + 60 * MIN).ready, false);
  });

  it('GIVEN an alarm poll between ticks in ALARM THEN rollback at once; OK polls change nothing', () => {
    const ok = reduceGate(started(), { type: 'alarmPoll', verdict: verdict('pass', 'alarm') }, LIMITS);
    assert.equal(ok.rollback, false);
    const fired = reduceGate(ok.state, { type: 'alarmPoll', verdict: verdict('fail', 'alarm') }, LIMITS);
    assert.equal(fired.rollback, true);
    assert.equal(fired.state.rollback?.reason, 'alarm fail');
  });
});

describe('the gate state keeps compare5xx accumulators', () => {
  it('GIVEN a tick with accumulators THEN the state holds them for the next evaluateTick', () => {
    const acc = { ...emptyAccumulator(), candidateRequests: 600, minutes: 1, throughMs: T0 + 2 * MIN };
    const r = reduceGate(started(), { type: 'tick', tick: tick('pass'), compare: { 2: acc } }, LIMITS);
    assert.deepEqual(JSON.parse(JSON.stringify(r.state)).compare, { 2: acc });
  });
});

describe('stepReady', () => {
  it("GIVEN only passes of windows that are not the step's own THEN it waits, even after the bake", () => {
    const { state } = run(LIMITS, [tick('pass', 0)]);
    const r = stepReady(state, VERIFIED + 10 * MIN);
    assert.equal(r.ready, false);
    assert.match(r.why, /waiting for a passing tick of its own \(0 judged so far\)/);
  });

  it('GIVEN an own pass before the bake ends THEN it waits for the bake, then advances', () => {
    const { state } = run(LIMITS, seq('p'));
    assert.deepEqual(stepReady(state, VERIFIED + MIN), { ready: false, why: 'baking, 240s left' });
    assert.equal(stepReady(state, VERIFIED + 5 * MIN).ready, true);
  });

  it('GIVEN only inconclusive own ticks THEN it never advances', () => {
    const { state } = run({ failureLimit: 10, inconclusiveLimit: 100 }, seq('iiiiii'));
    assert.equal(stepReady(state, VERIFIED + 60 * MIN).ready, false);
  });

  it('GIVEN a step with no applicable checks THEN it advances on its bake alone', () => {
    assert.equal(stepReady(started(false), VERIFIED + 5 * MIN).ready, true);
    assert.equal(stepReady(started(false), VERIFIED + 5 * MIN - 1).ready, false);
  });

  it('GIVEN a new step THEN its own passes start from zero while failures carry over', () => {
    const { state } = run(LIMITS, seq('fp'));
    const next = reduceGate(
      state,
      { type: 'stepStarted', index: 1, verifiedAtMs: T0 + 10 * MIN, bakeMs: MIN, requiresPass: true },
      LIMITS,
    ).state;
    assert.equal(next.failures, 1);
    assert.equal(next.step?.ownPasses, 0);
    assert.equal(stepReady(next, T0 + 20 * MIN).ready, false);
  });
});

describe('combineTick', () => {
  const table: Array<[Outcome[], Outcome]> = [
    [['pass', 'pass'], 'pass'],
    [['pass', 'inconclusive'], 'inconclusive'],
    [['inconclusive', 'fail', 'pass'], 'fail'],
    [[], 'pass'],
  ];
  for (const [outcomes, want] of table) {
    it(`GIVEN checks ${outcomes.join(', ') || 'none'} THEN the tick is ${want}`, () => {
      const t = combineTick(
        { startMs: T0, endMs: T0 + MIN },
        outcomes.map((o) => verdict(o)),
      );
      assert.equal(t.outcome, want);
      assert.match(t.description, new RegExp(`^tick 12:00–12:01 ${want}: `));
    });
  }
});
