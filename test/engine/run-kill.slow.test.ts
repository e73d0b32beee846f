import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbTags } from '../../src/aws/elb-tags.ts';
import { type RouteRecord, RouteStateStore } from '../../src/aws/state-store.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, type RunningCli, runCliProcess, startCliProcess } from '../helpers/run-cli.ts';

/**
 * `cutover run` killed with SIGKILL in every phase of the driver, then run again: the crash a
 * laptop losing power or a CI runner being reaped causes. Each case starts the driver as a
 * process against its own sandbox (speed 120), brings it to one phase — from its output, from
 * the record on the listener's tags, or held there by a sandbox fault — kills it with -9, checks
 * what the routes record at that moment, waits for the dead driver's lease to lapse (60 s of
 * virtual time) and for the fault to end, and runs `cutover run` again. Then:
 * - it says where it resumes (the recorded step, and what it does first);
 * - the listener's weights never went backwards: every forward weight change the emulator saw,
 *   across both runs, moves green's share up (down only once a rollback starts);
 * - no gate was skipped: every weight step the second run leaves was judged by a passing tick of
 *   its own in the second run's output;
 * - it ends as it should: 100% green (exit 0), or back at 100% blue (exit 3) for a rollback.
 */
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/761fbf0b36bfccac';
const SPEED = 120;
const ROLLOUT = readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8');
const DEFAULT_WORLD = readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8');
const REGRESSING_WORLD = readFileSync(join(REPO_ROOT, 'scenarios/green-regresses-under-traffic.yaml'), 'utf8');
/** Green's weight at each step of sandbox-web (blue=19 green=1, 3/1, 1/1, 0/1): its share, in order. */
const SHARE = { start: 0, step1: 1 / 20, step2: 1 / 4, step3: 1 / 2, step4: 1 };

interface World {
  /** The first driver, then the second. */
  driver: RunningCli;
  record(): Promise<RouteRecord>;
  /** Waits (polling the tags) until the listener's record says `phase` at step index `step`. */
  recordSays(phase: string, step: number, also?: () => Promise<boolean>): Promise<void>;
  /** Green's share of the listener's forward action now, read through the AWS SDK. */
  greenShare(): Promise<number>;
  op(command: string): Promise<void>;
}

interface Recorded {
  phase: string;
  step: number;
  greenShare?: number;
}

interface Case {
  phase: string;
  /** Faults appended to the world (YAML list items), or another scenario text. */
  faults?: string;
  world?: string;
  rollout?: (yaml: string) => string;
  /** The rollout file as the operator fixed it before the second run (from sandbox-web.yaml). */
  fixed?: (yaml: string) => string;
  /** Brings the first driver to the phase; the kill follows at once. */
  reach(w: World): Promise<void>;
  /**
   * What the listener's record says at the kill (`none`: no record; `any`: not checked), or a
   * function of the first run's output giving it.
   */
  recorded: Recorded | 'none' | 'any' | ((first: string) => Recorded);
  /**
   * When the case's fault ends, from the (virtual) times of the listener's weight changes: the
   * second run starts after it.
   */
  faultEnd?(changedAt: number[]): number;
  /** The second run's first words about where it goes on. */
  resumed?: RegExp;
  /** What an operator does while the second run goes (promote, resume). */
  operate?(w: World): Promise<void>;
  outcome: 'completed' | 'rolledBack';
}

/**
 * Polls `pred` every 10 ms, for states no output line announces; fails the test after `tries`
 * polls, showing `show()` (the driver's output).
 */
async function waitFor(what: string, pred: () => Promise<boolean>, show = () => '', tries = 6_000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never reached: ${what}\n${show()}`);
}

const CASES: Case[] = [
  {
    phase: 'loading (its first line: before or just after the lease, nothing else written)',
    reach: (w) => w.driver.until("reading the routes' state and weights"),
    recorded: 'any',
    outcome: 'completed',
  },
  {
    phase: 'preflight of step 1 (lease taken, nothing written): green has 4 healthy targets, the file asks 5',
    rollout: (y) =>
      y.replace(
        'capacity: {minHealthyTargets: 2, headroom: 1.0, wait: 2m}',
        'capacity: {minHealthyTargets: 5, headroom: 1.0, wait: 30m}',
      ),
    // Nothing was recorded, so the operator may fix the file before running again.
    fixed: (y) => y,
    reach: (w) =>
      w.driver.until('step 1/4 preflight waiting: cluster green on route web has 4 healthy targets, needs 5'),
    recorded: 'none',
    outcome: 'completed',
  },
  {
    phase: 'preflight of step 4 (recorded: starting it): green has 3 healthy targets, needs 4',
    faults: `  - kind: failHealthChecks
    when: {weightChange: {loadBalancer: edge, port: 80, count: 3}}
    cluster: green
    pods: 1
    for: 15m`,
    rollout: (y) => y.replace('wait: 2m}', 'wait: 30m}').replace('minRatio: 80%', 'minRatio: 50%'),
    reach: (w) => w.driver.until('step 4/4 preflight waiting'),
    recorded: { phase: 'starting', step: 3, greenShare: SHARE.step3 },
    resumed: /resuming at step 4\/4: it had not started; checking capacity, then writing it/,
    outcome: 'completed',
  },
  {
    phase: 'shifting, its write not landed (ModifyListener failing, the SDK retrying)',
    faults: `  - kind: awsError
    when: {weightChange: {loadBalancer: edge, port: 80, count: 1}}
    service: elbv2
    operations: [ModifyListener]
    for: 20m`,
    reach: (w) => w.recordSays('shifting', 1),
    recorded: { phase: 'shifting', step: 1, greenShare: SHARE.step1 },
    faultEnd: (changedAt) => changedAt[0]! + 20 * 60_000,
    resumed: /resuming at step 2\/4: its split was being written and had not landed; writing it again/,
    outcome: 'completed',
  },
  {
    phase: 'shifting, its write landed but not recorded (AddTags failing, the SDK retrying)',
    faults: `  - kind: awsError
    when: {weightChange: {loadBalancer: edge, port: 80, count: 2}}
    service: elbv2
    operations: [AddTags]
    for: 15m`,
    reach: (w) => w.recordSays('shifting', 1, async () => (await w.greenShare()) === SHARE.step2),
    recorded: { phase: 'shifting', step: 1, greenShare: SHARE.step2 },
    faultEnd: (changedAt) => changedAt[1]! + 15 * 60_000,
    resumed: /resuming at step 2\/4: its split had landed; reading it back, then baking/,
    outcome: 'completed',
  },
  {
    phase: 'baking, after a passing tick of step 2 and before its bake ends',
    // A 6-minute bake: its first own tick passes ("→ wait") well before the bake ends.
    rollout: (y) => y.replace('{weight: 25, bake: 2m}', '{weight: 25, bake: 6m}'),
    reach: async (w) => {
      await w.driver.until('step 2/4 tick');
      assert.match(w.driver.out(), /step 2\/4 tick \S+ pass: [^\n]*→ wait/);
    },
    recorded: { phase: 'baking', step: 1, greenShare: SHARE.step2 },
    resumed:
      /resuming the bake of step 2\/4 \(verified \d\d:\d\d:\d\d\); it advances only after a passing tick of its own/,
    outcome: 'completed',
  },
  {
    phase: 'awaitingApproval (an approval step after 25%)',
    rollout: (y) => y.replace('    - {weight: 50, bake: 3m}', '    - {approve: true}\n    - {weight: 50, bake: 3m}'),
    reach: async (w) => {
      await w.driver.until('step 3/5 waiting for approval');
      await w.recordSays('awaitingApproval', 2);
    },
    recorded: { phase: 'awaitingApproval', step: 2, greenShare: SHARE.step2 },
    resumed: /resuming at step 3\/5: waiting for approval again/,
    operate: async (w) => {
      await w.driver.until('step 3/5 waiting for approval');
      await w.op('promote');
    },
    outcome: 'completed',
  },
  {
    phase: 'paused by `cutover pause` during a bake',
    // Wherever the pause lands (a loaded machine may take seconds to run `cutover pause`): the
    // step it names is the one recorded.
    reach: async (w) => {
      await w.driver.until('step 2/4 baking');
      await w.op('pause');
      await w.driver.until('paused: paused by an operator (cutover pause)');
      const step = Number(/step (\d)\/4 paused: paused by an operator/.exec(w.driver.out())![1]) - 1;
      await w.recordSays('paused', step);
    },
    recorded: (first) => ({
      phase: 'paused',
      step: Number(/step (\d)\/4 paused: paused by an operator/.exec(first)![1]) - 1,
    }),
    resumed: /resuming at step \d\/4, paused: `cutover resume` goes on, `cutover abort` rolls back/,
    operate: async (w) => {
      await w.driver.until('paused: paused by an operator (cutover pause)');
      await w.op('resume');
    },
    outcome: 'completed',
  },
  {
    phase: 'rollingBack, gradual, between its writes (green regresses at 25%)',
    world: REGRESSING_WORLD,
    rollout: (y) => y.replace('rollback: {mode: instant}', 'rollback: {mode: gradual, stepBake: 3m}'),
    reach: async (w) => {
      await w.driver.until('rolled back to step 1/4');
      await w.recordSays('rollingBack', 0);
    },
    recorded: { phase: 'rollingBack', step: 0, greenShare: SHARE.step1 },
    resumed: /resuming the rollback of sandbox-web from step 1\/4/,
    outcome: 'rolledBack',
  },
  {
    phase: 'rollingBack, decided but not written yet (ModifyListener failing, the SDK retrying)',
    world: REGRESSING_WORLD,
    faults: `  - kind: awsError
    when: {share: {loadBalancer: edge, port: 80, cluster: green, reaches: 25%}}
    after: 1m
    service: elbv2
    operations: [ModifyListener]
    for: 15m`,
    reach: async (w) => {
      await w.driver.until('step 2/4 rolling back: gate failed');
      // The decision is recorded before the first rollback write (which the fault holds).
      await w.recordSays('rollingBack', 1);
    },
    recorded: { phase: 'rollingBack', step: 1, greenShare: SHARE.step2 },
    faultEnd: (changedAt) => changedAt[1]! + 16 * 60_000,
    resumed: /resuming the rollback of sandbox-web from step 2\/4/,
    outcome: 'rolledBack',
  },
];

describe('cutover run killed with -9 in every phase, then run again', () => {
  for (const c of CASES) {
    it(`GIVEN a driver killed in ${c.phase} WHEN run again THEN it resumes from the record, never moves weights backwards, skips no gate and ends ${c.outcome === 'completed' ? 'at 100% green' : 'rolled back to 100% blue'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cutover-kill-'));
      const scenario = join(dir, 'world.yaml');
      const worldText = c.world ?? DEFAULT_WORLD;
      // Faults go last in both worlds: appended to the list, or as a new one.
      const faultsKey = /\nfaults:\n/.test(worldText) ? '' : 'faults:\n';
      writeFileSync(scenario, c.faults ? `${worldText.trimEnd()}\n${faultsKey}${c.faults}\n` : worldText);
      const file = join(dir, 'rollout.yaml');
      const rollout = (c.rollout ?? ((y) => y))(ROLLOUT);
      writeFileSync(file, rollout);
      const steps = (rollout.match(/^ {4}- \{(weight|approve)/gm) ?? []).length;
      const sandbox = await startSandbox({ speed: SPEED, dir: join(dir, 'sbx'), scenario });
      const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
      const store = new RouteStateStore(new ElbTags(elb));
      // Every forward weight change of the listener, as the emulator applies it.
      const shares: number[] = [];
      const changedAt: number[] = [];
      const share = () => {
        const w = Object.fromEntries(
          sandbox.world.elbv2.forwardTargets(LISTENER).map((t) => [t.targetGroupArn, t.weight]),
        );
        return (w[GREEN] ?? 0) / ((w[GREEN] ?? 0) + (w[BLUE] ?? 0));
      };
      const unsubscribe = sandbox.world.elbv2.onChange((e) => {
        if (e.type !== 'actions') return;
        const s = share();
        if (s === shares.at(-1)) return;
        shares.push(s);
        changedAt.push(sandbox.clock.now());
      });
      const drivers: RunningCli[] = [];
      const run = () => {
        const d = startCliProcess(['run', file, '--yes'], { env: sandbox.env, guardMs: 240_000 });
        drivers.push(d);
        return d;
      };
      const w: World = {
        driver: run(),
        record: () => store.readOne(LISTENER),
        recordSays: (phase, step, also = async () => true) => {
          let seen: unknown;
          return waitFor(
            `the record says ${phase} at step index ${step}`,
            async () => {
              const s = (await store.readOne(LISTENER)).state;
              seen = s && { phase: s.phase, step: s.step };
              return s?.phase === phase && s.step === step && (await also());
            },
            () => `${w.driver.out()}\nrecorded: ${JSON.stringify(seen)}`,
          );
        },
        greenShare: async () => {
          const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [LISTENER] }));
          const fwd = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
          const weight = (tg: string) =>
            fwd?.ForwardConfig?.TargetGroups?.find((t) => t.TargetGroupArn === tg)?.Weight ?? 0;
          return weight(GREEN) / (weight(GREEN) + weight(BLUE));
        },
        op: async (command) => {
          const r = await runCliProcess([command, file], { env: sandbox.env });
          assert.equal(r.code, 0, `cutover ${command}: ${r.stdout}${r.stderr}`);
        },
      };
      try {
        // WHEN the first driver reaches the phase, it is killed with SIGKILL.
        await c.reach(w);
        w.driver.kill('SIGKILL');
        await w.driver.exited;
        const killedAt = sandbox.clock.now();
        const first = w.driver.out();
        const atKill = await w.record();
        const liveAtKill = await w.greenShare();
        const recorded = typeof c.recorded === 'function' ? c.recorded(first) : c.recorded;
        if (recorded === 'none') {
          assert.equal(atKill.state, undefined, `no record yet:\n${first}`);
          assert.ok(atKill.lease, 'the killed driver held the lease');
        } else if (recorded !== 'any') {
          assert.equal(atKill.state?.phase, recorded.phase, `recorded at the kill:\n${first}`);
          assert.equal(atKill.state?.step, recorded.step);
          assert.ok(atKill.lease, 'the killed driver held the lease');
          if (recorded.greenShare !== undefined) assert.equal(liveAtKill, recorded.greenShare);
        }
        // The dead driver's lease lapses (and the fault ends) in virtual time.
        const until = Math.max(atKill.lease?.expiresAt ?? 0, killedAt, c.faultEnd?.(changedAt) ?? 0) + 1_000;
        await waitFor('the lease to lapse', async () => sandbox.clock.now() > until);

        // THEN a second run goes on from the record.
        if (c.fixed) writeFileSync(file, c.fixed(ROLLOUT));
        w.driver = run();
        if (c.operate) await c.operate(w);
        const code = await w.driver.exited;
        const second = w.driver.out();
        const both = `--- first run (killed):\n${first}\n--- second run:\n${second}`;
        assert.equal(code, c.outcome === 'completed' ? 0 : 3, both);
        assert.doesNotMatch(second, /being driven by/, both);
        if (c.resumed) assert.match(second, c.resumed, both);
        else assert.doesNotMatch(second, /resuming/, both);
        assert.equal(await w.greenShare(), c.outcome === 'completed' ? 1 : 0, 'the final split, read back');
        const end = await w.record();
        assert.equal(end.state?.phase, c.outcome, `the final record\n${both}`);
        assert.equal(end.lease, undefined, 'the lease is let go');
        assert.match(
          second,
          c.outcome === 'completed' ? /rollout sandbox-web completed: 100% on green/ : /rolled back at step \d of \d: /,
        );

        // Never backwards: green's share rises through the run; once it falls (a rollback), it
        // only falls.
        const peak = shares.indexOf(Math.max(...shares));
        for (let i = 1; i < shares.length; i++) {
          if (i <= peak)
            assert.ok(shares[i]! > shares[i - 1]!, `weights went backwards: ${shares.join(' → ')}\n${both}`);
          else assert.ok(shares[i]! < shares[i - 1]!, `a rollback went up again: ${shares.join(' → ')}\n${both}`);
        }
        if (c.outcome === 'completed') assert.equal(peak, shares.length - 1);
        // The second run writes no step before the one the first left off at.
        const recordedStep = atKill.state?.step ?? 0;
        const firstWrite = /step (\d+)\/\d+ wrote/.exec(second);
        if (firstWrite && c.outcome === 'completed') assert.ok(Number(firstWrite[1]) >= recordedStep + 1, both);

        // No gate skipped: each weight step the second run completed was judged by a passing
        // tick of its own, in this run.
        if (c.outcome === 'completed') {
          const weightSteps = (rollout.match(/^ {4}- \{(weight|approve)[^\n]*/gm) ?? []).map((s) =>
            s.includes('weight'),
          );
          for (let i = Math.max(0, recordedStep); i < steps; i++) {
            if (!weightSteps[i]) continue;
            assert.match(
              second,
              new RegExp(`step ${i + 1}/${steps} tick \\S+ pass: [^\\n]*→ advance`),
              `step ${i + 1} advanced without a passing tick of its own\n${both}`,
            );
          }
        }
      } finally {
        unsubscribe();
        for (const d of drivers) d.kill('SIGKILL');
        await Promise.all(drivers.map((d) => d.exited));
        elb.destroy();
        await sandbox.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
