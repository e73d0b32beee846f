import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode } from '../../src/errors.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { runCliProcess, startCliProcess } from '../helpers/run-cli.ts';

/**
 * `cutover run` stopped by a hang-up (terminal closed, SSH dropped) as by Ctrl-C or SIGTERM: it
 * stops where it is, lets its lease go, says how to go on and exits 129; the next run resumes at
 * once. A real process on the sandbox, sent the signal (the closed terminal itself is in
 * live-view.clients.test.ts).
 */
const ROLLOUT = 'rollouts/sandbox-web.yaml';

const worlds: Array<{ sandbox: Sandbox; dir: string }> = [];
async function world(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-hup-'));
  const sandbox = await startSandbox({ speed: 120, dir: join(dir, 'sbx') });
  worlds.push({ sandbox, dir });
  return sandbox;
}

async function status(sandbox: Sandbox) {
  const r = await runCliProcess(['status', ROLLOUT, '--output', 'json'], { env: sandbox.env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { phase: string; step: number; lease: unknown; routes: Array<{ live: unknown }> };
}

describe('cutover run and a hang-up (SIGHUP)', () => {
  after(async () => {
    for (const { sandbox, dir } of worlds) {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN a run baking WHEN SIGHUP THEN exit 129, the "run it again" line, the lease let go, and a new run resumes at once', async () => {
    const sandbox = await world();
    const driver = startCliProcess(['run', ROLLOUT, '--yes'], { env: sandbox.env });
    try {
      await driver.until('step 1/4 baking');
      driver.kill('SIGHUP');
      assert.equal(await driver.exited, ExitCode.hungUp, driver.out());
      assert.match(
        driver.out(),
        /^rollout sandbox-web interrupted at step 1 of 4; run it again to resume from the recorded step$/m,
      );
    } finally {
      driver.kill();
    }
    const s = await status(sandbox);
    assert.equal(s.phase, 'baking');
    assert.equal(s.step, 1);
    assert.equal(s.lease, null, 'the lease was let go');
    assert.deepEqual(s.routes[0]!.live, { blue: 19, green: 1 });
    // Another process (another holder) is not refused: it resumes the bake of step 1.
    const again = await runCliProcess(['run', ROLLOUT, '--yes'], { env: sandbox.env, timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /resuming the bake of step 1\/4/);
    assert.doesNotMatch(again.stdout, /step 1\/4 wrote/);
  });

  it('GIVEN --output json WHEN SIGHUP THEN the last line is the result: interrupted, exit code 129 and the reason', async () => {
    const sandbox = await world();
    const driver = startCliProcess(['run', ROLLOUT, '--yes', '--output', 'json'], { env: sandbox.env });
    try {
      await driver.until('"phase":"baking"');
      driver.kill('SIGHUP');
      assert.equal(await driver.exited, ExitCode.hungUp, driver.out());
    } finally {
      driver.kill();
    }
    const last = JSON.parse(driver.out().trim().split('\n').at(-1)!);
    assert.equal(last.type, 'result');
    assert.equal(last.outcome, 'failed');
    assert.equal(last.interrupted, true);
    assert.equal(last.exitCode, ExitCode.hungUp);
    assert.match(last.reason, /interrupted; run again to resume from the recorded step/);
  });
});
