import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CutoverError } from '../../src/errors.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { checkNotInUse, prepareDir } from '../../src/sandbox/sandbox-dir.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { runCli } from '../helpers/run-cli.ts';

const STACK = /\n\s+at /;
const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

describe('cutover sandbox --dir: a bad DIR is a usage error before anything listens', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-dir-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 naming the path when DIR is a regular file, and does not keep running', async () => {
    // GIVEN --dir names an existing file
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    // WHEN the sandbox starts THEN it exits 2 at once (before: "internal error: EEXIST", servers left listening)
    const r = await runCli(['sandbox', '--dir', file], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^error: cannot use ${file} as the sandbox directory: it is a file, not a directory$`, 'm'),
    );
    assert.match(r.stderr, /^hint: pass --dir a directory you can write to/m);
    assert.doesNotMatch(r.stderr, /internal error|this is a bug/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.equal(r.stdout, '');
  });

  it('exits 2 for a DIR that cannot be created (/proc/nope), without looping in mkdir', async () => {
    const t0 = Date.now();
    const r = await runCli(['sandbox', '--dir', '/proc/nope/deeper'], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: cannot use \/proc\/nope\/deeper as the sandbox directory: cannot create \/proc\/nope \(ENOENT/m,
    );
    assert.ok(Date.now() - t0 < 25_000);
  });

  it('exits 2 when a file of DIR cannot be written, after closing the servers it had started', async () => {
    // GIVEN DIR/kubeconfig is a directory, so writing it fails once the servers are up
    const d = join(dir, 'kc-is-a-dir');
    mkdirSync(join(d, 'kubeconfig'), { recursive: true });
    const r = await runCli(['sandbox', '--dir', d], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: cannot write .*kubeconfig \(EISDIR/m);
  });

  it('closes every server it started when startSandbox fails (in process)', async () => {
    const d = join(dir, 'kc-is-a-dir-2');
    mkdirSync(join(d, 'kubeconfig'), { recursive: true });
    const before = servers();
    await assert.rejects(
      startSandbox({ clock: new ManualClock(Date.UTC(2026, 0, 1, 12)), dir: d }),
      (e: unknown) => e instanceof CutoverError && e.code === 'E_SANDBOX_DIR' && e.exitCode === 2,
    );
    // Closed handles leave the list on a later turn of the event loop.
    for (let i = 0; i < 40 && servers() > before; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(servers(), before);
  });

  it('creates each missing level of DIR', () => {
    const d = join(dir, 'x', 'y', 'z');
    prepareDir(d);
    assert.ok(statSync(d).isDirectory());
  });
});

describe('one sandbox per DIR', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-busy-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a DIR a live sandbox uses, marks the files stopped on close, then lets the next one start', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const first = await startSandbox({ clock, dir });
    let closed = false;
    try {
      // WHEN a second sandbox starts with the same DIR THEN it is refused (exit 2), the first one's files intact
      const envBefore = readFileSync(join(dir, 'env'), 'utf8');
      await assert.rejects(startSandbox({ clock, dir }), (e: unknown) => {
        assert.ok(e instanceof CutoverError);
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, `a sandbox (pid ${process.pid}) is already running with ${dir}`);
        assert.match(e.hint ?? '', /stop it or use another --dir/);
        return true;
      });
      assert.equal(readFileSync(join(dir, 'env'), 'utf8'), envBefore);
      // WHEN the first one stops THEN its files say so
      await first.close();
      closed = true;
      const info = JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8'));
      assert.equal(info.stopped, true);
      assert.equal(info.pid, process.pid);
      assert.match(info.stoppedAt, /^\d{4}-\d\d-\d\dT/);
      const env = readFileSync(join(dir, 'env'), 'utf8');
      assert.match(env.split('\n')[0]!, /^# cutover sandbox STOPPED at \S+: these endpoints are gone/);
      const sourced = spawnSync('sh', ['-c', '. "$1"', 'sh', join(dir, 'env')], { encoding: 'utf8' });
      assert.match(sourced.stderr, /cutover: the sandbox that wrote this file stopped at /);
      // AND a new sandbox may use the DIR
      const second = await startSandbox({ clock, dir });
      assert.equal(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')).stopped, false);
      await second.close();
    } finally {
      if (!closed) await first.close();
    }
  });

  it('ignores a sandbox.json whose pid is gone (a crashed sandbox)', () => {
    const d = join(dir, 'stale');
    mkdirSync(d);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(d, 'sandbox.json'), JSON.stringify({ pid: Number(child.stdout), stopped: false }));
    assert.doesNotThrow(() => checkNotInUse(d));
    writeFileSync(join(d, 'sandbox.json'), JSON.stringify({ pid: process.pid, stopped: false }));
    assert.throws(() => checkNotInUse(d), /is already running/);
  });
});
