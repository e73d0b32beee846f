import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  DescribeListenersCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { askYesNo, describeRun } from '../../src/cli/confirm.ts';
import { runCli } from '../../src/cli/main.ts';
import { ExitCode } from '../../src/errors.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadRolloutFile } from '../../src/spec/load.ts';
import { SystemClock } from '../../src/util/clock.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';

/**
 * `cutover run FILE` at a terminal without --yes: it says what it will do and asks; only y/yes
 * moves traffic. The terminal is played in-process (stdout and stdin say they are TTYs, stdin a
 * stream the test types into), as live-run.test.ts does; the real pseudo-terminal (Ctrl-C at the
 * question) is in live-view.clients.test.ts.
 */
const ROLLOUT = 'rollouts/sandbox-web.yaml';
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';

const dirs: string[] = [];
const sandboxes: Sandbox[] = [];
async function world(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-confirm-'));
  dirs.push(dir);
  const sandbox = await startSandbox({ speed: 240, dir: join(dir, 'sbx') });
  sandboxes.push(sandbox);
  return sandbox;
}

/** A keyboard: `isTTY` like a terminal's stdin; `type` sends text, `end` is Ctrl-D on an empty line. */
function keyboard(): PassThrough & { isTTY: boolean } {
  return Object.assign(new PassThrough(), { isTTY: true });
}

async function runAtTerminal(sandbox: Sandbox, args: string[], stdin: PassThrough, onQuestion?: () => void) {
  let out = '';
  let err = '';
  Object.assign(process.env, sandbox.env);
  const code = await runCli(args, {
    stdout: { isTTY: true, columns: 100, rows: 40, write: (t: string) => (out += t) },
    stderr: {
      write: (t: string) => {
        err += t;
        if (t.includes('Move live traffic? [y/N]')) onQuestion?.();
      },
    },
    stdin,
    env: { ...process.env, ...sandbox.env, NO_COLOR: '1', CUTOVER_HOLDER: 'alice@laptop' },
    cwd: REPO_ROOT,
  });
  return { code, out, err };
}

/** The listener's weights by target group name, and its cutover.dev/ tags. */
async function listener(sandbox: Sandbox) {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
  try {
    const l = await elb.send(new DescribeListenersCommand({ ListenerArns: [LISTENER] }));
    const fwd = l.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
    const weights = Object.fromEntries(
      (fwd?.ForwardConfig?.TargetGroups ?? []).map((t) => [t.TargetGroupArn!.split('/')[1]!, t.Weight ?? 1]),
    );
    const t = await elb.send(new DescribeTagsCommand({ ResourceArns: [LISTENER] }));
    const tags = (t.TagDescriptions?.[0]?.Tags ?? []).map((x) => x.Key!).filter((k) => k.startsWith('cutover.dev/'));
    return { weights, tags };
  } finally {
    elb.destroy();
  }
}

describe('cutover run at a terminal without --yes: the question', () => {
  after(async () => {
    for (const s of sandboxes) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const [answer, typed] of [
    ['n', 'n\n'],
    ['an empty line (the default is no)', '\n'],
    ['"yep"', 'yep\n'],
  ] as const) {
    it(`GIVEN the answer ${answer} THEN exit 2 "not confirmed", and nothing is written to AWS`, async () => {
      const sandbox = await world();
      const stdin = keyboard();
      const r = await runAtTerminal(sandbox, ['run', ROLLOUT], stdin, () => stdin.write(typed));
      assert.equal(r.code, ExitCode.invalid, r.err);
      assert.match(r.err, /^Move live traffic\? \[y\/N\] error: not confirmed; nothing was written/m);
      assert.match(r.err, /^hint: answer y or yes .*--yes skips the question/m);
      if (typed.trim()) assert.match(r.err, new RegExp(`\\(got "${typed.trim()}"\\)`));
      assert.equal(r.out, '', 'no progress: the driver never started');
      assert.deepEqual(await listener(sandbox), { weights: { 'web-blue': 100, 'web-green': 0 }, tags: [] });
    });
  }

  it('GIVEN end of input (Ctrl-D) THEN exit 2 "not confirmed (no answer: end of input)", nothing written', async () => {
    const sandbox = await world();
    const stdin = keyboard();
    const r = await runAtTerminal(sandbox, ['run', ROLLOUT], stdin, () => stdin.end());
    assert.equal(r.code, ExitCode.invalid, r.err);
    assert.match(r.err, /^error: not confirmed \(no answer: end of input\); nothing was written$/m);
    assert.deepEqual(await listener(sandbox), { weights: { 'web-blue': 100, 'web-green': 0 }, tags: [] });
  });

  it('GIVEN y THEN the question said what the run does (rollout, route, from → to, steps, start, lease holder), then it runs to 100% green', async () => {
    const sandbox = await world();
    const stdin = keyboard();
    let asked = '';
    const r = await runAtTerminal(sandbox, ['run', ROLLOUT], stdin, () => {
      asked = 'before the answer';
      stdin.write('Y\n');
    });
    assert.equal(asked, 'before the answer');
    assert.equal(r.code, 0, r.err);
    const question = r.err.slice(0, r.err.indexOf('Move live traffic?'));
    assert.equal(
      question,
      [
        `cutover run ${ROLLOUT} moves live traffic:`,
        '  rollout  sandbox-web: blue → green',
        `  route    web (${LISTENER})`,
        '  steps    5% → 25% → 50% → 100% on green',
        '  start    at step 1/4 (5% on green): nothing recorded on the routes',
        '  lease    held as alice@laptop',
        '',
      ].join('\n'),
    );
    assert.match(r.out, /rollout sandbox-web completed: 100% on green/);
    assert.deepEqual((await listener(sandbox)).weights, { 'web-blue': 0, 'web-green': 1 });
  });

  it('GIVEN --output json at a terminal THEN the question goes to stderr and stdout stays JSON lines', async () => {
    const sandbox = await world();
    const stdin = keyboard();
    const r = await runAtTerminal(sandbox, ['run', ROLLOUT, '-o', 'json'], stdin, () => stdin.write('no\n'));
    assert.equal(r.code, ExitCode.invalid, r.err);
    assert.match(r.err, /Move live traffic\? \[y\/N\] /);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, r.out);
    const result = JSON.parse(lines[0]!);
    assert.equal(result.type, 'result');
    assert.equal(result.exitCode, ExitCode.invalid);
    assert.equal(result.error.code, 'E_NOT_CONFIRMED');
  });

  it('GIVEN stdin is not a terminal (stdout is) THEN it does not ask: --yes is needed, exit 2', async () => {
    const sandbox = await world();
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    const r = await runAtTerminal(sandbox, ['run', ROLLOUT], stdin);
    assert.equal(r.code, ExitCode.invalid, r.err);
    assert.doesNotMatch(r.err, /Move live traffic/);
    assert.match(r.err, /confirm with --yes when not at a terminal/);
  });

  it('GIVEN cutover demo at a terminal THEN it never asks', async () => {
    const sandbox = await world();
    const stdin = keyboard();
    const r = await runAtTerminal(sandbox, ['demo', '--speed', '480'], stdin);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err + r.out, /Move live traffic/);
  });
});

describe('the question itself', () => {
  it('GIVEN a signal (Ctrl-C) before the answer THEN interrupted, nothing more read', async () => {
    const abort = new AbortController();
    let written = '';
    const stdin = keyboard();
    const asked = askYesNo({ stdin, write: (t) => (written += t), signal: abort.signal }, 'Go? [y/N] ');
    abort.abort(Object.assign(new Error('interrupted by SIGINT'), { signal: 'SIGINT' }));
    assert.deepEqual(await asked, { kind: 'interrupted' });
    assert.equal(written, 'Go? [y/N] \n');
  });

  for (const [typed, kind] of [
    ['y\n', 'yes'],
    ['YES\n', 'yes'],
    ['  yes  \n', 'yes'],
    ['yes please\n', 'no'],
    ['n\n', 'no'],
  ] as const) {
    it(`GIVEN ${JSON.stringify(typed)} THEN ${kind}`, async () => {
      const stdin = keyboard();
      const asked = askYesNo({ stdin, write: () => {}, signal: new AbortController().signal }, '? ');
      stdin.write(typed);
      assert.equal((await asked).kind, kind);
    });
  }

  it('GIVEN a run recorded mid-rollout, a pending command and a live lease of another holder THEN it says it resumes, what waits and that it will be refused', async () => {
    const plan = buildPlan((await loadRolloutFile(join(REPO_ROOT, ROLLOUT))).rollout);
    const lines = describeRun(
      { plan, holder: 'alice@laptop', clock: new SystemClock() },
      {
        state: { rollout: 'sandbox-web', phase: 'baking', step: 1 },
        lease: { holder: 'ci/web', expiresAt: Date.now() + 30_000 },
        command: { command: 'promote', by: 'bob@desk' },
      },
    );
    assert.deepEqual(lines.slice(3), [
      '  resume   at step 2/4 (25% on green), recorded baking',
      '  command  promote (sent by bob@desk) is waiting: the run acts on it',
      '  lease    held as alice@laptop; now held by ci/web, so the run will be refused until it lapses',
    ]);
  });
});
