import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DriverResult, runDriver } from '../../src/engine/driver.ts';
import type { DriverEvent } from '../../src/engine/events.ts';
import type { DriverOptions } from '../../src/engine/services.ts';
import { tickWindow } from '../../src/gates/windows.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Plan } from '../../src/plan/plan-types.ts';
import { loadRolloutFile } from '../../src/spec/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { alarmFiring, FakeWorld, fail, inconclusive, pass } from './fake-ports.ts';

const loaded = await loadRolloutFile('rollouts/sandbox-web.yaml');
const PLAN: Plan = buildPlan(loaded.rollout);
const HASH = loaded.hash;
const BLUE = PLAN.routes[0]!.targetGroups.blue!;
const GREEN = PLAN.routes[0]!.targetGroups.green!;

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
    // The decision is recorded before the rollback writes (a driver dying then rolls back on
    // the next run instead of resuming the failed step): step 2's split, phase rollingBack.
    const firstRollback = run.world.saves.find((s) => s.phase === 'rollingBack');
    assert.equal(firstRollback?.step, 1);
    assert.deepEqual(firstRollback?.weights, { web: PLAN.steps[1]!.state.routes[0]!.targetGroups });
    assert.match(firstRollback?.reason ?? '', /gate failed/);
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
    assert.match(r.reason ?? '', /cluster green on route web has 1 healthy target, needs 2 for 5%/);
    assert.equal(r.moved, false);
    assert.equal(r.cause, 'preflight');
    assert.deepEqual(run.world.writes, [], 'nothing written: the listener already sends everything to blue');
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

  describe('a resumed bake replays what the stopped driver would have judged', () => {
    // The new driver starts at 12:00:30; the dead one verified step 2's write at 11:55:30. Its first
    // own verdict was due at 11:59:00 (window 11:56–11:57 read after the 2 min lag), the next at 12:00.
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 30);
    const verifiedAt = t0 - 5 * 60_000;
    const minute = (m: number) => Date.UTC(2026, 0, 1, 11, m);

    /** A world where a driver died baking step 2 (index 1), its lease lapsed. */
    function resumedBake(setup: (w: FakeWorld) => void): Run {
      const clock = new ManualClock(t0);
      const world = new FakeWorld(PLAN, () => clock.now());
      const step1 = Object.fromEntries(PLAN.steps[1]!.state.routes.map((r) => [r.route, r.targetGroups]));
      world.weights.set('web', { ...step1.web });
      world.record = { rollout: PLAN.name, specHash: HASH, step: 1, phase: 'baking', weights: step1, verifiedAt };
      world.lease = { holder: 'ops@other/9', expiresAt: t0 - 1 };
      setup(world);
      return start({ clock, world0: world });
    }

    /** Lets the driver run without moving the clock, until `pred` holds: what it does at once. */
    async function settle(pred: () => boolean): Promise<void> {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setImmediate(r));
    }

    /** The driver's result when it ends without the clock moving, else undefined. */
    async function atOnce(run: Run): Promise<DriverResult | undefined> {
      let done: DriverResult | undefined;
      void run.result.then((r) => {
        done = r;
      });
      await settle(() => done !== undefined);
      return done;
    }

    const ticks = (run: Run) => run.events.flatMap((e) => (e.type === 'tick' ? [e] : []));
    const windowStarts = (run: Run) =>
      ticks(run).map((e) => new Date(e.result.window.startMs).toISOString().slice(11, 16));

    it('GIVEN green failing since the write WHEN a driver resumes THEN it rolls back at once on the replayed ticks', async () => {
      const asked: number[] = [];
      const run = resumedBake((w) => {
        w.tick = (i) => {
          asked.push(i.now);
          return fail(i.now);
        };
      });
      const r = await atOnce(run);
      assert.ok(r, `still running at ${new Date(run.clock.now()).toISOString()}; phases: ${phases(run).join(' → ')}`);
      assert.equal(r.outcome, 'rolledBack');
      assert.equal(r.cause, 'gate');
      assert.equal(run.clock.now(), t0, 'no new minute was needed');
      assert.deepEqual(asked, [minute(59), minute(60)], 'the ticks the dead driver would have run, in order');
      assert.deepEqual(windowStarts(run), ['11:56', '11:57']);
      assert.deepEqual(
        ticks(run).map((e) => [e.replayed, e.decision]),
        [
          [true, 'wait'],
          [true, 'rollback'],
        ],
      );
      assert.match(r.reason ?? '', /gate failed: .*\(failure 2, failureLimit 1\)/);
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    });

    it('GIVEN healthy windows while it baked and none since WHEN a driver resumes THEN the replayed pass counts and the next step is written at once', async () => {
      // The 11:56 window passed (the dead driver would have advanced on it at 11:59); later
      // windows have too few requests to judge.
      const run = resumedBake((w) => {
        w.tick = (i) =>
          i.stepIndex === 1 && tickWindow(i.now, 60_000, 120_000).endMs > minute(57)
            ? inconclusive(i.now)
            : pass(i.now);
      });
      await settle(() => run.world.writes.length === 1);
      assert.deepEqual(run.world.writes[0], {
        route: 'web',
        weights: PLAN.steps[2]!.state.routes[0]!.targetGroups,
        at: t0,
      });
      assert.deepEqual(windowStarts(run), ['11:56', '11:57']);
      assert.ok(ticks(run).every((e) => e.replayed));
      assert.deepEqual(
        ticks(run).map((e) => e.result.outcome),
        ['pass', 'inconclusive'],
      );
      assert.equal(ticks(run).at(-1)?.decision, 'advance');
      const r = await finish(run);
      assert.equal(r.outcome, 'completed');
    });

    it('GIVEN an alarm that fired and cleared while no driver ran WHEN a driver resumes THEN it rolls back at once, naming it', async () => {
      const firedAt = minute(58) + 30_000;
      const run = resumedBake((w) => {
        // The alarm poll sees a transition to ALARM only when asked about a span that contains it.
        w.alarms = (i) => (i.since <= firedAt && firedAt <= i.now ? alarmFiring('edge-p99-latency') : undefined);
      });
      const r = await atOnce(run);
      assert.ok(r, `still running; phases: ${phases(run).join(' → ')}`);
      assert.equal(r.outcome, 'rolledBack');
      assert.equal(r.cause, 'alarm');
      assert.match(r.reason ?? '', /alarm edge-p99-latency/);
      assert.ok(run.events.some((e) => e.type === 'alarm' && /edge-p99-latency/.test(e.detail)));
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    });

    it('GIVEN a resumed bake with no window of its own due yet THEN nothing is replayed and it ticks live', async () => {
      const run = resumedBake((w) => {
        w.record!.verifiedAt = t0 - 30_000;
      });
      const r = await finish(run);
      assert.equal(r.outcome, 'completed');
      assert.ok(ticks(run).every((e) => !e.replayed));
    });
  });

  it('GIVEN another driver holds a live lease WHEN run THEN it refuses, naming the holder, and writes nothing', async () => {
    const run = start({ world: (w) => (w.lease = { holder: 'ci@runner/42', expiresAt: Date.UTC(2026, 0, 1, 13) }) });
    const r = await finish(run);
    assert.equal(r.outcome, 'failed');
    assert.match(String((r.error as Error).message), /ci@runner\/42/);
    assert.equal(run.world.writes.length, 0);
    assert.equal(run.world.lease?.holder, 'ci@runner/42', 'the other lease is untouched');
  });

  it('GIVEN routes off the starting split and no record WHEN run THEN it refuses before taking the lease', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
    const world = new FakeWorld(PLAN, () => clock.now());
    world.weights.set('web', { [BLUE]: 80, [GREEN]: 20 });
    let leases = 0;
    const ports = world.ports.bind(world);
    world.ports = () => {
      const p = ports();
      const acquire = p.state.acquireLease;
      p.state.acquireLease = (...a) => {
        leases++;
        return acquire(...a);
      };
      return p;
    };
    const r = await finish(start({ clock, world0: world }));
    assert.equal(r.outcome, 'failed');
    assert.match((r.error as Error).message, /not at the rollout’s starting split/);
    assert.equal(leases, 0, 'no lease was written');
    assert.equal(world.saves.length, 0);
  });

  it('GIVEN the weights are moved by hand just after the lease is taken WHEN the start is decided THEN it refuses and lets go of its lease', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
    const world = new FakeWorld(PLAN, () => clock.now());
    const ports = world.ports.bind(world);
    world.ports = () => {
      const p = ports();
      const acquire = p.state.acquireLease;
      p.state.acquireLease = async (...a) => {
        const lease = await acquire(...a);
        world.weights.set('web', { [BLUE]: 80, [GREEN]: 20 });
        return lease;
      };
      return p;
    };
    const r = await finish(start({ clock, world0: world }));
    assert.equal(r.outcome, 'failed');
    assert.match((r.error as Error).message, /not at the rollout’s starting split/);
    assert.equal(world.lease, undefined, 'the lease it took is gone: the next run need not wait for it');
    assert.equal(world.writes.length, 0);
    assert.equal(world.saves.length, 0);
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

  describe('operator commands are never lost, whatever the driver is doing', () => {
    /** Green too thin for step 1's preflight: it waits (capacity.wait) without writing. */
    const thinGreen = (w: FakeWorld) => w.health.set(GREEN, { healthy: 1, registered: 3 });
    /** Holds the next write in flight until `release()`. */
    function holdWrites(world: FakeWorld): () => void {
      let release!: () => void;
      world.holdWrites = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        world.holdWrites = undefined;
        release();
      };
    }

    it('GIVEN preflight waiting for capacity WHEN abort THEN it stops waiting and ends aborted, nothing written', async () => {
      const run = start({ world: thinGreen });
      await until(run, () => phases(run).includes('preflight@0'));
      const t0 = run.clock.now();
      run.world.commands.push('abort');
      const r = await finish(run);
      assert.equal(r.outcome, 'aborted');
      assert.ok(run.clock.now() - t0 < PLAN.capacity.waitMs, 'at once, not after the capacity wait');
      assert.deepEqual(run.world.writes, []);
      assert.equal(run.world.record?.phase, 'aborted');
    });

    it('GIVEN preflight waiting for capacity WHEN pause THEN paused before anything moves; resume runs the preflight again', async () => {
      const run = start({ world: thinGreen });
      await until(run, () => phases(run).includes('preflight@0'));
      run.world.commands.push('pause');
      await until(run, () => run.world.record?.phase === 'paused');
      // Capacity arrives while paused: still nothing moves until resume.
      run.world.health.set(GREEN, { healthy: 10, registered: 10 });
      await run.clock.advance(2 * PLAN.capacity.waitMs);
      assert.deepEqual(run.world.writes, [], 'paused: the step is not written');
      run.world.commands.push('resume');
      const r = await finish(run);
      assert.equal(r.outcome, 'completed');
      assert.deepEqual(run.world.clusterWeights(), { blue: 0, green: 1 });
    });

    it('GIVEN a write in flight WHEN abort THEN once it lands the driver rolls back and ends aborted', async () => {
      const run = start();
      const release = holdWrites(run.world);
      await until(run, () => phases(run).includes('shifting@0'));
      run.world.commands.push('abort');
      await run.clock.advance(30_000);
      assert.equal(run.world.writes.length, 0, 'still in flight');
      release();
      const r = await finish(run);
      assert.equal(r.outcome, 'aborted');
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
      assert.equal(run.world.record?.phase, 'aborted');
    });

    it('GIVEN pause sent while a write is in flight THEN once it lands the driver pauses there; resume goes on', async () => {
      const run = start();
      const release = holdWrites(run.world);
      await until(run, () => phases(run).includes('shifting@0'));
      run.world.commands.push('pause');
      await run.clock.advance(30_000);
      release();
      await until(run, () => run.world.record?.phase === 'paused');
      assert.equal(run.world.record?.step, 0);
      await run.clock.advance(3_600_000);
      assert.equal(run.world.writes.length, 1, 'paused after step 1: nothing more written');
      run.world.commands.push('resume');
      const r = await finish(run);
      assert.equal(r.outcome, 'completed');
    });

    it('GIVEN resume sent while baking (nothing paused) THEN it is dropped, not kept to approve a later step', async () => {
      const rollout = structuredClone(loaded.rollout);
      rollout.spec.steps.splice(2, 0, { kind: 'approve', index: 2 });
      for (const [i, s] of rollout.spec.steps.entries()) s.index = i;
      const plan = buildPlan(rollout);
      const run = start({ plan });
      await until(run, () => run.world.writes.length === 1);
      run.world.commands.push('resume');
      await until(run, () => run.world.record?.phase === 'awaitingApproval');
      const writes = run.world.writes.length;
      await run.clock.advance(3_600_000);
      assert.equal(run.world.writes.length, writes, 'the approval still waits');
      assert.equal(run.world.record?.phase, 'awaitingApproval');
    });

    it('GIVEN resume sent while a shift is reading weights moved by hand THEN the drift pause waits for an operator who saw it', async () => {
      const run = start();
      await until(run, () => run.world.writes.length === 1);
      let release!: () => void;
      run.world.holdReads = new Promise<void>((r) => {
        release = r;
      });
      await until(run, () => phases(run).includes('shifting@1'));
      run.world.weights.set('web', { [BLUE]: 7, [GREEN]: 7 });
      run.world.commands.push('resume');
      await run.clock.advance(10_000);
      run.world.holdReads = undefined;
      release();
      await until(run, () => run.world.record?.phase === 'paused');
      await run.clock.advance(600_000);
      assert.equal(run.world.record?.phase, 'paused', 'the resume sent before the drift was found did not adopt it');
      assert.deepEqual(run.world.clusterWeights(), { blue: 7, green: 7 });
      run.world.commands.push('abort');
      const r = await finish(run);
      assert.equal(r.outcome, 'aborted');
    });
  });

  describe('while paused or awaiting approval, the gates and alarms keep watching', () => {
    /** The example rollout with an approval after step 2 (25%): step 3 waits for `cutover promote`. */
    function approvalPlan(): Plan {
      const rollout = structuredClone(loaded.rollout);
      rollout.spec.steps.splice(2, 0, { kind: 'approve', index: 2 });
      for (const [i, s] of rollout.spec.steps.entries()) s.index = i;
      return buildPlan(rollout);
    }
    /** The ticks since event `from` (an index into run.events). */
    const ticksAfter = (run: Run, from: number) =>
      run.events.slice(from).filter((e): e is Extract<DriverEvent, { type: 'tick' }> => e.type === 'tick');
    /** Step 2 (25%) written, then `cutover pause` taken mid-bake; the index of the paused phase event. */
    async function pausedMidBake(run: Run): Promise<number> {
      await until(run, () => run.world.writes.length === 2);
      await run.clock.advance(30_000);
      run.world.commands.push('pause');
      await until(run, () => run.world.record?.phase === 'paused');
      return run.events.findIndex((e) => e.type === 'phase' && e.phase === 'paused');
    }

    it('GIVEN a pause mid-bake WHEN an alarm goes to ALARM THEN it rolls back within one poll, exit-3 outcome', async () => {
      let firedAt = 0;
      const run = start({
        world: (w) => {
          w.alarms = (i) => (firedAt > 0 && i.now >= firedAt ? alarmFiring('edge-p99-latency') : undefined);
        },
      });
      await pausedMidBake(run);
      const pausedAt = run.clock.now();
      await run.clock.advance(10 * 60_000);
      assert.equal(run.world.record?.phase, 'paused', 'still paused before the alarm');
      firedAt = run.clock.now();
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.equal(r.cause, 'alarm');
      assert.match(r.reason ?? '', /alarm edge-p99-latency in ALARM/);
      assert.ok(run.world.writes.at(-1)!.at - firedAt <= 10_000, 'at once, not after a resume');
      assert.ok(firedAt - pausedAt >= 10 * 60_000);
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
      assert.equal(run.world.record?.phase, 'rolledBack');
    });

    it('GIVEN a pause mid-bake WHEN an alarm goes to ALARM and back to OK between two polls THEN its history rolls back', async () => {
      let firedAt = 0;
      const run = start({
        world: (w) => {
          // Only the history shows it: the poll whose window (since, now] holds the transition.
          w.alarms = (i) =>
            firedAt > 0 && i.since < firedAt && firedAt <= i.now
              ? alarmFiring('edge-p99-latency went to ALARM')
              : {
                  check: 4,
                  type: 'alarm',
                  outcome: 'pass',
                  numbers: {},
                  description: 'alarm edge-p99-latency OK pass',
                };
        },
      });
      await pausedMidBake(run);
      await run.clock.advance(5 * 60_000);
      firedAt = run.clock.now() + 1_000;
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.match(r.reason ?? '', /edge-p99-latency went to ALARM/);
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    });

    it('GIVEN an alarm that fires and clears while a resume reads the weights back THEN the bake reads its history on from the pause and rolls back', async () => {
      let firedAt = 0;
      const run = start({
        world: (w) => {
          w.alarms = (i) =>
            firedAt > 0 && i.since < firedAt && firedAt <= i.now ? alarmFiring('x went to ALARM') : undefined;
        },
      });
      await pausedMidBake(run);
      let release!: () => void;
      run.world.holdReads = new Promise<void>((r) => {
        release = r;
      });
      run.world.commands.push('resume');
      await until(run, () => phases(run).at(-1) === 'verifying@1');
      // No poller runs while the resume reads the weights back: the alarm fires and clears then.
      firedAt = run.clock.now() + 1_000;
      await run.clock.advance(30_000);
      run.world.holdReads = undefined;
      release();
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.match(r.reason ?? '', /x went to ALARM/);
      assert.equal(run.world.writes.length, 3, 'step 2, then the rollback: never step 3');
    });

    it('GIVEN a pause mid-bake WHEN the gate fails THEN it rolls back after failureLimit+1 failed ticks', async () => {
      let failing = false;
      const run = start({ world: (w) => (w.tick = (i) => (failing ? fail(i.now) : pass(i.now))) });
      const pausedAt = await pausedMidBake(run);
      await run.clock.advance(3 * 60_000);
      failing = true;
      const failingFrom = run.events.length;
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.equal(r.cause, 'gate');
      assert.match(r.reason ?? '', /gate failed: .*target5xxRate green 9%.*\(failure 2, failureLimit 1\)/);
      const failed = ticksAfter(run, failingFrom);
      assert.deepEqual(
        failed.map((e) => e.decision),
        ['wait (paused)', 'rollback'],
      );
      assert.ok(ticksAfter(run, pausedAt).length > failed.length, 'it ticked while paused before failing too');
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    });

    it('GIVEN a pause mid-bake WHEN the ticks pass, long past the bake THEN it never advances and the record stays paused', async () => {
      const run = start();
      const pausedAt = await pausedMidBake(run);
      const saves = run.world.saves.length;
      await run.clock.advance(30 * 60_000);
      const ticks = ticksAfter(run, pausedAt);
      // On the bake's schedule (its first own window was still to come), one interval apart.
      assert.ok(ticks.length >= 27, `ticked ${ticks.length} times in 30 min`);
      for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i]!.at - ticks[i - 1]!.at, PLAN.gates.intervalMs);
      assert.ok(
        ticks.every((e) => e.decision === 'wait (paused)' && e.result.outcome === 'pass'),
        'never advance',
      );
      assert.equal(run.world.writes.length, 2, 'step 3 is not written');
      assert.deepEqual(run.world.saves.slice(saves), [], 'nothing recorded over the paused record');
      assert.equal(run.world.record?.phase, 'paused');
      run.world.commands.push('resume');
      const r = await finish(run);
      assert.equal(r.outcome, 'completed');
    });

    it('GIVEN a pause before the first write (capacity) THEN nothing is watched: no ticks, no alarm polls', async () => {
      let polls = 0;
      const run = start({
        world: (w) => {
          w.health.set(GREEN, { healthy: 1, registered: 3 });
          w.tick = (i) => fail(i.now);
          w.alarms = () => {
            polls++;
            return alarmFiring('edge-p99-latency');
          };
        },
      });
      await until(run, () => phases(run).includes('preflight@0'));
      run.world.commands.push('pause');
      await until(run, () => run.world.record?.phase === 'paused');
      await run.clock.advance(30 * 60_000);
      assert.equal(run.world.record?.phase, 'paused');
      assert.equal(run.events.filter((e) => e.type === 'tick').length, 0);
      assert.equal(polls, 0);
    });

    it('GIVEN an approval waiting at 25% WHEN the gate fails THEN it rolls back without a promote', async () => {
      let failing = false;
      const run = start({
        plan: approvalPlan(),
        world: (w) => (w.tick = (i) => (failing ? fail(i.now) : pass(i.now))),
      });
      await until(run, () => run.world.record?.phase === 'awaitingApproval');
      const waitingFrom = run.events.findIndex((e) => e.type === 'phase' && e.phase === 'awaitingApproval');
      await run.clock.advance(20 * 60_000);
      const waiting = ticksAfter(run, waitingFrom);
      assert.ok(waiting.length >= 19, `ticked ${waiting.length} times in 20 min`);
      assert.ok(
        waiting.every((e) => e.decision === 'wait for approval'),
        'passing ticks do not approve',
      );
      assert.equal(run.world.writes.length, 2);
      failing = true;
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.equal(r.cause, 'gate');
      assert.match(r.reason ?? '', /\(failure 2, failureLimit 1\)/);
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
      // The phase event of the approval said when the gates tick next.
      const phase = run.events.find((e) => e.type === 'phase' && e.phase === 'awaitingApproval');
      assert.ok(phase?.type === 'phase' && typeof phase.nextTickAt === 'number');
    });

    it('GIVEN an approval waiting WHEN every tick is inconclusive THEN the streak fails closed and rolls back', async () => {
      let dark = false;
      const run = start({
        plan: approvalPlan(),
        world: (w) => (w.tick = (i) => (dark ? inconclusive(i.now) : pass(i.now))),
      });
      await until(run, () => run.world.record?.phase === 'awaitingApproval');
      dark = true;
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.match(r.reason ?? '', /inconclusive ticks in a row/);
    });

    it('GIVEN a driver killed while paused WHEN a new one resumes the record THEN it is paused again and its failing ticks roll back', async () => {
      const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
      const world = new FakeWorld(PLAN, () => clock.now());
      const step1 = Object.fromEntries(PLAN.steps[1]!.state.routes.map((r) => [r.route, r.targetGroups]));
      world.weights.set('web', { ...step1.web });
      world.record = {
        rollout: PLAN.name,
        specHash: HASH,
        step: 1,
        phase: 'paused',
        weights: step1,
        verifiedAt: clock.now() - 600_000,
        reason: 'paused by an operator (cutover pause)',
      };
      world.tick = (i) => fail(i.now);
      const run = start({ clock, world0: world });
      await until(run, () => phases(run).includes('paused@1'));
      assert.equal(run.world.record?.phase, 'paused');
      const r = await finish(run);
      assert.equal(r.outcome, 'rolledBack');
      assert.match(r.reason ?? '', /\(failure 2, failureLimit 1\)/);
      assert.deepEqual(
        run.events.flatMap((e) => (e.type === 'tick' ? [e.decision] : [])),
        ['wait (paused)', 'rollback'],
      );
      assert.deepEqual(run.world.clusterWeights(), { blue: 1, green: 0 });
    });
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
