import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCliProcess } from '../helpers/run-cli.ts';

const STACK = /\n\s+at /;

/**
 * The few things only the real process shows: its exit status, that nothing it prints carries a
 * stack trace, and how it ends on a signal. Everything else the CLI prints is tested in-process.
 */
describe('the cutover process', () => {
  it('GIVEN --help THEN exit 0 and the commands on stdout', async () => {
    const r = await runCliProcess(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cutover <command> \[options\]/);
    assert.match(r.stdout, /cutover validate <files\.\.>/);
  });

  it('GIVEN an invalid file THEN exit 2, file:line:col and no stack trace', async () => {
    const r = await runCliProcess(['plan', 'test/plan/fixtures/bad-step.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad-step\.yaml:17:16: error: spec\.steps\[1\]\.weight must not go down/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  it('GIVEN an unknown command THEN exit 2, no stack trace', async () => {
    const r = await runCliProcess(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown command "frobnicate"/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  it('GIVEN CUTOVER_DEBUG=1 THEN a usage error carries its stack', async () => {
    const r = await runCliProcess(['sandbox', '--speed', '0'], { env: { CUTOVER_DEBUG: '1' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, STACK);
  });

  it('GIVEN Ctrl-C (SIGINT) while a command waits THEN it says it was interrupted and exits 130', async () => {
    // GIVEN validate reading a FIFO nobody writes to: it waits for ever
    const dir = mkdtempSync(join(tmpdir(), 'cutover-sigint-'));
    const fifo = join(dir, 'rollout.yaml');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const bin = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'validate', fifo], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      // Opening the FIFO for writing completes once cutover has opened it for reading.
      const writer = await open(fifo, 'w');
      const closed = once(child, 'close');
      // WHEN Ctrl-C
      child.kill('SIGINT');
      // THEN it says so at once (its blocked read of the FIFO holds the process until the writer
      // closes: Node joins its I/O threads on exit; had SIGINT been ignored, validate would now
      // read an empty file and exit 2)
      while (!stderr.includes('interrupted')) await new Promise((r) => setTimeout(r, 20));
      await writer.close();
      const [code, signal] = await closed;
      // AND exits 130 (128 + SIGINT), not killed by the signal, with a message instead of a stack
      assert.deepEqual([code, signal], [130, null]);
      assert.equal(stderr, `error: interrupted by SIGINT before "cutover validate" finished\n`);
    } finally {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
