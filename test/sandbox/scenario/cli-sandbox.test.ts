import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.ts';

const STACK = /\n\s+at /;

describe('cutover sandbox: bad input is a usage error (exit 2), never a crash', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every problem of a bad --scenario as file:line:col and exits 2', async () => {
    // GIVEN a scenario with a typo'd top-level field and a cluster name that is not a DNS label
    writeFileSync(join(dir, 'bad.yaml'), 'clusters: [{name: Blue}]\nfault: []\n');
    const r = await runCli(['sandbox', '--scenario', join(dir, 'bad.yaml'), '--dir', join(dir, 'sbx')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad\.yaml:1:19: error: clusters\[0\]\.name is not valid \(got "Blue"; /m);
    assert.match(r.stderr, /bad\.yaml:2:1: error: unknown field fault \(got "fault"; did you mean "faults"\?/m);
    assert.match(r.stderr, /^2 errors found$/m);
    assert.doesNotMatch(r.stderr, STACK);
    assert.equal(r.stdout, '');
  });

  it('exits 2 for a --scenario file that does not exist', async () => {
    const r = await runCli(['sandbox', '--scenario', join(dir, 'nope.yaml'), '--dir', join(dir, 'sbx')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: cannot read scenario file .*nope\.yaml/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  // The values are quoted as typed: yargs no longer turns `fast` into NaN before the command sees it.
  const bad: [string[], RegExp][] = [
    [['--speed', '0'], /error: --speed must be a number above 0 \(got "0"\)\nhint: virtual seconds per wall second/],
    [['--speed=-2'], /error: --speed must be a number above 0 \(got "-2"\)/],
    [['--speed', 'fast'], /error: --speed must be a number above 0 \(got "fast"\)/],
    [['--speed', '1e400'], /error: --speed must be a number above 0 \(got "1e400"\)/],
    [['--seed', '1.5'], /error: --seed must be a whole number from 0 to 4294967295 \(got "1\.5"\)/],
    [['--seed', 'abc'], /error: --seed must be a whole number from 0 to 4294967295 \(got "abc"\)/],
    [['--seed=-1'], /error: --seed must be a whole number from 0 to 4294967295 \(got "-1"\)/],
    [['--seed', '4294967296'], /error: --seed must be a whole number from 0 to 4294967295 \(got "4294967296"\)/],
  ];
  for (const [args, want] of bad) {
    it(`rejects ${args.join(' ')} with exit 2 naming the value and what is allowed`, async () => {
      const r = await runCli(['sandbox', ...args, '--dir', join(dir, 'sbx')], { timeoutMs: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, want);
      assert.doesNotMatch(r.stderr, STACK);
      assert.doesNotMatch(r.stdout, /sandbox running/);
    });
  }
});

describe('cutover sandbox: seeds', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-seed-'));
    const text = readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8');
    writeFileSync(join(dir, 'seeded.yaml'), `${text.trimEnd()}\nseed: 7\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the sandbox with --output json, reads the first JSON document, then stops it with SIGINT. */
  async function startedSeed(extra: string[]): Promise<{ seed: number; code: number | null }> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'src/cli/bin.ts'),
        'sandbox',
        '-o',
        'json',
        '--dir',
        join(dir, 'sbx'),
        ...extra,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const info = await new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no JSON from the sandbox: ${out}`)), 30_000);
      child.stdout.on('data', (d) => {
        out += d;
        try {
          const parsed = JSON.parse(out);
          clearTimeout(timer);
          resolve(parsed);
        } catch {}
      });
    });
    child.kill('SIGINT');
    const [code] = await once(child, 'close');
    return { seed: info.seed, code };
  }

  it("uses the scenario's seed when --seed is not given", async () => {
    const r = await startedSeed(['--scenario', join(dir, 'seeded.yaml')]);
    assert.equal(r.seed, 7);
    assert.equal(r.code, 0);
  });

  it('lets --seed override the scenario', async () => {
    const r = await startedSeed(['--scenario', join(dir, 'seeded.yaml'), '--seed', '9']);
    assert.equal(r.seed, 9);
  });
});
