import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TickVerdict } from '../../src/engine/ports.ts';
import { firstTickAt, nextTickAt } from '../../src/engine/schedule.ts';
import { judgeTick, NEW_JUDGEMENT, type StepJudgement } from '../../src/engine/step-rules.ts';

const tick = (verdict: TickVerdict) => ({
  verdict,
  window: { start: 0, end: 60_000 },
  checks: [{ check: 'target5xxRate green', verdict, detail: verdict === 'fail' ? '5% > 1%' : '12 < 50 requests' }],
});

function run(verdicts: TickVerdict[], limits = { failureLimit: 1, inconclusiveLimit: 2 }, bakeElapsed = false) {
  let j: StepJudgement = NEW_JUDGEMENT;
  const decisions: string[] = [];
  for (const v of verdicts) {
    const r = judgeTick(j, tick(v), limits, bakeElapsed);
    j = r.judgement;
    decisions.push(r.decision.kind);
  }
  return { j, decisions };
}

describe('step rules', () => {
  const cases: Array<[string, TickVerdict[], boolean, string[]]> = [
    ['one failure within failureLimit 1 waits', ['fail'], false, ['wait']],
    ['the second failure rolls back', ['fail', 'pass', 'fail'], false, ['wait', 'wait', 'rollback']],
    ['a pass before the bake ends waits', ['pass'], false, ['wait']],
    ['a pass after the bake advances', ['pass'], true, ['advance']],
    [
      'inconclusive ticks alone never advance, even after the bake',
      ['inconclusive', 'inconclusive'],
      true,
      ['wait', 'wait'],
    ],
    [
      'a streak longer than inconclusiveLimit counts one failure, twice rolls back',
      ['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive', 'inconclusive', 'inconclusive'],
      false,
      ['wait', 'wait', 'wait', 'wait', 'wait', 'rollback'],
    ],
    [
      'a pass breaks the streak',
      ['inconclusive', 'inconclusive', 'pass', 'inconclusive', 'inconclusive'],
      false,
      ['wait', 'wait', 'wait', 'wait', 'wait'],
    ],
  ];
  for (const [name, verdicts, bake, want] of cases) {
    it(`GIVEN ${verdicts.join(',')} WHEN judged THEN ${name}`, () => {
      assert.deepEqual(run(verdicts, undefined, bake).decisions, want);
    });
  }

  it('names the failing checks in the rollback reason', () => {
    const r = judgeTick(
      { passes: 0, failures: 1, inconclusiveStreak: 0 },
      tick('fail'),
      { failureLimit: 1, inconclusiveLimit: 2 },
      false,
    );
    assert.deepEqual(r.decision, { kind: 'rollback', reason: 'gate failed: target5xxRate green: 5% > 1%' });
  });
});

describe('tick schedule', () => {
  it('GIVEN a shift at 12:00:30 WHEN interval 1m and lag 2m THEN the first own tick is at 12:04:00', () => {
    const at = Date.UTC(2026, 0, 1, 12, 0, 30);
    assert.equal(new Date(firstTickAt(at, 60_000, 120_000)).toISOString(), '2026-01-01T12:04:00.000Z');
  });
  it('GIVEN a shift exactly on a period boundary THEN its window starts there', () => {
    const at = Date.UTC(2026, 0, 1, 12, 1, 0);
    assert.equal(new Date(firstTickAt(at, 60_000, 120_000)).toISOString(), '2026-01-01T12:04:00.000Z');
  });
  it('GIVEN a late tick THEN the next one is never in the past', () => {
    assert.equal(nextTickAt(0, 250_000, 60_000), 300_000);
    assert.equal(nextTickAt(0, 10_000, 60_000), 60_000);
  });
});
