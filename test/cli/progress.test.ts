import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PreflightWait, progressLine, quietProgressLine, summaryLine } from '../../src/cli/progress.ts';
import type { DriverEvent } from '../../src/engine/events.ts';
import { combineTick } from '../../src/gates/tick.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadRolloutFile } from '../../src/spec/index.ts';

const plan = buildPlan((await loadRolloutFile('rollouts/sandbox-web.yaml')).rollout);
const T = Date.UTC(2026, 0, 1, 12, 4, 0);

describe('progress lines', () => {
  const cases: Array<[DriverEvent, string | undefined]> = [
    [
      { type: 'shifted', step: 0, weights: { blue: 19, green: 1 }, effective: { blue: 95, green: 5 } },
      '12:04:00 step 1/4 wrote blue=19 green=1 (blue 95% green 5%) on route web, read back',
    ],
    [
      {
        type: 'tick',
        step: 1,
        at: T,
        decision: 'wait',
        detail: 'counted as failure 1',
        nextTickAt: T + 60_000,
        result: combineTick({ startMs: T - 180_000, endMs: T - 120_000 }, [
          {
            check: 0,
            type: 'target5xxRate',
            outcome: 'fail',
            numbers: {},
            description: 'target5xxRate green 9% (90/1000) > 2% fail',
          },
        ]),
      },
      '12:04:00 step 2/4 tick 12:01–12:02 fail: target5xxRate green 9% (90/1000) > 2% fail → wait',
    ],
    [
      {
        type: 'tick',
        step: 1,
        at: T,
        decision: 'rollback',
        detail: 'failure 2',
        nextTickAt: T,
        replayed: true,
        result: combineTick({ startMs: T - 240_000, endMs: T - 180_000 }, [
          { check: 0, type: 'target5xxRate', outcome: 'fail', numbers: {}, description: 'target5xxRate green 9% fail' },
        ]),
      },
      '12:04:00 step 2/4 tick 12:00–12:01 fail: target5xxRate green 9% fail → rollback (replayed after a resume)',
    ],
    [
      { type: 'rolledBackTo', step: null, weights: { blue: 1, green: 0 } },
      '12:04:00 rolled back to the start: blue=1 green=0, read back',
    ],
    [
      { type: 'phase', phase: 'paused', step: 1, detail: 'route web: expected blue=3 green=1, found blue=1 green=1' },
      '12:04:00 step 2/4 paused: route web: expected blue=3 green=1, found blue=1 green=1',
    ],
    [{ type: 'phase', phase: 'verifying', step: 1 }, undefined],
    [
      { type: 'resumed', step: 1, from: 'bake', verifiedAt: T - 90_000 },
      '12:04:00 resuming the bake of step 2/4 (verified 12:02:30); it advances only after a passing tick of its own',
    ],
    [
      { type: 'resumed', step: 1, from: 'shift' },
      '12:04:00 resuming at step 2/4: its split was being written and had not landed; writing it again',
    ],
    [{ type: 'resumed', step: -1, from: 'rollback' }, '12:04:00 resuming the rollback of sandbox-web from the start'],
  ];
  for (const [event, want] of cases) {
    it(`renders ${event.type}${event.type === 'phase' ? ` ${event.phase}` : ''}${event.type === 'resumed' ? ` from ${event.from}` : ''}`, () => {
      assert.equal(progressLine(plan, event, T), want);
    });
  }

  it('sums up each outcome with where traffic is', () => {
    const base = {
      step: 1,
      reason: 'gate failed: target5xxRate green: 9% > 2%',
      error: undefined,
      message: undefined,
      interrupted: false,
      cause: 'gate' as const,
      moved: true,
    };
    assert.equal(summaryLine(plan, { ...base, outcome: 'completed' }), 'rollout sandbox-web completed: 100% on green');
    assert.equal(
      summaryLine(plan, { ...base, outcome: 'rolledBack' }),
      'rollout sandbox-web rolled back at step 2 of 4: gate failed: target5xxRate green: 9% > 2%; traffic is back on blue',
    );
    assert.match(summaryLine(plan, { ...base, outcome: 'aborted' }), /aborted by an operator at step 2 of 4/);
    assert.match(
      summaryLine(plan, { ...base, outcome: 'failed', interrupted: true }),
      /interrupted at step 2 of 4; run it again/,
    );
  });
});

describe('a capacity wait in progress lines', () => {
  const short = (healthy: number) => ({
    type: 'preflight' as const,
    step: 1,
    ok: false,
    detail: `cluster green on route web has ${healthy} healthy target${healthy === 1 ? '' : 's'}, needs 2 for 25%`,
  });
  /** The lines said for `events`, each at its time. */
  const said = (events: Array<[number, DriverEvent]>) => {
    let wait: PreflightWait | null = null;
    const lines: string[] = [];
    for (const [at, e] of events) {
      const r = quietProgressLine(plan, e, at, wait);
      wait = r.wait;
      if (r.line) lines.push(r.line);
    }
    return lines;
  };

  it('GIVEN 2 minutes of identical polls every 5 s THEN said once, then once a minute', () => {
    const polls = Array.from({ length: 25 }, (_, i) => [T + i * 5_000, short(1)] as [number, DriverEvent]);
    assert.deepEqual(said(polls), [
      '12:04:00 step 2/4 preflight waiting: cluster green on route web has 1 healthy target, needs 2 for 25%',
      '12:05:00 step 2/4 preflight still waiting (1m): cluster green on route web has 1 healthy target, needs 2 for 25%',
      '12:06:00 step 2/4 preflight still waiting (2m): cluster green on route web has 1 healthy target, needs 2 for 25%',
    ]);
  });

  it('GIVEN what it waits for changes THEN said at once; a new phase forgets the wait', () => {
    const lines = said([
      [T, short(0)],
      [T + 5_000, short(0)],
      [T + 10_000, short(1)],
      [T + 15_000, short(1)],
      [T + 20_000, { type: 'preflight', step: 1, ok: true, detail: 'binding status not checked (x)' }],
      [T + 25_000, short(1)],
      [T + 30_000, { type: 'phase', phase: 'paused', step: 1, detail: 'paused by an operator' }],
      [T + 35_000, { type: 'phase', phase: 'preflight', step: 1 }],
      [T + 40_000, short(1)],
    ]);
    assert.deepEqual(
      lines.map((l) => l.slice(9)),
      [
        'step 2/4 preflight waiting: cluster green on route web has 0 healthy targets, needs 2 for 25%',
        'step 2/4 preflight waiting: cluster green on route web has 1 healthy target, needs 2 for 25%',
        'step 2/4 preflight ok: binding status not checked (x)',
        'step 2/4 paused: paused by an operator',
        'step 2/4 preflight',
        'step 2/4 preflight waiting: cluster green on route web has 1 healthy target, needs 2 for 25%',
      ],
    );
  });
});
