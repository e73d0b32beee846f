import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.ts';
import type { DriverEvent } from '../../src/engine/events.ts';
import { PERIOD_MS } from '../../src/gates/windows.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { hasEscapes, redraws, screenOf } from '../helpers/terminal-screen.ts';

/**
 * `cutover run` on the sandbox as the live view's sources see it: stdout a terminal (a stream
 * that says it is a TTY, read back through a headless xterm as a person would see it), and
 * `--output json` (the events the view is reduced from, with the traffic its charts draw).
 */
const ROLLOUT = 'rollouts/sandbox-web.yaml';
const SPEED = 240;

const dirs: string[] = [];
const sandboxes: Sandbox[] = [];
async function world(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-live-'));
  dirs.push(dir);
  const sandbox = await startSandbox({ speed: SPEED, dir: join(dir, 'sbx') });
  sandboxes.push(sandbox);
  return sandbox;
}

async function run(sandbox: Sandbox, args: string[], stdout: { isTTY?: boolean; columns?: number; rows?: number }) {
  let out = '';
  let err = '';
  // In this process the AWS SDK reads its credentials and endpoints from process.env itself.
  Object.assign(process.env, sandbox.env);
  const code = await runCli(['run', ROLLOUT, '--yes', ...args], {
    stdout: { ...stdout, write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { ...process.env, ...sandbox.env, NO_COLOR: '', TERM: 'xterm-256color' },
    cwd: REPO_ROOT,
  });
  return { code, out, err };
}

describe('cutover run: the live view and its events', () => {
  after(async () => {
    for (const s of sandboxes) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('GIVEN a terminal THEN one screen is redrawn in place, ends at 100% green, and the summary follows it', async () => {
    const sandbox = await world();
    const r = await run(sandbox, [], { isTTY: true, columns: 100, rows: 40 });
    assert.equal(r.code, 0, r.out + r.err);
    // log-update redrew: it moved the cursor up and erased lines, many times, with colour.
    const drawn = redraws(r.out);
    assert.ok(drawn.cursorUp > 20 && drawn.eraseLine > 20 && drawn.frames > 20 && drawn.painted, JSON.stringify(drawn));
    const screen = await screenOf(r.out, { cols: 100, rows: 40 });
    for (const line of screen) assert.ok(line.length <= 100, line);
    assert.match(screen[0]!, /^sandbox-web {2}blue → green +driver .+@.+\/\d+$/);
    assert.match(screen[1]!, /^step 4\/4 completed {3}✓ 5% {2}✓ 25% {2}✓ 50% {2}✓ 100%$/);
    assert.match(screen[3]!, /^ +green █+ +100% {2}weight 1$/);
    assert.ok(
      screen.some((l) => /^ +step +1 +2 +3 +4/.test(l)),
      `each step written marked under the charts:\n${screen.join('\n')}`,
    );
    assert.equal(screen.at(-1), 'rollout sandbox-web completed: 100% on green');
    assert.match(screen.at(-2)!, /^ {7}\d\d:\d\d:\d\d step 4\/4 tick .* pass/);
    // Nothing of the frame before the last is left over: the screen is one frame and the summary.
    assert.equal(screen.filter((l) => l.startsWith('sandbox-web  ')).length, 1);
  });

  it('GIVEN --output json THEN ticks carry every minute of each cluster since the start, without a gap', async () => {
    const sandbox = await world();
    const r = await run(sandbox, ['--output', 'json'], { isTTY: true, columns: 100 });
    assert.equal(r.code, 0, r.err);
    assert.ok(!hasEscapes(r.out), 'no screen with --output json');
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DriverEvent & { time: string });
    const minutes = (cluster: string) =>
      events.flatMap((e) => (e.type === 'tick' ? (e.result.traffic?.[cluster] ?? []) : []));
    for (const cluster of ['blue', 'green']) {
      const starts = [...new Set(minutes(cluster).map((m) => m.startMs))].sort((a, b) => a - b);
      assert.ok(starts.length >= 10, `${cluster}: ${starts.length} minutes`);
      for (let i = 1; i < starts.length; i++) assert.equal(starts[i]! - starts[i - 1]!, PERIOD_MS, `${cluster} gap`);
    }
    // The traffic is the clusters' own: green carries at most 5% in the first minute (step 1 is
    // written in it) and nearly all at the end.
    const green = minutes('green');
    const blue = minutes('blue');
    assert.ok(green[0]!.requests < 0.1 * blue[0]!.requests, JSON.stringify([green[0], blue[0]]));
    assert.ok(green.at(-1)!.requests > 20 * (blue.at(-1)!.requests + 1), JSON.stringify([green.at(-1), blue.at(-1)]));
    const baking = events.filter((e) => e.type === 'phase' && e.phase === 'baking');
    assert.equal(baking.length, 4);
    for (const e of baking) assert.ok(e.type === 'phase' && e.nextTickAt && e.bakeEndsAt, JSON.stringify(e));
  });
});
