import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { banner, shownPath } from '../../src/cli/commands/sandbox.ts';
import { envFileText } from '../../src/sandbox/env-file.ts';
import { ScaledClock } from '../../src/util/clock.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { startSandboxCli } from './start-cli.ts';

/** `sandbox_now` from an env file, run by `shell` (PATH may be changed to fake `date`). */
function sandboxNow(shell: string, envFile: string, path = process.env.PATH): number {
  const r = spawnSync(shell, ['-c', '. "$1" 2>/dev/null; sandbox_now', shell, envFile], {
    encoding: 'utf8',
    env: { PATH: path },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\n$/);
  return Number(r.stdout);
}

describe('the env file: sandbox_now prints the virtual time', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-env-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [shell, speed] of [
    ['sh', 0.5],
    ['bash', 0.5],
    ['sh', 3600],
    ['bash', 1],
  ] as const) {
    it(`computes it from CUTOVER_CLOCK in ${shell} at speed ${speed}`, () => {
      // GIVEN a clock that started in 2020, ten wall seconds ago
      const clock = new ScaledClock({ origin: Date.UTC(2020, 0, 1), wallOrigin: Date.now() - 10_000, speed });
      const file = join(dir, `env-${shell}-${speed}`);
      writeFileSync(file, envFileText({ AWS_REGION: 'us-east-1', CUTOVER_CLOCK: clock.toEnv() }));
      // WHEN sandbox_now runs THEN it lies between the clock's time before and after (whole seconds)
      const lo = Math.floor(clock.now() / 1000);
      const v = sandboxNow(shell, file);
      const hi = Math.floor(clock.now() / 1000);
      assert.ok(v >= lo && v <= hi, `${v} not in [${lo}, ${hi}]`);
    });
  }

  it('falls back to whole seconds where date has no %N (BSD, macOS)', () => {
    const bin = join(dir, 'bsd-bin');
    mkdirSync(bin);
    const date = spawnSync('sh', ['-c', 'command -v date'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      join(bin, 'date'),
      `#!/bin/sh\nif [ "$1" = "+%s%N" ]; then echo "$(${date} +%s)N"; else exec ${date} "$@"; fi\n`,
    );
    chmodSync(join(bin, 'date'), 0o755);
    const clock = new ScaledClock({ origin: Date.UTC(2020, 0, 1), wallOrigin: Date.now() - 10_000, speed: 0.5 });
    const file = join(dir, 'env-bsd');
    writeFileSync(file, envFileText({ CUTOVER_CLOCK: clock.toEnv() }));
    const lo = Math.floor(clock.now() / 1000);
    const v = sandboxNow('sh', file, `${bin}:${process.env.PATH}`);
    const hi = Math.floor(clock.now() / 1000);
    // A whole wall second of truncation is half a virtual second at this speed.
    assert.ok(v >= lo - 1 && v <= hi, `${v} not in [${lo - 1}, ${hi}]`);
  });
});

describe('the startup banner', () => {
  const info = {
    awsUrl: 'http://127.0.0.1:1',
    clusters: [{ name: 'blue', url: 'https://127.0.0.1:2', context: 'blue' }],
    envFile: '/tmp/ua-dir2/env',
    kubeconfig: '/tmp/ua-dir2/kubeconfig',
    listeners: [],
    targetGroups: {},
    startedAt: '2026-01-01T12:00:00.000Z',
    speed: 60,
    seed: 1,
  };

  it('shows DIR relative to the working directory only when it is inside it', () => {
    assert.equal(shownPath('/tmp/ua-dir2/env', '/tmp/ua'), '/tmp/ua-dir2/env');
    assert.equal(shownPath('/tmp/ua/.sandbox/env', '/tmp/ua'), './.sandbox/env');
    assert.equal(shownPath('/tmp/env', '/tmp/ua'), '/tmp/env');
    assert.match(banner(info, { cwd: '/tmp/ua', defaultWorld: true }), /^ {2}source \/tmp\/ua-dir2\/env$/m);
  });

  it('suggests the plan of the sandbox rollout only for the default world', () => {
    assert.match(banner(info, { cwd: '/', defaultWorld: true }), /npx cutover plan rollouts\/sandbox-web\.yaml/);
    const other = banner(info, { cwd: '/', defaultWorld: false, service: { cluster: 'blue', namespace: 'shop' } });
    assert.doesNotMatch(other, /sandbox-web\.yaml/);
    assert.match(other, /npx cutover validate rollouts\//);
    assert.match(other, /kubectl --context blue get pods,endpointslices -n shop/);
    assert.match(
      other,
      /virtual clock: started at 2026-01-01T12:00:00\.000Z, speed 60× \(a virtual minute per wall second\)/,
    );
    assert.match(other, /sandbox_now/);
  });

  it('is what `cutover sandbox` prints for a scenario, run from another directory', async () => {
    // GIVEN a scenario whose only Service is in namespace shop, and cwd next to (not above) DIR
    const root = mkdtempSync(join(tmpdir(), 'cutover-banner-'));
    const cwd = join(root, 'ua');
    const dir = join(root, 'ua-dir2');
    mkdirSync(cwd);
    const scenario = readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8').replaceAll(
      'namespace: web',
      'namespace: shop',
    );
    writeFileSync(join(cwd, 's.yaml'), scenario);
    const cli = await startSandboxCli(['--scenario', 's.yaml', '--dir', dir, '--speed', '2'], cwd);
    try {
      const stdout = cli.stdout;
      // THEN the banner points at the real paths and names
      assert.match(stdout, new RegExp(`^ {2}source ${dir}/env$`, 'm'), cli.stderr);
      assert.match(stdout, /kubectl --context blue get pods,endpointslices -n shop$/m);
      assert.match(stdout, /npx cutover validate rollouts\/$/m);
      assert.match(
        stdout,
        /^virtual clock: started at \d{4}-\d\d-\d\dT[\d:.]+Z, speed 2× \(2 virtual seconds per wall second\); seed 1$/m,
      );
      assert.equal(await cli.stop(), 0, cli.stderr);
    } finally {
      await cli.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
