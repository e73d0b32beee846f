import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, snapshot } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import type { RolloutStatus } from '../../src/cli/commands/status.ts';
import type { CommandContext } from '../../src/cli/context.ts';
import { countdown, renderFrame } from '../../src/cli/live/frame.ts';
import { initialView, type LiveView, reduceView, viewOfStatus } from '../../src/cli/live/model.ts';
import { parseRecording, replay } from '../../src/cli/live/replay.ts';
import { startLiveScreen } from '../../src/cli/live/screen.ts';
import { createOutput } from '../../src/cli/output.ts';
import { combineTick } from '../../src/gates/tick.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadRolloutFile } from '../../src/spec/index.ts';
import type { Clock } from '../../src/util/clock.ts';
import { screenOf } from '../helpers/terminal-screen.ts';

/**
 * The live view's frames, from events recorded by real runs (`cutover demo --output json`, and
 * with `--fault green-5xx`; test/cli/fixtures/). Frames are compared with the committed text in
 * live-view.test.ts.snapshot: after a deliberate change of the screen, look at the new frames and
 * run `node --import tsx --test --test-update-snapshots test/cli/live-view.test.ts`.
 */
snapshot.setDefaultSnapshotSerializers([(frame: string) => `\n${frame}\n`]);

const plan = buildPlan((await loadRolloutFile('rollouts/sandbox-web.yaml')).rollout);
const fixture = (name: string) => parseRecording(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const demo = fixture('demo-events.jsonl');
const green5xx = fixture('demo-green-5xx-events.jsonl');
const demoViews = replay(plan, demo, 'demo');
const green5xxViews = replay(plan, green5xx, 'demo');

/** The view right after the first recorded line that `pred` picks. */
function viewAt(lines: typeof demo, views: LiveView[], pred: (l: (typeof demo)[number]) => boolean): LiveView {
  const i = lines.findIndex(pred);
  assert.ok(i >= 0, 'the recording has such a line');
  return views[i]!;
}

const mono = (view: LiveView, width: number) => renderFrame(view, { width, color: false });

describe('live view frames (recorded demo events)', () => {
  it('GIVEN the first write THEN the bars show 95/5 and no tick yet', (t) => {
    t.assert.snapshot(
      mono(
        viewAt(demo, demoViews, (l) => l.type === 'shifted'),
        100,
      ),
    );
  });

  it('GIVEN step 2 baking after its first tick THEN each verdict with its numbers, the charts and the countdowns', (t) => {
    const view = viewAt(demo, demoViews, (l) => l.type === 'tick' && l.step === 1);
    t.assert.snapshot(mono(view, 100));
  });

  it('GIVEN the completed demo THEN 100% green, every step done, traffic since the start (100 and 60 columns)', (t) => {
    const last = demoViews.at(-1)!;
    assert.equal(last.phase, 'completed');
    t.assert.snapshot(mono(last, 100));
    t.assert.snapshot(mono(last, 60));
  });

  it('GIVEN green answering 3% 5xx at 25% THEN the failed verdicts and the rollback to 100% blue', (t) => {
    const last = green5xxViews.at(-1)!;
    assert.equal(last.phase, 'rolledBack');
    t.assert.snapshot(mono(last, 100));
  });

  it('GIVEN a status read from the tags (status --watch) THEN phase, drift, the lapsed lease and the command waiting, without gates', (t) => {
    const status: RolloutStatus = {
      rollout: 'sandbox-web',
      phase: 'paused',
      step: 2,
      steps: 4,
      updatedAt: '2026-01-01T12:07:00.000Z',
      reason: 'someone else changed the weights: route web: expected blue=3 green=1, found blue=80 green=20',
      lease: { holder: 'ops@laptop/41', expiresAt: '2026-01-01T12:08:00.000Z', live: false },
      command: { command: 'resume', by: 'bob@desk', at: '2026-01-01T12:09:00.000Z' },
      routes: [{ name: 'web', live: { blue: 80, green: 20 }, recorded: { blue: 3, green: 1 }, drift: true }],
      otherRollout: null,
      specChanged: null,
      run: { ok: true, detail: 'it would resume at step 2/4, paused' },
    };
    t.assert.snapshot(mono(viewOfStatus(plan, status, Date.parse('2026-01-01T12:09:30Z')), 80));
  });
});

describe('live view frames: every recorded moment', () => {
  /** The same moments with long cluster and route names (more than fits beside the charts). */
  const longNames = (v: LiveView): LiveView => {
    const name = (c: string) => `production-${c}-eu-west-1`;
    const rename = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).map(([k, x]) => [name(k), x]));
    return {
      ...v,
      from: name(v.from),
      to: name(v.to),
      clusters: v.clusters.map(name),
      routes: ['checkout-api-public-listener-443'],
      weights: v.weights && { 'checkout-api-public-listener-443': rename(v.weights.web ?? {}) },
      traffic: rename(v.traffic),
      limits: rename(v.limits),
    };
  };
  const all = [...demoViews, ...green5xxViews, ...demoViews.map(longNames)];

  it('GIVEN any width from 60 columns THEN no line is wider, and the frame stays one screen (≤ 22 lines)', () => {
    for (const width of [60, 61, 77, 100, 120]) {
      for (const [i, view] of all.entries()) {
        const lines = mono(view, width).split('\n');
        for (const line of lines)
          assert.ok(line.length <= width, `view ${i} at ${width}: ${line.length} > ${width}\n${line}`);
        assert.ok(lines.length <= 22, `view ${i}: ${lines.length} lines`);
      }
    }
  });

  it('GIVEN colour THEN it only paints: without its codes the frame is the plain one, character for character', () => {
    for (const view of all) {
      const colored = renderFrame(view, { width: 100, color: true });
      assert.equal(stripVTControlCharacters(colored), mono(view, 100));
    }
    assert.ok(renderFrame(demoViews.at(-1)!, { width: 100, color: true }).includes('\x1b[32m'), 'green is painted');
  });

  it('GIVEN a short terminal THEN older log lines go first (the newest stays), nothing else', () => {
    const last = demoViews.at(-1)!;
    const full = mono(last, 100).split('\n');
    const short = renderFrame(last, { width: 100, color: false, height: full.length - 2 }).split('\n');
    assert.deepEqual(short.slice(0, -1), full.slice(0, -3));
    assert.equal(short.at(-1), full.at(-1)!.replace(/^ {7}/, 'log    '));
    assert.match(short.at(-1)!, /^log {4}\d\d:\d\d:\d\d step 4\/4 tick/);
  });
});

describe('live view model', () => {
  const T = Date.UTC(2026, 0, 1, 12, 4, 0);
  const tick = (step: number, at: number, minutes: Array<[number, number, number]>) =>
    ({
      type: 'tick',
      step,
      at,
      decision: 'wait',
      detail: '',
      nextTickAt: at + 60_000,
      result: {
        ...combineTick({ startMs: at - 180_000, endMs: at - 120_000 }, []),
        traffic: { green: minutes.map(([startMs, requests, errors]) => ({ startMs, requests, errors })) },
      },
    }) as const;

  it('GIVEN a minute read by two ticks THEN the later reading counts, once, in time order', () => {
    let v = initialView(plan, 'me');
    v = reduceView(plan, v, tick(0, T, [[T - 120_000, 10, 0]]), T);
    v = reduceView(
      plan,
      v,
      tick(0, T + 60_000, [
        [T - 180_000, 5, 0],
        [T - 120_000, 12, 1],
      ]),
      T + 60_000,
    );
    assert.deepEqual(v.traffic.green, [
      { startMs: T - 180_000, requests: 5, errors: 0 },
      { startMs: T - 120_000, requests: 12, errors: 1 },
    ]);
  });

  it('GIVEN writes and a rollback THEN the bars follow every route, and each write is marked for the charts', () => {
    let v = initialView(plan, 'me');
    v = reduceView(plan, v, { type: 'shifted', step: 1, weights: { blue: 3, green: 1 }, effective: {} }, T);
    v = reduceView(plan, v, { type: 'rolledBackTo', step: null, weights: { blue: 1, green: 0 } }, T + 1000);
    assert.deepEqual(v.weights, { web: { blue: 1, green: 0 } });
    assert.deepEqual(v.writes, [
      { at: T, mark: '2' },
      { at: T + 1000, mark: '↩' },
    ]);
  });

  it('GIVEN baking THEN "next" counts down to the tick and the bake end from the time drawn', () => {
    let v = initialView(plan, 'me');
    v = reduceView(
      plan,
      v,
      { type: 'phase', phase: 'baking', step: 0, nextTickAt: T + 42_000, bakeEndsAt: T + 90_000 },
      T,
    );
    assert.match(mono(v, 100), /^next {3}tick in 0:42 · bake ends in 1:30 +12:04:00 UTC$/m);
    assert.match(renderFrame(v, { width: 100, color: false, now: T + 41_500 }), /tick in 0:01 · bake ends in 0:49/);
    assert.match(
      renderFrame(v, { width: 100, color: false, now: T + 95_000 }),
      /bake done; the step advances on a passing tick of its own/,
    );
  });

  it('GIVEN paused or awaiting approval with the gates ticking THEN "next" says they watch, and a tick there waits', () => {
    let v = initialView(plan, 'me');
    v = reduceView(
      plan,
      v,
      {
        type: 'phase',
        phase: 'paused',
        step: 1,
        detail: 'paused by an operator (cutover pause)',
        nextTickAt: T + 30_000,
      },
      T,
    );
    assert.match(
      mono(v, 120),
      /^next {3}paused, gates watching \(tick in 0:30\): paused by an operator \(cutover pause\); cutover resume/m,
    );
    v = reduceView(plan, v, { ...tick(1, T + 30_000, []), decision: 'wait (paused)' }, T + 30_000);
    assert.match(mono(v, 120), /^gates {2}. tick \d\d:\d\d–\d\d:\d\d pass → wait \(paused\)/m);
    assert.equal(v.phase, 'paused', 'a tick does not change the phase');
    v = reduceView(plan, v, { type: 'phase', phase: 'awaitingApproval', step: 2, nextTickAt: T + 120_000 }, T + 60_000);
    assert.match(
      mono(v, 120),
      /waiting for approval, gates watching \(tick in 1:00\): cutover promote \(or cutover abort\)/,
    );
    // Nothing watched (paused before the first write): no countdown.
    v = reduceView(plan, v, { type: 'phase', phase: 'paused', step: 0, detail: 'paused by an operator' }, T + 60_000);
    assert.doesNotMatch(mono(v, 120), /gates watching/);
  });

  it('counts down as m:ss, h:mm:ss, never below 0:00', () => {
    assert.deepEqual(
      [countdown(42_000), countdown(3_723_000), countdown(-5), countdown(59_001)],
      ['0:42', '1:02:03', '0:00', '1:00'],
    );
  });
});

describe('where progress goes', () => {
  const tty = { write: () => true, isTTY: true, columns: 100 };
  it('GIVEN text on a terminal THEN the live view; NO_COLOR, TERM=dumb, a pipe or --output json: not', () => {
    assert.equal(createOutput('text', tty, {}).live, true);
    assert.equal(createOutput('text', tty, { NO_COLOR: '1' }).live, false);
    assert.equal(createOutput('text', tty, { NO_COLOR: '' }).live, true, 'an empty NO_COLOR does not count');
    assert.equal(createOutput('text', tty, { TERM: 'dumb' }).live, false);
    assert.equal(createOutput('text', { write: () => true }, {}).live, false);
    assert.equal(createOutput('json', tty, {}).live, false);
  });
});

describe('the live view on a terminal that reports no size', () => {
  for (const size of [{ columns: 0, rows: 0 }, {}]) {
    it(`GIVEN a size of ${JSON.stringify(size)} (script -c's pty is 0×0) THEN frames 100 columns wide, not blank`, async () => {
      let out = '';
      const stream = {
        write: (t: string) => {
          out += t;
          return true;
        },
        isTTY: true,
        ...size,
      };
      let now = Date.parse(demo[0]!.time!);
      const ctx = {
        out: createOutput('text', stream, {}),
        signal: new AbortController().signal,
      } as unknown as CommandContext;
      const progress = startLiveScreen(ctx, {
        plan,
        clock: { now: () => now, speed: 1 } as unknown as Clock,
        holder: 'demo',
      });
      for (const line of demo) {
        now = line.time === undefined ? now : Date.parse(line.time);
        if (line.type !== 'note' && line.type !== 'result') progress.event(line);
      }
      progress.close();
      const screen = await screenOf(out, { cols: 120, rows: 40 });
      const top = screen.findIndex((l) => l.startsWith('sandbox-web  blue → green'));
      assert.ok(top >= 0, `the frame is drawn:\n${screen.join('\n')}`);
      assert.equal(screen[top]!.length, 100, 'as wide as the default width');
      assert.match(screen[top + 1]!, /^step 4\/4 completed/);
      assert.ok(screen.length - top > 15, 'the whole frame, not clipped to no rows');
    });
  }
});
