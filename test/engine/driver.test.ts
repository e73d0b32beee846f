import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DriverResult, runDriver } from '../../src/engine/driver.ts';
import type { DriverEvent } from '../../src/engine/events.ts';
import type { DriverOptions } from '../../src/engine/services.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Plan } from '../../src/plan/plan-types.ts';
import { loadRolloutFile } from '../../src/spec/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { alarmFiring, FakeWorld, fail, inconclusive, pass } from './fake-ports.ts';

const loaded = await loadRolloutFile('rollouts/sandbox-web.yaml');
const PLAN: Plan = buildPlan(loaded.rollout);
const HASH = loaded.hash;

interface Run {
  world: FakeWorld;
  clock: ManualClock;
  events: DriverEvent[];
  result: Promise<DriverResult>;
}

function start(
  opts: {
    world?: (w: FakeWorld) => void;
    plan?: Plan;
    options?: Partial<DriverOptions>;
    hash?: string;
    clock?: ManualClock;
    world0?: FakeWorld;
  } = {},
): Run {
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
  const plan = opts.plan ?? PLAN;
  const world = opts.world0 ?? new FakeWorld(plan, () => clock.now());
  opts.world?.(world);
  const events: DriverEvent[] = [];
  const result = runDriver({
    plan,
    specHash: opts.hash ?? HASH,
    ports: world.ports(),
    clock,
    holder: 'ops@laptop/1',
    options: { pollMs: 5_000, ...opts.options },
    onEvent: (e) => events.push(e),
  });
  return { world, clock, events, result };
}

/** Advances the clock in 5 s steps until the driver ends (at most `maxMs`). */
async function finish(run: Run, maxMs = 3_600_000): Promise<DriverResult> {
  let done: DriverResult | undefined;
  void run.result.then((r) => {
    done = r;
  });
  for (let t = 0; t < maxMs && !done; t += 5_000) await run.clock.advance(5_000);
  await new Promise((r) => setImmediate(r));
  assert.ok(done, `the driver did not finish within ${maxMs / 60_000} min; phases: ${phases(run).join(' → ')}`);
  return done;
}

/** Advances until `pred` holds (or fails the test after `maxMs`). */
async function until(run: Run, pred: () => boolean, maxMs = 3_600_000): Promise<void> {
  for (let t = 0; t < maxMs && !pred(); t += 5_000) await run.clock.advance(5_000);
  assert.ok(pred(), `condition not reached within ${maxMs / 60_000} min; phases: ${phases(run).join(' → ')}`);
}

function phases(run: Run): string[] {
  return run.events.filter((e) => e.type === 'phase').map((e) => (e.type === 'phase' ? `${e.phase}@${e.step}` : ''));
}

describe('driver', () => {
  it('GIVEN healthy gates WHEN run THEN every step is written, verified and baked, and it ends at 100% green', async () => {
    const run = start();
    const r = await finish(run);
    assert.equal(r.outcome, 'completed');
    assert.deepEqual(run.world.clusterWeights(), { blue: 0, green: 1 });
    // One write per weight step, in order.
    assert.deepEqual(
      run.world.writes.map((w) => Object.values(w.weights)),
      PLAN.steps.map((s) => Object.values(s.state.routes[0]!.targetGroups)),
    );
    // Each step waited for its bake and its first own window (interval + lag after the shift).
    for (let i = 1; i < run.world.writes.length; i++) {
      const gap = run.world.writes[i]!.at - run.world.writes[i - 1]!.at;
      const min = Math.max(PLAN.steps[i - 1]!.bakeMs, PLAN.gates.intervalMs + PLAN.gates.lagMs);
      assert.ok(gap >= min, `step ${i} began ${gap} ms after step ${i - 1}, before ${min} ms`);
    }
    assert.equal(run.world.record?.phase, 'completed');
    assert.equal(run.world.lease, undefined, 'lease released');
  });

  it('GIVEN green fails its gate at 25% WHEN run THEN it rolls back to 100% blue after failureLimit+1 failed ticks', async () => {
    const run = start({
      world: (w) => {
        w.tick = (i) => (w.clusterWeights().green! >= 1 && i.stepIndex === 1 ? fail(i.now) : pass(i.now));
      },
    });
    const r = await finish(run);
    assert.equal(r.outcome, 'rolledBack');
    assert.match(r.reason ?? '', /gate failed: .*target5xxRate green 9% \(90\/1000\) > 2% fail/);
    assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    const failedTicks = run.events.filter((e) => e.type === 'tick' && e.result.outcome === 'fail');
    assert.equal(failedTicks.length, PLAN.gates.failureLimit + 1);
    assert.equal(run.world.record?.phase, 'rolledBack');
    // The last phase event tells the split the rollback went back to, not the failed step's.
    const last = run.events.findLast((e) => e.type === 'phase');
    assert.deepEqual(last?.type === 'phase' && [last.phase, last.routes], [
      'rolledBack',
      { web: { blue: 1, green: 0 } },
    ]);
    assert.ok(
      !run.world.writes.some(
        (w) => Object.values(w.weights).join() === Object.values(PLAN.steps[2]!.state.routes[0]!.targetGroups).join(),
      ),
      'step 3 never written',
    );
  });

  it('GIVEN an alarm fires mid-bake WHEN polled THEN it rolls back within one poll', async () => {
    let firedAt = 0;
    const run = start({
      world: (w) => {
        w.alarms = (i) => (i.now >= firedAt && firedAt > 0 ? alarmFiring('edge-p99-latency') : undefined);
      },
    });
    await until(run, () => run.world.writes.length === 2);
    await run.clock.advance(30_000);
    firedAt = run.clock.now();
    const r = await finish(run);
    assert.equal(r.outcome, 'rolledBack');
    assert.match(r.reason ?? '', /alarm edge-p99-latency/);
    const rollbackWrite = run.world.writes.at(-1)!;
    assert.ok(
      rollbackWrite.at - firedAt <= 5_000 + 5_000,
      `rolled back ${rollbackWrite.at - firedAt} ms after the alarm`,
    );
    assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
  });

  it('GIVEN no traffic WHEN every tick is inconclusive THEN it never promotes and fails closed', async () => {
    const run = start({ world: (w) => (w.tick = (i) => inconclusive(i.now)) });
    const r = await finish(run);
    assert.equal(r.outcome, 'rolledBack');
    assert.match(r.reason ?? '', /inconclusive ticks in a row/);
    assert.equal(run.world.writes.length, 2, 'step 1 written, then the rollback; never step 2');
    const ticks = run.events.filter((e) => e.type === 'tick').length;
    assert.equal(ticks, (PLAN.gates.inconclusiveLimit + 1) * (PLAN.gates.failureLimit + 1));
  });

  it('GIVEN someone edits the weights during a bake WHEN the next step would write THEN it pauses and writes nothing; resume adopts and goes on', async () => {
    const run = start();
    await until(run, () => run.world.writes.length === 1);
    const tg = PLAN.routes[0]!.targetGroups;
    run.world.weights.set('web', { [tg.blue!]: 10, [tg.green!]: 10 });
    await until(run, () => run.world.record?.phase === 'paused');
    assert.match(run.world.record?.reason ?? '', /route web: expected blue=19 green=1, found blue=10 green=10/);
    await run.clock.advance(600_000);
    assert.equal(run.world.writes.length, 1, 'nothing written while paused');
    assert.deepEqual(run.world.clusterWeights(), { blue: 10, green: 10 });
    run.world.commands.push('resume');
    const r = await finish(run);
    assert.equal(r.outcome, 'completed');
  });

  it('GIVEN the receiving side has too few healthy targets WHEN preflight waits out capacity.wait THEN it fails the step without moving traffic', async () => {
    const run = start({
      world: (w) => w.health.set(PLAN.routes[0]!.targetGroups.green!, { healthy: 1, registered: 3 }),
    });
    const r = await finish(run);
    assert.equal(r.outcome, 'rolledBack');
    assert.match(r.reason ?? '', /cluster green on route web has 1 healthy targets, needs 2 for 5%/);
    assert.equal(r.moved, false);
    assert.equal(r.cause, 'preflight');
    assert.deepEqual(
      run.world.writes.map((w) => w.weights),
      [Object.fromEntries(Object.entries(PLAN.initial.routes[0]!.targetGroups))],
      'only the no-op rollback write',
    );
  });

  it('GIVEN a record of a crashed driver baking step 2 WHEN run again THEN it resumes there without rewriting earlier steps', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
    const world = new FakeWorld(PLAN, () => clock.now());
    const step1 = Object.fromEntries(PLAN.steps[1]!.state.routes.map((r) => [r.route, r.targetGroups]));
    world.weights.set('web', { ...step1.web });
    world.record = {
      rollout: PLAN.name,
      specHash: HASH,
      step: 1,
      phase: 'baking',
      weights: step1,
      verifiedAt: clock.now() - 30_000,
    };
    world.lease = { holder: 'ops@other/9', expiresAt: clock.now() - 1 };
    const run = start({ clock, world0: world });
    const r = await finish(run);
    assert.equal(r.outcome, 'completed');
    assert.deepEqual(
      run.world.writes.map((w) => Object.values(w.weights)),
      PLAN.steps.slice(2).map((s) => Object.values(s.state.routes[0]!.targetGroups)),
    );
    // The live view learns the resumed split and bake from the phase event, with no write to show.
    const baking = run.events.find((e) => e.type === 'phase' && e.phase === 'baking');
    assert.deepEqual(baking?.type === 'phase' && [baking.step, baking.routes, baking.bakeEndsAt], [
      1,
      { web: { blue: 3, green: 1 } },
      Date.UTC(2026, 0, 1, 12, 0, 0) + PLAN.steps[1]!.bakeMs,
    ]);
  });

  it("GIVEN a run THEN each baking phase and tick says when the next tick is due, and the step's next tick comes then", async () => {
    const run = start();
    await finish(run);
    let due: number | undefined;
    let checked = 0;
    for (const e of run.events) {
      if (e.type === 'phase' && e.phase === 'baking') {
        assert.ok(e.nextTickAt !== undefined && e.bakeEndsAt !== undefined, JSON.stringify(e));
        due = e.nextTickAt;
      } else if (e.type === 'tick') {
        assert.equal(e.at, due, `tick of step ${e.step + 1}`);
        due = e.nextTickAt;
        checked++;
      } else if (e.type === 'phase') due = undefined;
    }
    assert.ok(checked >= PLAN.steps.length, `${checked} ticks checked`);
  });

  it('GIVEN another driver holds a live lease WHEN run THEN it refuses, naming the holder, and writes nothing', async () => {
    const run = start({ world: (w) => (w.lease = { holder: 'ci@runner/42', expiresAt: Date.UTC(2026, 0, 1, 13) }) });
    const r = await finish(run);
    assert.equal(r.outcome, 'failed');
    assert.match(String((r.error as Error).message), /ci@runner\/42/);
    assert.equal(run.world.writes.length, 0);
    assert.equal(run.world.lease?.holder, 'ci@runner/42', 'the other lease is untouched');
  });

  it('GIVEN the rollout file changed since the record WHEN run THEN it refuses unless forceSpec', async () => {
    const rec = {
      rollout: PLAN.name,
      specHash: 'f'.repeat(64),
      step: 0,
      phase: 'baking' as const,
      weights: { web: { ...PLAN.initial.routes[0]!.targetGroups } },
    };
    const refused = await finish(start({ world: (w) => (w.record = structuredClone(rec)) }));
    assert.equal(refused.outcome, 'failed');
    assert.match((refused.error as Error).message, /rollout file changed/);
    const forced = await finish(
      start({ world: (w) => (w.record = structuredClone(rec)), options: { forceSpec: true } }),
    );
    assert.equal(forced.outcome, 'completed');
  });

  it('GIVEN an operator aborts during a bake WHEN the command is read THEN it rolls back and ends aborted', async () => {
    const run = start();
    await until(run, () => run.world.writes.length === 2);
    run.world.commands.push('abort');
    const r = await finish(run);
    assert.equal(r.outcome, 'aborted');
    assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    assert.equal(run.world.record?.phase, 'aborted');
  });

  it('GIVEN an approval step WHEN reached THEN it waits for promote', async () => {
    const rollout = structuredClone(loaded.rollout);
    rollout.spec.steps.splice(2, 0, { kind: 'approve', index: 2 });
    for (const [i, s] of rollout.spec.steps.entries()) s.index = i;
    const plan = buildPlan(rollout);
    const run = start({ plan });
    await until(run, () => run.world.record?.phase === 'awaitingApproval');
    const writesBefore = run.world.writes.length;
    await run.clock.advance(3_600_000);
    assert.equal(run.world.writes.length, writesBefore, 'nothing moves while waiting for approval');
    run.world.commands.push('promote');
    const r = await finish(run);
    assert.equal(r.outcome, 'completed');
  });

  it('GIVEN writes keep failing WHEN a step shifts THEN it rolls back (and reports why)', async () => {
    const run = start();
    await until(run, () => run.world.writes.length === 1);
    run.world.failWrites = 1;
    const r = await finish(run);
    assert.equal(r.outcome, 'rolledBack');
    assert.match(r.reason ?? '', /Throttling/);
    assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
  });
});
