import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { requireTool } from '../helpers/cli-tools.ts';
import { REPO_ROOT, runCliProcess } from '../helpers/run-cli.ts';
import { redraws, screenOf } from '../helpers/terminal-screen.ts';

/**
 * The live view on a real pseudo-terminal: cutover runs under util-linux `script` (a pty of
 * 100×40, TERM=xterm-256color, NO_COLOR unset) and what it wrote is read back as a screen through
 * a headless xterm. Needs `script` (Debian: bsdutils; .ci/run checks for it).
 */
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const SIZE = { cols: 100, rows: 40 };

interface PtyRun {
  /** Everything written to the terminal so far. */
  raw(): string;
  exited: Promise<number | null>;
  /** Types on the terminal's keyboard (\x03 is Ctrl-C). */
  type(text: string): void;
  /** Closes the terminal (kills `script`, the pty's master side): the kernel hangs up on cutover. */
  close(): void;
  until(text: string, ms?: number): Promise<void>;
}

function inPty(args: string[], env: NodeJS.ProcessEnv = {}, opts: { sized?: boolean } = {}): PtyRun {
  const { NO_COLOR: _, ...base } = process.env;
  // Unsized, script's pty reports 0×0 (as `script -qec "cutover demo"` run from a pipe does).
  const stty = opts.sized === false ? '' : `stty cols ${SIZE.cols} rows ${SIZE.rows}; `;
  const command = `${stty}exec '${process.execPath}' --import tsx '${BIN}' ${args.join(' ')}`;
  const script = requireTool('script', 'apt-get install -y bsdutils (util-linux script)');
  const child = spawn(script, ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { ...base, ...env, TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout.on('data', (d) => {
    raw += d;
  });
  child.stderr.on('data', (d) => {
    raw += d;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve(code);
    }),
  );
  return {
    raw: () => raw,
    exited,
    type: (text) => child.stdin.write(text),
    close: () => child.kill('SIGKILL'),
    until: async (text, ms = 120_000) => {
      for (let waited = 0; waited < ms && !raw.includes(text); waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      if (!raw.includes(text)) throw new Error(`never showed ${JSON.stringify(text)}:\n${raw}`);
    },
  };
}

describe('the live view on a pseudo-terminal', () => {
  const cleanup: Array<() => Promise<void>> = [];
  after(async () => {
    for (const f of cleanup) await f();
  });

  it('GIVEN cutover demo in a terminal THEN it redraws one screen in place, ending at 100% green with the summary below', async () => {
    const pty = inPty(['demo', '--speed', '240']);
    assert.equal(await pty.exited, 0, pty.raw());
    const raw = pty.raw();
    // log-update drew frame after frame in place (synchronized updates, cursor moved up and lines erased).
    const drawn = redraws(raw);
    assert.ok(drawn.frames > 10 && drawn.cursorUp > 10 && drawn.eraseLine > 10 && drawn.painted, JSON.stringify(drawn));
    const screen = await screenOf(raw, SIZE);
    for (const line of screen) assert.ok(line.length <= SIZE.cols, line);
    assert.match(screen[0]!, /^demo: sandbox on http:\/\/127\.0\.0\.1:\d+ at 240×/);
    const top = screen.findIndex((l) => l.startsWith('sandbox-web  blue → green'));
    assert.ok(top > 0, screen.join('\n'));
    assert.equal(screen.filter((l) => l.startsWith('sandbox-web  ')).length, 1, 'one frame left on the screen');
    assert.match(screen[top + 1]!, /^step 4\/4 completed {3}✓ 5% {2}✓ 25% {2}✓ 50% {2}✓ 100%$/);
    assert.match(screen[top + 3]!, /^ +green █+ +100% {2}weight 1$/);
    assert.ok(
      screen.some((l) => /^green +\S+ [┼┤]/.test(l)),
      'green has its charts',
    );
    assert.equal(screen.at(-1), 'rollout sandbox-web completed: 100% on green');
  });

  it('GIVEN a terminal that reports 0×0 THEN the demo still draws its frames, 100 columns wide', async () => {
    const pty = inPty(['demo', '--speed', '480'], {}, { sized: false });
    assert.equal(await pty.exited, 0, pty.raw());
    const screen = await screenOf(pty.raw(), { cols: 120, rows: 40 });
    const top = screen.findIndex((l) => l.startsWith('sandbox-web  blue → green'));
    assert.ok(top > 0, screen.join('\n'));
    assert.equal(screen[top]!.length, 100, screen[top]);
    assert.match(screen[top + 1]!, /^step 4\/4 completed/);
    assert.equal(screen.at(-1), 'rollout sandbox-web completed: 100% on green');
  });

  it('GIVEN cutover run in a terminal without --yes WHEN Ctrl-C at its question THEN exit 130 and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-pty-'));
    const sandbox: Sandbox = await startSandbox({ speed: 60, dir: join(dir, 'sbx') });
    cleanup.push(async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pty = inPty(['run', 'rollouts/sandbox-web.yaml'], sandbox.env);
    await pty.until('Move live traffic? [y/N] ');
    assert.match(pty.raw(), /cutover run rollouts\/sandbox-web\.yaml moves live traffic:/);
    assert.match(pty.raw(), / {2}steps {4}5% → 25% → 50% → 100% on green/);
    pty.type('\x03');
    assert.equal(await pty.exited, 130, pty.raw());
    assert.match(pty.raw(), /error: interrupted before the question was answered; nothing was written/);
    const status = await runCliProcess(['status', 'rollouts/sandbox-web.yaml', '--output', 'json'], {
      env: sandbox.env,
    });
    const s = JSON.parse(status.stdout);
    assert.equal(s.phase, 'not started');
    assert.equal(s.lease, null);
    assert.deepEqual(s.routes[0].live, { blue: 100, green: 0 });
  });

  it('GIVEN cutover run in a terminal, answered y WHEN Ctrl-C mid-bake THEN exit 130, the last frame stays, the record is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-pty-'));
    const sandbox: Sandbox = await startSandbox({ speed: 60, dir: join(dir, 'sbx') });
    cleanup.push(async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pty = inPty(['run', 'rollouts/sandbox-web.yaml'], sandbox.env);
    await pty.until('Move live traffic? [y/N] ');
    pty.type('y\r');
    await pty.until('baking');
    pty.type('\x03');
    assert.equal(await pty.exited, 130, pty.raw());
    const screen = await screenOf(pty.raw(), SIZE);
    // The driver stopped as it does without the screen: lease let go, the summary below the frame.
    assert.match(
      screen.at(-1)!,
      /^(\^C)?rollout sandbox-web interrupted at step 1 of 4; run it again to resume from the recorded step$/,
    );
    assert.equal(screen.filter((l) => l.startsWith('sandbox-web  ')).length, 1, 'the frame stays');
    assert.ok(
      screen.some((l) => /^step 1\/4 baking/.test(l)),
      screen.join('\n'),
    );
    // The record stays on the routes: a new run resumes from it.
    const status = await runCliProcess(['status', 'rollouts/sandbox-web.yaml', '--output', 'json'], {
      env: sandbox.env,
    });
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout);
    assert.equal(s.phase, 'baking');
    assert.equal(s.step, 1);
    assert.deepEqual(s.routes[0].live, { blue: 19, green: 1 });
    assert.equal(s.lease, null, 'the lease was let go: a new run resumes at once');
  });

  it('GIVEN cutover run in a terminal WHEN the terminal closes mid-bake (SIGHUP) THEN it stops as on Ctrl-C: lease let go, record kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-pty-'));
    const sandbox: Sandbox = await startSandbox({ speed: 60, dir: join(dir, 'sbx') });
    cleanup.push(async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pty = inPty(['run', 'rollouts/sandbox-web.yaml', '--yes'], sandbox.env);
    await pty.until('baking');
    pty.close();
    await pty.exited;
    // Nobody sees cutover's exit code once its terminal is gone: the lease it let go tells.
    let s: { phase: string; step: number; lease: unknown; routes: Array<{ live: unknown }> } | undefined;
    for (let i = 0; i < 100; i++) {
      const status = await runCliProcess(['status', 'rollouts/sandbox-web.yaml', '--output', 'json'], {
        env: sandbox.env,
      });
      s = JSON.parse(status.stdout);
      if (s!.lease === null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(s!.lease, null, 'the lease was let go: a new run resumes at once');
    assert.equal(s!.phase, 'baking');
    assert.equal(s!.step, 1);
    assert.deepEqual(s!.routes[0]!.live, { blue: 19, green: 1 });
  });

  it('GIVEN cutover status --watch in a terminal THEN one screen of what the tags say, redrawn until Ctrl-C (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-pty-'));
    const sandbox: Sandbox = await startSandbox({ speed: 60, dir: join(dir, 'sbx') });
    cleanup.push(async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pty = inPty(['status', 'rollouts/sandbox-web.yaml', '--watch'], sandbox.env);
    await pty.until('not started');
    // A second read redraws the same screen (only its clock moves).
    await pty.until('\x1b[?2026h');
    const first = pty.raw().length;
    for (let i = 0; i < 200 && pty.raw().slice(first).indexOf('\x1b[?2026h') < 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    pty.type('\x03');
    assert.equal(await pty.exited, 0, pty.raw());
    assert.ok(redraws(pty.raw()).frames >= 2, 'read and drawn twice');
    const screen = await screenOf(pty.raw(), SIZE);
    assert.equal(screen.filter((l) => l.startsWith('sandbox-web  ')).length, 1, screen.join('\n'));
    assert.match(screen[0]!, /^sandbox-web {2}blue → green +no driver$/);
    assert.match(screen[1]!, /^step –\/4 not started/);
    assert.match(screen[2]!, /^route web {2}blue {2}█+ +100% {2}weight 100$/);
    assert.ok(
      screen.some((l) => /^gates {2}shown by the driver/.test(l)),
      screen.join('\n'),
    );
    assert.ok(
      screen.some((l) => /^state {2}nothing recorded on the routes/.test(l)),
      screen.join('\n'),
    );
  });
});
