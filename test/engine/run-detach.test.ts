import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCli, runCliProcess } from '../helpers/run-cli.ts';

/**
 * `cutover run --detach` as a user runs it: a process that starts the driver in the background
 * and exits, and a driver that goes on without it, read back from the listener itself.
 */
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';

const dir = mkdtempSync(join(tmpdir(), 'cutover-detach-'));
const pids: number[] = [];
let sandbox: Sandbox | undefined;

/** The example rollout with an approval after its first step: the driver waits there for `promote`. */
function rolloutWithApproval(): string {
  const path = join(dir, 'web-approve.yaml');
  const text = readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8').replace(
    /(\n(\s*)- \{weight: 5, bake: 2m\})/,
    '$1\n$2- {approve: true}',
  );
  assert.match(text, /\{approve: true\}/);
  writeFileSync(path, text);
  return path;
}

async function liveWeights(s: Sandbox): Promise<Record<string, number>> {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(s.awsUrl));
  try {
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [LISTENER] }));
    const fwd = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
    return Object.fromEntries(
      (fwd?.ForwardConfig?.TargetGroups ?? []).map((t) => [t.TargetGroupArn!.split('/')[1]!, t.Weight ?? 1]),
    );
  } finally {
    elb.destroy();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until the driver's log contains `text` (at most `ms` of wall time). */
async function untilLogged(log: string, text: string, ms = 120_000): Promise<void> {
  for (let waited = 0; waited < ms && !readFileSync(log, 'utf8').includes(text); waited += 100)
    await new Promise((r) => setTimeout(r, 100));
  assert.ok(
    readFileSync(log, 'utf8').includes(text),
    `never logged ${JSON.stringify(text)}:\n${readFileSync(log, 'utf8')}`,
  );
}

/** The recorded phase, as `cutover status -o json` reads it from the routes. */
async function recordedPhase(env: NodeJS.ProcessEnv, file: string): Promise<string> {
  const s = await runCliProcess(['status', file, '-o', 'json'], { env });
  assert.equal(s.code, 0, s.stderr);
  return JSON.parse(s.stdout).phase;
}

describe('cutover run --detach on the sandbox', () => {
  after(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended already.
      }
    }
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN --detach THEN it exits 0 once the driver has started, and the driver, alone, takes the rollout to 100% green; a second --detach meanwhile is refused naming the holder', async () => {
    sandbox = await startSandbox({ speed: 120, dir: join(dir, 'sbx') });
    const env = { ...sandbox.env, XDG_STATE_HOME: join(dir, 'state') };
    const file = rolloutWithApproval();

    const r = await runCliProcess(['run', file, '--yes', '--detach'], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const pid = Number(/in the background \(pid (\d+)\)/.exec(r.stdout)?.[1]);
    assert.ok(pid > 0, r.stdout);
    pids.push(pid);
    const log = /^log: (.+)$/m.exec(r.stdout)?.[1] ?? '';
    assert.match(log, /\/state\/cutover\/sandbox-web-\d{8}T\d{6}Z\.log$/);
    assert.match(r.stdout, /now at step 1\/5 preflight/);
    assert.match(r.stdout, new RegExp(`follow it: cutover status ${file} --watch`));
    assert.match(r.stdout, new RegExp(`roll back: cutover abort ${file}`));

    // The command is gone; the driver lives on in a session of its own, deaf to a hang-up.
    assert.ok(alive(pid), 'the driver outlives the command that started it');
    if (existsSync(`/proc/${pid}/stat`)) {
      const session = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3];
      assert.equal(Number(session), pid, 'its own session');
    }
    process.kill(pid, 'SIGHUP');

    // It stops at the approval, holding the lease: a second --detach fails as a foreground run would.
    await untilLogged(log, 'waiting for approval (cutover promote)');
    assert.equal(await recordedPhase(env, file), 'awaitingApproval');
    const second = await runCliProcess(['run', file, '--yes', '--detach'], { env });
    assert.equal(second.code, 2, second.stdout + second.stderr);
    assert.match(second.stderr, new RegExp(`^error: .* is being driven by .*@.*/${pid} \\(lease until`, 'm'));
    assert.match(second.stderr, /^hint: /m);
    assert.doesNotMatch(second.stdout, /in the background/);

    const promoted = await runCliProcess(['promote', file], { env });
    assert.equal(promoted.code, 0, promoted.stderr);
    await untilLogged(log, 'rollout sandbox-web completed');
    assert.equal(await recordedPhase(env, file), 'completed');
    assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 0, 'web-green': 1 });

    const lines = readFileSync(log, 'utf8');
    assert.match(lines, /step 1\/5 wrote blue=19 green=1 \(blue 95% green 5%\) on route web, read back/);
    assert.match(lines, /step 2\/5 waiting for approval \(cutover promote\)/);
    assert.match(lines, /operator command: promote/);
    assert.match(lines, /tick \d\d:\d\d–\d\d:\d\d pass: /);
    assert.match(lines, /rollout sandbox-web completed: 100% on green/);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!alive(pid), 'the driver exits when the rollout is done');

    // Nothing left to do: the background run ends before it starts and says so, as in the foreground.
    const again = await runCliProcess(['run', file, '--yes', '--detach', '-o', 'json'], { env });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout);
    assert.equal(result.type, 'result');
    assert.equal(result.outcome, 'completed');
    assert.match(result.message, /already completed/);
  });

  it('GIVEN a detached driver killed with -9 after a failed tick WHEN run again THEN it replays the windows judged since (its failure too) and rolls back, exit 3', async () => {
    // Green regresses at 25%; failureLimit 5 leaves the dead driver five more ticks (2.5 s) before
    // it would roll back by itself, time enough to kill it first.
    const world = await startSandbox({
      speed: 120,
      dir: join(dir, 'sbx-kill'),
      scenario: join(REPO_ROOT, 'scenarios/green-regresses-under-traffic.yaml'),
    });
    try {
      const env = { ...world.env, XDG_STATE_HOME: join(dir, 'state') };
      const file = join(dir, 'web-limit5.yaml');
      writeFileSync(
        file,
        readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8').replace(
          'failureLimit: 1',
          'failureLimit: 5',
        ),
      );
      const started = await runCliProcess(['run', file, '--yes', '--detach'], { env });
      assert.equal(started.code, 0, started.stdout + started.stderr);
      const pid = Number(/\(pid (\d+)\)/.exec(started.stdout)?.[1]);
      pids.push(pid);
      const log = /^log: (.+)$/m.exec(started.stdout)![1]!;
      const failed = /step 2\/4 tick (\d\d:\d\d–\d\d:\d\d) fail: .* → wait$/m;
      for (let i = 0; i < 1200 && alive(pid) && !failed.test(readFileSync(log, 'utf8')); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(alive(pid), readFileSync(log, 'utf8'));
      process.kill(pid, 'SIGKILL');
      const dead = readFileSync(log, 'utf8');
      const window = failed.exec(dead)?.[1];
      assert.ok(window, dead);
      assert.doesNotMatch(dead, /rolling back/, 'killed before it rolled back by itself');

      // Its lease lapses after 60 s of virtual time; then a new run resumes the bake.
      let resumed = await runCliProcess(['run', file, '--yes'], { env, timeoutMs: 120_000 });
      for (let i = 0; i < 40 && resumed.code === 2 && /being driven by/.test(resumed.stderr); i++) {
        await new Promise((r) => setTimeout(r, 250));
        resumed = await runCliProcess(['run', file, '--yes'], { env, timeoutMs: 120_000 });
      }
      assert.equal(resumed.code, 3, resumed.stdout + resumed.stderr);
      const ticks = resumed.stdout.split('\n').filter((l) => / step \d\/\d tick /.test(l));
      // The first tick it judges is the dead driver's failed window, replayed: counted again, not
      // forgotten; with it, failureLimit + 1 = 6 failed ticks roll back.
      assert.match(
        ticks[0] ?? '',
        new RegExp(`step 2/4 tick ${window} fail: .* → wait \\(replayed after a resume\\)$`),
      );
      assert.equal(ticks.length, 6, ticks.join('\n'));
      assert.match(ticks[5] ?? '', /fail: .* → rollback/);
      assert.match(resumed.stdout, /rolled back at step 2 of 4: gate failed: /);
      assert.deepEqual(await liveWeights(world), { 'web-blue': 1, 'web-green': 0 });
    } finally {
      await world.close();
    }
  });

  it('GIVEN --log-file without --detach THEN it is refused before anything runs, exit 2', async () => {
    const r = await runCli(['run', 'rollouts/sandbox-web.yaml', '--yes', '--log-file', 'x.log']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --log-file goes with --detach \(got "x\.log"\)\nhint: .*add --detach/);
  });
});
