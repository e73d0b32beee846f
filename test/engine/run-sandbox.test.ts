import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCliProcess, startCliProcess } from '../helpers/run-cli.ts';

/**
 * `cutover run` as a user runs it: a process with the sandbox's env file (real AWS SDK over HTTP
 * to the emulated ALB and CloudWatch, the sandbox's virtual clock), the repository's example
 * rollout, and the outcome read back from the listener itself.
 */
const ROLLOUT = 'rollouts/sandbox-web.yaml';
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const SPEED = 120;

const sandboxes: Array<{ sandbox: Sandbox; dir: string }> = [];
async function world(scenario?: string): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-run-'));
  const sandbox = await startSandbox({
    speed: SPEED,
    dir: join(dir, 'sbx'),
    ...(scenario ? { scenario: isAbsolute(scenario) ? scenario : join(REPO_ROOT, scenario) } : {}),
  });
  sandboxes.push({ sandbox, dir });
  return sandbox;
}

async function liveWeights(sandbox: Sandbox): Promise<Record<string, number>> {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
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

const op = (sandbox: Sandbox, command: string) => runCliProcess([command, ROLLOUT], { env: sandbox.env });

/** `cutover run` in the background, with its output so far and a way to wait for a line. */
const startDriver = (sandbox: Sandbox) => startCliProcess(['run', ROLLOUT, '--yes'], { env: sandbox.env });

const run = (sandbox: Sandbox, ...args: string[]) =>
  runCliProcess(['run', ROLLOUT, '--yes', ...args], { env: sandbox.env, timeoutMs: 120_000 });

describe('cutover run on the sandbox', () => {
  after(async () => {
    for (const { sandbox, dir } of sandboxes) {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN a healthy green WHEN run THEN every step is written and judged and it ends at 100% green, exit 0', async () => {
    const sandbox = await world();
    const before = await runCliProcess(['plan', ROLLOUT, '--live'], { env: sandbox.env });
    assert.equal(before.code, 0, before.stderr);
    assert.match(
      before.stdout,
      /live:\n {2}route web: blue=100 green=0\n {2}recorded: nothing \(not started here\)\n {2}next write: step 1 blue=19 green=1/,
    );
    const r = await run(sandbox);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 0, 'web-green': 1 });
    const done = await runCliProcess(['plan', ROLLOUT, '--live'], { env: sandbox.env });
    assert.match(done.stdout, /route web: blue=0 green=1\n {2}recorded: step 4 of 4, completed\n {2}next write: none/);
    assert.match(r.stdout, /step 1\/4 wrote blue=19 green=1 \(blue 95% green 5%\) on route web, read back/);
    assert.match(r.stdout, /tick \d\d:\d\d–\d\d:\d\d pass: .*target5xxRate green/);
    assert.match(r.stdout, /rollout sandbox-web completed: 100% on green/);
    // Run again: the record says completed and the listener is at the final split.
    const again = await run(sandbox);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already completed/);
  });

  it('GIVEN green regresses once it takes 25% WHEN run THEN the gate rolls it back to 100% blue, exit 3, saying which gate', async () => {
    const sandbox = await world('scenarios/green-regresses-under-traffic.yaml');
    const r = await run(sandbox);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
    assert.match(r.stdout, /rolled back to the start: blue=1 green=0, read back/);
    assert.match(
      r.stdout,
      /rollout sandbox-web rolled back at step 2 of 4: gate failed: .*(target5xxRate|compare5xx) green/,
    );
    assert.doesNotMatch(r.stdout, /step 3\/4 wrote/);
    // Recorded as ended (the gate's long reason cut to fit a tag), so the next run starts afresh.
    const live = await runCliProcess(['plan', ROLLOUT, '--live'], { env: sandbox.env });
    assert.match(live.stdout, /recorded: step 2 of 4, rolledBack\n {2}next write: step 1 /);
  });

  it('GIVEN a driver running WHEN a second one starts THEN it is refused naming the holder; killed with -9, a new run resumes and completes', async () => {
    const sandbox = await world();
    const driver = startDriver(sandbox);
    try {
      await driver.until('step 2/4 wrote', 120_000);
      const second = await run(sandbox);
      assert.equal(second.code, 2, second.stdout + second.stderr);
      assert.match(second.stderr, /is being driven by .*@.*\/\d+ \(lease until/);
      driver.kill();
      await driver.exited;
      // The dead driver's lease lapses (60 s of virtual time); then a new run resumes at step 2.
      let resumed = await run(sandbox);
      for (let i = 0; i < 20 && resumed.code === 2 && /being driven by/.test(resumed.stderr); i++) {
        await new Promise((r) => setTimeout(r, 250));
        resumed = await run(sandbox);
      }
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.doesNotMatch(resumed.stdout, /step 1\/4 wrote/, 'never moves weights backwards');
      assert.match(resumed.stdout, /rollout sandbox-web completed: 100% on green/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 0, 'web-green': 1 });
    } finally {
      driver.kill();
    }
  });

  it('GIVEN a running driver WHEN an operator pauses, checks status, resumes and aborts from another process THEN the driver follows, exit 4', async () => {
    const sandbox = await world();
    const driver = startDriver(sandbox);
    try {
      await driver.until('step 1/4 wrote');
      const paused = await op(sandbox, 'pause');
      assert.equal(paused.code, 0, paused.stderr);
      assert.match(paused.stdout, /pause: sent to the driver .*@/);
      await driver.until('paused: paused by an operator (cutover pause)');
      const step = /step (\d)\/4 paused: paused by an operator/.exec(driver.out())![1];
      const status = await op(sandbox, 'status');
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`rollout sandbox-web: paused, step ${step} of 4`));
      assert.match(status.stdout, /driver: .*@.*\/\d+, lease until/);
      assert.match(status.stdout, /reason: paused by an operator \(cutover pause\)/);
      assert.equal((await op(sandbox, 'resume')).code, 0);
      await driver.until('operator command: resume');
      assert.equal((await op(sandbox, 'abort')).code, 0);
      assert.equal(await driver.exited, 4, driver.out());
      assert.match(driver.out(), /rollout sandbox-web aborted by an operator/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
    } finally {
      driver.kill();
    }
  });

  it('GIVEN someone edits the listener mid-rollout (drift) THEN the driver pauses and overwrites nothing; with it dead, abort rolls back from another process, exit 4', async () => {
    // Someone edits the listener 30 s after the driver's first write (a trigger, so it happens
    // mid-rollout however long the driver took to start).
    const dir = mkdtempSync(join(tmpdir(), 'cutover-drift-'));
    const scenario = join(dir, 'drift.yaml');
    writeFileSync(
      scenario,
      `${readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8')}
faults:
  - kind: modifyWeights
    when: {weightChange: {loadBalancer: edge, port: 80, count: 1}}
    after: 30s
    loadBalancer: edge
    port: 80
    weights: {blue: 80, green: 20}
`,
    );
    const sandbox = await world(scenario);
    rmSync(dir, { recursive: true, force: true });
    const driver = startDriver(sandbox);
    try {
      await driver.until('paused: someone else changed the weights: route web: expected');
      assert.match(driver.out(), /found blue=80 green=20/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 80, 'web-green': 20 }, 'nothing overwritten');
      const status = await op(sandbox, 'status');
      assert.match(status.stdout, /DRIFT: last written/);
      driver.kill();
      await driver.exited;
      let aborted = await op(sandbox, 'abort');
      // A dead driver's lease lapses after 60 s of virtual time: until then the command waits for it.
      for (let i = 0; i < 20 && aborted.code === 0; i++) {
        await new Promise((r) => setTimeout(r, 300));
        aborted = await op(sandbox, 'abort');
      }
      assert.equal(aborted.code, 4, aborted.stdout + aborted.stderr);
      assert.match(aborted.stdout, /no driver is running; rolling back from here/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
    } finally {
      driver.kill();
    }
  });

  it('GIVEN AWS throttles the writes and CloudWatch fails for minutes (scenarios/throttled-aws.yaml) THEN the outcome is the same: 100% green, exit 0', async () => {
    const sandbox = await world('scenarios/throttled-aws.yaml');
    const r = await run(sandbox);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 0, 'web-green': 1 });
  });

  it('GIVEN an alarm that fires mid-bake THEN it rolls back within one alarm poll, exit 3, naming the alarm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-alarm-'));
    try {
      const scenario = join(dir, 'alarm.yaml');
      writeFileSync(
        scenario,
        `${readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8').replace(/\nfaults:[\s\S]*$/, '\n')}
faults:
  - kind: alarmState
    alarm: edge-p99-latency
    state: ALARM
    reason: p99 latency above 1 s
    when: {share: {loadBalancer: edge, port: 80, cluster: green, reaches: 25%}}
    after: 1m
`,
      );
      const rollout = join(dir, 'rollout.yaml');
      writeFileSync(
        rollout,
        readFileSync(join(REPO_ROOT, ROLLOUT), 'utf8').replace(
          /(\n\s*- \{type: compare5xx[^\n]*)/,
          '$1\n      - {type: alarm, names: [edge-p99-latency]}',
        ),
      );
      const sandbox = await world(scenario);
      const r = await runCliProcess(['run', rollout, '--yes'], { env: sandbox.env, timeoutMs: 120_000 });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      const at = (re: RegExp) => {
        const m = re.exec(r.stdout);
        assert.ok(m, `${re} in ${r.stdout}`);
        const [h, mi, se] = m[1]!.split(':').map(Number) as [number, number, number];
        return h * 3600 + mi * 60 + se;
      };
      const fired = at(/(\d\d:\d\d:\d\d) step 2\/4 alarm edge-p99-latency (in ALARM|went to ALARM)/);
      const restored = at(/(\d\d:\d\d:\d\d) rolled back to the start/);
      assert.ok(restored - fired <= 10, `restored ${restored - fired} s after the alarm was seen`);
      // Seen in ALARM, or (when it was evaluated back to OK between two polls) in its history.
      assert.match(r.stdout, /rolled back at step 2 of 4: alarm edge-p99-latency (in ALARM|went to ALARM)/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN a rollout paused mid-bake from another process WHEN its alarm is forced to ALARM (SetAlarmState) THEN the paused driver rolls back to 100% blue, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-paused-alarm-'));
    const sandbox = await world();
    const rollout = join(dir, 'rollout.yaml');
    writeFileSync(
      rollout,
      readFileSync(join(REPO_ROOT, ROLLOUT), 'utf8').replace(
        /(\n\s*- \{type: compare5xx[^\n]*)/,
        '$1\n      - {type: alarm, names: [edge-p99-latency]}',
      ),
    );
    const driver = startCliProcess(['run', rollout, '--yes'], { env: sandbox.env });
    const cw = new CloudWatchClient(awsClientConfig(sandbox.awsUrl));
    try {
      await driver.until('step 1/4 wrote');
      const paused = await runCliProcess(['pause', rollout], { env: sandbox.env });
      assert.equal(paused.code, 0, paused.stderr);
      await driver.until('paused: paused by an operator (cutover pause)');
      const step = /step (\d)\/4 paused: paused by an operator/.exec(driver.out())![1];
      // The gates keep ticking while paused, and a tick there never advances.
      await driver.until('→ wait (paused)');
      // Forced to ALARM; the sandbox's next evaluation (a virtual minute on) puts it back to OK.
      await cw.send(
        new SetAlarmStateCommand({
          AlarmName: 'edge-p99-latency',
          StateValue: 'ALARM',
          StateReason: 'forced by the test while the rollout is paused',
        }),
      );
      assert.equal(await driver.exited, 3, driver.out());
      const out = driver.out();
      assert.match(out, new RegExp(`step ${step}/4 alarm edge-p99-latency (in ALARM|went to ALARM)`));
      assert.match(
        out,
        new RegExp(
          `rollout sandbox-web rolled back at step ${step} of 4: alarm edge-p99-latency (in ALARM|went to ALARM)`,
        ),
      );
      const afterPause = out.slice(out.indexOf('paused: paused by an operator'));
      assert.doesNotMatch(afterPause, /wrote blue=/, 'nothing moved forward while paused');
      assert.doesNotMatch(afterPause, /→ advance/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
      const status = await runCliProcess(['status', rollout], { env: sandbox.env });
      assert.match(status.stdout, /rollout sandbox-web: rolledBack/);
    } finally {
      driver.kill();
      cw.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN no traffic at all THEN every tick is inconclusive, it never promotes past step 1, and fails closed back to 100% blue, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-quiet-'));
    try {
      const scenario = join(dir, 'quiet.yaml');
      const base = readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8');
      assert.match(base, /rps: 200/);
      writeFileSync(scenario, base.replace('rps: 200', 'rps: 0'));
      const sandbox = await world(scenario);
      const r = await run(sandbox);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /tick \d\d:\d\d–\d\d:\d\d inconclusive: .*fewer than 50 requests/);
      assert.doesNotMatch(r.stdout, /tick \d\d:\d\d–\d\d:\d\d pass/);
      assert.doesNotMatch(r.stdout, /step 2\/4 wrote/);
      assert.match(r.stdout, /rolled back at step 1 of 4: .*inconclusive ticks in a row > inconclusiveLimit 5/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN no --yes and no terminal THEN it refuses before touching anything, exit 2', async () => {
    const sandbox = await world();
    const before = await liveWeights(sandbox);
    const r = await runCliProcess(['run', ROLLOUT], { env: sandbox.env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /confirm with --yes/);
    assert.deepEqual(await liveWeights(sandbox), before);
  });
});
