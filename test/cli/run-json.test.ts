import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode } from '../../src/errors.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { REPO_ROOT, runCliProcess } from '../helpers/run-cli.ts';

/**
 * `cutover run --output json` ends every way with one last `result` event: the outcome, the exit
 * code and the reason, and for an error its message and hint (the same as stderr says) — for a
 * machine reading stdout alone (a Job's log collector, a CI step). A real process on the sandbox.
 */
const ROLLOUT = 'rollouts/sandbox-web.yaml';
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';

const dir = mkdtempSync(join(tmpdir(), 'cutover-json-'));
const sandboxes: Sandbox[] = [];
async function world(scenario?: string): Promise<Sandbox> {
  const sandbox = await startSandbox({
    speed: 240,
    dir: join(dir, `sbx-${sandboxes.length}`),
    ...(scenario ? { scenario: join(REPO_ROOT, scenario) } : {}),
  });
  sandboxes.push(sandbox);
  return sandbox;
}

interface Result {
  type: string;
  outcome: string;
  exitCode: number;
  reason?: string;
  error?: { code?: string; message: string; hint?: string; internal: boolean; diagnostics?: unknown[] };
}

/** Runs `cutover run … --output json`; every stdout line must be JSON, the last one the result. */
async function runJson(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await runCliProcess(['run', ...args, '--output', 'json'], { env, timeoutMs: 120_000 });
  const events = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { type: string });
  const last = events.at(-1) as Result | undefined;
  assert.equal(last?.type, 'result', `the last line is the result:\n${r.stdout}`);
  assert.equal(events.filter((e) => e.type === 'result').length, 1, 'one result');
  assert.equal(last.exitCode, r.code, 'the result carries the exit code');
  return { ...r, events, last };
}

after(async () => {
  for (const s of sandboxes) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cutover run --output json: the last event says how it ended', () => {
  it('GIVEN an invalid rollout file THEN result failed, exit 2, the error with its diagnostics', async () => {
    const r = await runJson(['test/plan/fixtures/bad-step.yaml', '--yes']);
    assert.equal(r.code, ExitCode.invalid, r.stderr);
    assert.equal(r.last.outcome, 'failed');
    assert.equal(r.last.error?.code, 'E_INVALID_INPUT');
    assert.match(JSON.stringify(r.last.error?.diagnostics), /weight must not go down/);
    assert.match(r.stderr, /bad-step\.yaml:17:16: error:/, 'stderr says it as before');
    assert.match(r.last.reason!, /^.*bad-step\.yaml:17:16: error: spec\.steps\[1\]\.weight must not go down .*$/m);
    assert.match(r.last.reason!, /\n1 error found$/);
  });

  it('GIVEN no --yes and no terminal THEN result failed, exit 2, message and hint', async () => {
    const r = await runJson([ROLLOUT]);
    assert.equal(r.code, ExitCode.invalid);
    assert.equal(r.last.error?.code, 'E_USAGE');
    assert.match(r.last.error!.message, /confirm with --yes when not at a terminal/);
    assert.match(r.last.error!.hint!, /cutover plan/);
    assert.equal(r.last.reason, r.last.error!.message, 'the reason is the message (no value to show)');
  });

  it('GIVEN a listener that does not exist THEN after the failed phase comes the result: exit 2, the error and hint stderr shows', async () => {
    const sandbox = await world();
    const file = join(dir, 'no-listener.yaml');
    const missing = LISTENER.replace(/[0-9a-f]{16}$/, '0000000000000000');
    writeFileSync(file, readFileSync(join(REPO_ROOT, ROLLOUT), 'utf8').replace(LISTENER, missing));
    const r = await runJson([file, '--yes'], sandbox.env);
    assert.equal(r.code, ExitCode.invalid, r.stderr);
    const failed = r.events.findIndex((e) => e.type === 'phase' && (e as { phase?: string }).phase === 'failed');
    assert.ok(failed >= 0 && failed === r.events.length - 2, r.stdout);
    assert.equal(r.last.outcome, 'failed');
    assert.ok(r.last.error?.code?.startsWith('E_'), JSON.stringify(r.last));
    assert.equal(r.last.error?.internal, false);
    const stderr = /^error: (.*)\nhint: (.*)$/m.exec(r.stderr);
    assert.ok(stderr, r.stderr);
    assert.ok(stderr[1]!.startsWith(r.last.error!.message), `${stderr[1]} / ${r.last.error!.message}`);
    assert.equal(stderr[2], r.last.error!.hint);
  });

  it('GIVEN a healthy run THEN result completed, exit 0', async () => {
    const sandbox = await world();
    const r = await runJson([ROLLOUT, '--yes'], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.last.outcome, 'completed');
  });

  it('GIVEN green regresses at 25% THEN result rolledBack, exit 3, the gate as reason', async () => {
    const sandbox = await world('scenarios/green-regresses-under-traffic.yaml');
    const r = await runJson([ROLLOUT, '--yes'], sandbox.env);
    assert.equal(r.code, ExitCode.rolledBack, r.stderr);
    assert.equal(r.last.outcome, 'rolledBack');
    assert.match(r.last.reason!, /target5xxRate|compare5xx/);
  });
});
