import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode } from '../../src/errors.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { runCliProcess, startCliProcess } from '../helpers/run-cli.ts';

/**
 * Operator commands sent while no driver runs wait on the route for the next `cutover run`, one at
 * a time: a second is refused naming the first (abort excepted: it always goes through), and
 * `cutover status` shows the one waiting. Real processes on the sandbox.
 */
const ROLLOUT = 'rollouts/sandbox-web.yaml';

const worlds: Array<{ sandbox: Sandbox; dir: string }> = [];
/** A sandbox whose rollout was started and stopped (SIGTERM) while baking step 1: no driver runs. */
async function stoppedMidRollout(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pending-'));
  const sandbox = await startSandbox({ speed: 120, dir: join(dir, 'sbx') });
  worlds.push({ sandbox, dir });
  const driver = startCliProcess(['run', ROLLOUT, '--yes'], { env: sandbox.env });
  try {
    await driver.until('step 1/4 baking');
    driver.kill('SIGTERM');
    assert.equal(await driver.exited, ExitCode.terminated, driver.out());
  } finally {
    driver.kill();
  }
  return sandbox;
}

const cli = (sandbox: Sandbox, ...args: string[]) => runCliProcess(args, { env: sandbox.env, timeoutMs: 120_000 });

describe('operator commands with no driver running', () => {
  after(async () => {
    for (const { sandbox, dir } of worlds) {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN promote sent WHEN pause is sent THEN it is refused naming the promote; status shows it; the next run acts on the promote', async () => {
    const sandbox = await stoppedMidRollout();
    const promoted = await cli(sandbox, 'promote', ROLLOUT);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /^promote: no driver is running; the next `cutover run .*` acts on it$/m);

    const paused = await cli(sandbox, 'pause', ROLLOUT);
    assert.equal(paused.code, ExitCode.invalid, paused.stdout + paused.stderr);
    assert.match(
      paused.stderr,
      /^error: a promote command \(sent by .+ at \d{4}-\d\d-\d\dT[\d:.]+Z\) is waiting for the next `cutover run rollouts\/sandbox-web\.yaml` \(got "pause"\)$/m,
    );
    assert.match(paused.stderr, /^hint: run the rollout to act on it first; `cutover abort .*` always goes through/m);

    const text = await cli(sandbox, 'status', ROLLOUT);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^command: promote sent by .+ at .+Z, waiting for the next `cutover run`$/m);
    const json = JSON.parse((await cli(sandbox, 'status', ROLLOUT, '-o', 'json')).stdout);
    assert.equal(json.command.command, 'promote');

    const run = await cli(sandbox, 'run', ROLLOUT, '--yes');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /operator command: promote/);
    assert.doesNotMatch(run.stdout, /operator command: pause|paused/);
    assert.match(run.stdout, /rollout sandbox-web completed/);
    const after = JSON.parse((await cli(sandbox, 'status', ROLLOUT, '-o', 'json')).stdout);
    assert.equal(after.command, null, 'taken');
  });

  it('GIVEN promote waiting WHEN abort is sent THEN abort wins: it rolls back from here, exit 4, and nothing waits any more', async () => {
    const sandbox = await stoppedMidRollout();
    assert.equal((await cli(sandbox, 'promote', ROLLOUT)).code, 0);
    const aborted = await cli(sandbox, 'abort', ROLLOUT);
    assert.equal(aborted.code, ExitCode.aborted, aborted.stdout + aborted.stderr);
    assert.match(aborted.stdout, /abort: no driver is running; rolling back from here/);
    const s = JSON.parse((await cli(sandbox, 'status', ROLLOUT, '-o', 'json')).stdout);
    assert.equal(s.phase, 'aborted');
    assert.equal(s.command, null);
    assert.deepEqual(s.routes[0].live, { blue: 1, green: 0 });
  });
});
