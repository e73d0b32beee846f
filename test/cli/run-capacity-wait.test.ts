import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode } from '../../src/errors.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { REPO_ROOT, runCliProcess } from '../helpers/run-cli.ts';

/**
 * A preflight that waits for capacity (green has 4 healthy targets, the file asks 5, for up to
 * 2 minutes) on the sandbox: the plain lines say the wait once and then once a minute, not once
 * per 5-second poll; `--output json` keeps every poll's event.
 */
const dir = mkdtempSync(join(tmpdir(), 'cutover-wait-'));
const file = join(dir, 'short.yaml');
writeFileSync(
  file,
  readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8').replace(
    'capacity: {minHealthyTargets: 2, headroom: 1.0, wait: 2m}',
    'capacity: {minHealthyTargets: 5, headroom: 1.0, wait: 2m}',
  ),
);
const sandboxes: Sandbox[] = [];
async function world(): Promise<Sandbox> {
  const sandbox = await startSandbox({ speed: 240, dir: join(dir, `sbx-${sandboxes.length}`) });
  sandboxes.push(sandbox);
  return sandbox;
}

after(async () => {
  for (const s of sandboxes) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cutover run waiting 2 minutes for capacity', () => {
  it('GIVEN plain lines THEN the wait is said once, then at most once a minute, and the run stops short, exit 3', async () => {
    const r = await runCliProcess(['run', file, '--yes'], { env: (await world()).env, timeoutMs: 120_000 });
    assert.equal(r.code, ExitCode.rolledBack, r.stdout + r.stderr);
    const waiting = r.stdout.split('\n').filter((l) => / preflight (still )?waiting/.test(l));
    assert.match(
      waiting[0]!,
      /^\d\d:\d\d:\d\d step 1\/4 preflight waiting: cluster green on route web has 4 healthy targets, needs 5 for 5%$/,
    );
    assert.ok(waiting.length >= 2 && waiting.length <= 3, waiting.join('\n'));
    for (const l of waiting.slice(1)) assert.match(l, / preflight still waiting \(1m(\d+s)?\): cluster green/);
    assert.match(r.stdout, /no traffic moved/);
  });

  it('GIVEN --output json THEN every poll is an event, more than the plain lines say', async () => {
    const r = await runCliProcess(['run', file, '--yes', '-o', 'json'], {
      env: (await world()).env,
      timeoutMs: 120_000,
    });
    assert.equal(r.code, ExitCode.rolledBack, r.stderr);
    const polls = r.stdout.split('\n').filter((l) => l.includes('"type":"preflight","step":0,"ok":false'));
    // 24 polls nominally (every 5 s for 2 min); each poll's API calls take virtual time at 240×,
    // so a loaded machine gets fewer — but more than the ≤ 3 lines the plain output keeps.
    assert.ok(polls.length >= 4, `${polls.length} preflight events`);
  });
});
