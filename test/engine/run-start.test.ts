import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCliProcess, startCliProcess } from '../helpers/run-cli.ts';

/**
 * How `cutover run` decides to start or resume, as a user meets it on the sandbox (a process with
 * the sandbox's env file, the real SDK over HTTP): the next rollout after one that ended, a
 * rollout still driving the routes, weights moved by hand (--take-over), a file changed under a
 * recorded rollout (--force-spec), and what `status` and `plan --live` say about each.
 */
const ROLLOUT = join(REPO_ROOT, 'rollouts/sandbox-web.yaml');
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/761fbf0b36bfccac';

const cleanups: Array<() => Promise<void> | void> = [];
async function world(): Promise<{ sandbox: Sandbox; dir: string; greenShares: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-start-'));
  const sandbox = await startSandbox({ speed: 120, dir: join(dir, 'sbx') });
  // Every share of green the listener takes, in order (the emulator's own record of its writes).
  const greenShares: number[] = [];
  const unsubscribe = sandbox.world.elbv2.onChange((e) => {
    if (e.type !== 'actions') return;
    const w = Object.fromEntries(sandbox.world.elbv2.forwardTargets(LISTENER).map((t) => [t.targetGroupArn, t.weight]));
    const s = (w[GREEN] ?? 0) / ((w[GREEN] ?? 0) + (w[BLUE] ?? 0));
    if (s !== greenShares.at(-1)) greenShares.push(s);
  });
  cleanups.push(async () => {
    unsubscribe();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { sandbox, dir, greenShares };
}

const cli = (sandbox: Sandbox, ...args: string[]) => runCliProcess(args, { env: sandbox.env, timeoutMs: 120_000 });

/** sandbox-web.yaml with `edit` applied, written to `dir/name`. */
function rolloutFile(dir: string, name: string, edit: (text: string) => string): string {
  const file = join(dir, name);
  writeFileSync(file, edit(readFileSync(ROLLOUT, 'utf8')));
  return file;
}
const withSteps = (steps: string[]) => (text: string) =>
  text.replace(/ {2}steps:\n( {4}- .*\n)+/, `  steps:\n${steps.map((s) => `    - ${s}\n`).join('')}`);

/** Runs `cutover run FILE --yes …` again while a killed driver's lease has not lapsed yet. */
async function runOnceLeaseLapsed(sandbox: Sandbox, file: string, ...args: string[]) {
  let r = await cli(sandbox, 'run', file, '--yes', ...args);
  for (let i = 0; i < 20 && r.code === 2 && /being driven by/.test(r.stderr); i++) {
    await new Promise((res) => setTimeout(res, 250));
    r = await cli(sandbox, 'run', file, '--yes', ...args);
  }
  return r;
}

async function setWeights(sandbox: Sandbox, blue: number, green: number): Promise<void> {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
  try {
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: LISTENER,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: BLUE, Weight: blue },
                { TargetGroupArn: GREEN, Weight: green },
              ],
            },
          },
        ],
      }),
    );
  } finally {
    elb.destroy();
  }
}

describe('cutover run: where it starts', () => {
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('GIVEN sandbox-web completed WHEN the reverse rollout web-back (green → blue) runs THEN status and plan --live say the routes carry sandbox-web’s ended record and it starts and completes', async () => {
    const { sandbox, dir } = await world();
    const back = rolloutFile(dir, 'web-back.yaml', (t) =>
      t
        .replace('name: sandbox-web', 'name: web-back')
        .replace('from: blue', 'from: green')
        .replace('to: green', 'to: blue'),
    );
    const first = await cli(sandbox, 'run', ROLLOUT, '--yes');
    assert.equal(first.code, 0, first.stdout + first.stderr);

    const status = await cli(sandbox, 'status', back);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^rollout web-back: not started\n/);
    assert.match(status.stdout, /the routes carry rollout sandbox-web's record: completed, step 4 \(ended\)/);
    assert.match(status.stdout, /run: it would start at step 1\/4/);
    const json = JSON.parse((await cli(sandbox, 'status', back, '-o', 'json')).stdout);
    assert.deepEqual(json.otherRollout, { rollout: 'sandbox-web', phase: 'completed', step: 4, ended: true });
    assert.equal(json.run.ok, true);

    const plan = await cli(sandbox, 'plan', back, '--live');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(
      plan.stdout,
      /recorded: rollout sandbox-web's record, not web-back's: step 4, completed\n {2}next write: step 1 blue=1 green=19\n {2}run: it would start at step 1\/4/,
    );

    const r = await cli(sandbox, 'run', back, '--yes');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /the routes carry the record of rollout sandbox-web, which has ended \(completed\); starting web-back at its starting split/,
    );
    assert.match(r.stdout, /step 1\/4 wrote blue=1 green=19/);
    assert.match(r.stdout, /rollout web-back completed: 100% on blue/);
    const after = await cli(sandbox, 'status', ROLLOUT);
    assert.match(after.stdout, /the routes carry rollout web-back's record: completed, step 4 \(ended\)/);
  });

  it('GIVEN sandbox-web is still driving the routes WHEN web-back runs THEN it is refused naming sandbox-web, its phase and step and what to do, exit 2', async () => {
    const { sandbox, dir } = await world();
    const back = rolloutFile(dir, 'web-back.yaml', (t) =>
      t
        .replace('name: sandbox-web', 'name: web-back')
        .replace('from: blue', 'from: green')
        .replace('to: green', 'to: blue'),
    );
    // Killed with -9 while baking step 2: its record stays, not ended.
    const driver = startCliProcess(['run', ROLLOUT, '--yes'], { env: sandbox.env });
    try {
      await driver.until('step 2/4 baking');
    } finally {
      driver.kill();
      await driver.exited;
    }
    const r = await cli(sandbox, 'run', back, '--yes');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /error: the routes carry rollout "sandbox-web", which has not ended \(baking, step 2\)/);
    assert.match(r.stderr, /wait for it to complete, or roll it back with `cutover abort <its file>`/);
    const status = await cli(sandbox, 'status', back);
    assert.match(status.stdout, /the routes carry rollout sandbox-web's record: baking, step 2 \(not ended\)/);
    assert.match(status.stdout, /run: it would refuse: the routes carry rollout "sandbox-web", which has not ended/);
    const plan = await cli(sandbox, 'plan', back, '--live');
    assert.match(plan.stdout, /next write: none: `cutover run` would refuse to start\n {2}run: it would refuse/);
    // Rolled back, sandbox-web's record has ended: web-back may start.
    let aborted = await cli(sandbox, 'abort', ROLLOUT);
    // Until the dead driver's lease lapses (60 s of virtual time) the command waits for it.
    for (let i = 0; i < 20 && aborted.code === 0; i++) {
      await new Promise((res) => setTimeout(res, 300));
      aborted = await cli(sandbox, 'abort', ROLLOUT);
    }
    assert.equal(aborted.code, 4, aborted.stdout + aborted.stderr);
    // Back at 100% blue, which is not web-back's start (100% green).
    assert.match(
      (await cli(sandbox, 'status', back)).stdout,
      /record: aborted, step \d \(ended\)\nrun: it would refuse: the routes are not at the rollout’s starting split/,
    );
  });

  it('GIVEN the listener set by hand to blue=90 green=10 with no record THEN run refuses saying how to go on, plan --live says so, and --take-over continues at step 2 (25%), never lower', async () => {
    const { sandbox, greenShares } = await world();
    await setWeights(sandbox, 90, 10);
    const refused = await cli(sandbox, 'run', ROLLOUT, '--yes');
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /hint: pass --take-over to adopt the live split \(10% green\) and continue at step 2\/4 \(25%\), or set the weights back to the starting split \(route web: blue=1 green=0\) and run again/,
    );
    const plan = await cli(sandbox, 'plan', ROLLOUT, '--live');
    assert.match(
      plan.stdout,
      /next write: none: `cutover run` would refuse to start\n {2}run: it would refuse: the routes are not at the rollout’s starting split \(got "route web: expected blue=1 green=0, found blue=90 green=10"\)/,
    );

    const r = await cli(sandbox, 'run', ROLLOUT, '--yes', '--take-over');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /taking over at 10% green: continuing at step 2\/4 \(25%\)/);
    assert.doesNotMatch(r.stdout, /step 1\/4 wrote/);
    assert.match(r.stdout, /step 2\/4 wrote blue=3 green=1/);
    assert.match(r.stdout, /rollout sandbox-web completed: 100% on green/);
    assert.deepEqual(greenShares, [0.1, 0.25, 0.5, 1], 'green never went below the 10% taken over');
  });

  it('GIVEN a rollout awaiting approval at step 3 and its file changed so step 3 is 50% THEN status says the file differs; --force-spec writes 50% at step 3, skipping nothing', async () => {
    const { sandbox, dir, greenShares } = await world();
    const file = rolloutFile(
      dir,
      'web.yaml',
      withSteps(['{weight: 5, bake: 2m}', '{weight: 25, bake: 2m}', '{approve: true}', '{weight: 100, bake: 2m}']),
    );
    const driver = startCliProcess(['run', file, '--yes'], { env: sandbox.env });
    try {
      await driver.until('step 3/4 waiting for approval');
    } finally {
      driver.kill();
      await driver.exited;
    }
    writeFileSync(
      file,
      withSteps([
        '{weight: 5, bake: 2m}',
        '{weight: 25, bake: 2m}',
        '{weight: 50, bake: 2m}',
        '{weight: 100, bake: 2m}',
      ])(readFileSync(ROLLOUT, 'utf8')),
    );
    const status = await cli(sandbox, 'status', file);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /rollout sandbox-web: awaitingApproval, step 3 of 4/);
    assert.match(
      status.stdout,
      /file: differs from the one sandbox-web started with \(recorded spec hash [0-9a-f]{12}, this file [0-9a-f]{12}\); `cutover run` goes on with it only with --force-spec/,
    );
    assert.match(status.stdout, /run: it would refuse: the rollout file changed since this rollout started/);

    const refused = await runOnceLeaseLapsed(sandbox, file);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /the rollout file changed since this rollout started/);

    const r = await cli(sandbox, 'run', file, '--yes', '--force-spec');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /the rollout file changed \(--force-spec\): recorded awaitingApproval at step 3\/4; live 25% green: going on at step 3\/4, a 50% weight step in this file/,
    );
    assert.doesNotMatch(r.stdout, /waiting for approval/);
    assert.match(r.stdout, /step 3\/4 wrote blue=1 green=1/);
    assert.match(r.stdout, /rollout sandbox-web completed: 100% on green/);
    assert.deepEqual(greenShares, [0.05, 0.25, 0.5, 1], 'every step of the new file, none skipped');
  });
});
