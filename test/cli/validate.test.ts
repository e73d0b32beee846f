import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unreadable } from '../../src/spec/load.ts';
import { runCli } from '../helpers/run-cli.ts';

const BAD = 'test/spec/fixtures/invalid/53-weight-over-100.yaml';

/** Writes `text` to a new temporary file called `name` and returns its path. */
function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cutover-validate-')), name);
  writeFileSync(file, text);
  return file;
}

describe('cutover validate', () => {
  it('accepts every example in rollouts/ with exit 0 and one ok line each', async () => {
    const r = await runCli([
      'validate',
      'rollouts/sandbox-web.yaml',
      'rollouts/production-storefront.yaml',
      'rollouts/three-cluster.yaml',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'ok rollouts/sandbox-web.yaml (sandbox-web: 1 route, 4 steps)',
      'ok rollouts/production-storefront.yaml (storefront-eks-1-31: 3 routes, 7 steps)',
      'ok rollouts/three-cluster.yaml (edge-three-cluster: 1 route, 5 steps)',
    ]);
  });

  it('validates the YAML files of a directory argument', async () => {
    const r = await runCli(['validate', 'rollouts']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok rollouts\/production-storefront\.yaml /m);
    assert.match(r.stdout, /^ok rollouts\/sandbox-web\.yaml /m);
    assert.match(r.stdout, /^ok rollouts\/three-cluster\.yaml /m);
  });

  it('reports problems of all files, not just the first, and exits 2', async () => {
    // GIVEN a valid file, a broken one and a missing one
    const r = await runCli(['validate', BAD, 'rollouts/sandbox-web.yaml', 'no/such.yaml']);
    // THEN the valid one is still reported ok, each problem has a line, and the count ends it
    assert.equal(r.code, 2);
    assert.equal(r.stdout, 'ok rollouts/sandbox-web.yaml (sandbox-web: 1 route, 4 steps)\n');
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `${BAD}:23:16: error: spec.steps[1].weight must be between 0 and 100 (got 150; use a percent such as 25)`,
      'no/such.yaml:1:1: error: file does not exist (ENOENT; check the path, relative paths start at the current directory)',
      // Before: "2 errors found", without how many of the files failed.
      '2 of 3 files have errors (2 errors)',
    ]);
  });

  it('prints warnings to stderr and still exits 0', async () => {
    const file = tempFile('warn.yaml', readFileSync('rollouts/sandbox-web.yaml', 'utf8').replace('max: 2%', 'max: 1'));
    const r = await runCli(['validate', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok .*warn\.yaml \(sandbox-web: 1 route, 4 steps\)$/m);
    assert.match(r.stderr, /warn\.yaml:\d+:\d+: warning: spec\.gates\.checks\[0\]\.max is read as the fraction 1/);
  });

  it('prints an array of {file, ok, diagnostics} with --output json', async () => {
    const r = await runCli(['validate', '--output', 'json', 'rollouts/sandbox-web.yaml', BAD]);
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out[0], { file: 'rollouts/sandbox-web.yaml', ok: true, diagnostics: [] });
    assert.equal(out[1].file, BAD);
    assert.equal(out[1].ok, false);
    assert.deepEqual(out[1].diagnostics[0], {
      file: BAD,
      line: 23,
      col: 16,
      severity: 'error',
      message: 'spec.steps[1].weight must be between 0 and 100 (got 150; use a percent such as 25)',
    });
  });

  it('GIVEN sandbox scenario files THEN they are checked as scenarios: ok with clusters and faults', async () => {
    // Before: 11 rollout errors (metadata is required, unknown field region, …).
    const r = await runCli(['validate', 'scenarios/default.yaml', 'scenarios/chaos.yaml', 'rollouts/sandbox-web.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'ok scenarios/default.yaml (SandboxScenario: 2 clusters, 0 faults)',
      'ok scenarios/chaos.yaml (SandboxScenario: 2 clusters, 5 faults)',
      'ok rollouts/sandbox-web.yaml (sandbox-web: 1 route, 4 steps)',
    ]);
  });

  it("GIVEN a broken scenario THEN the scenario validator's errors, not a rollout's", async () => {
    const scenario = readFileSync('scenarios/default.yaml', 'utf8').replace('rps: 200', 'rps: -5');
    const file = tempFile('bad-scenario.yaml', scenario);
    const r = await runCli(['validate', file]);
    assert.equal(r.code, 2);
    const errors = r.stderr.trimEnd().split('\n');
    assert.equal(errors.length, 2, r.stderr);
    assert.match(errors[0]!, /bad-scenario\.yaml:\d+:\d+: error: traffic\[0\]\.rps /);
    assert.equal(errors[1], '1 error found');
  });

  it('GIVEN a file of another kind THEN one error naming its kind and the kinds cutover reads', async () => {
    const manifest = 'apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: web}\nspec: {}\n';
    const file = tempFile('tgb.yaml', manifest);
    const r = await runCli(['validate', file]);
    assert.equal(r.code, 2);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `${file}:2:7: error: kind "TargetGroupBinding" is not a cutover file (got "TargetGroupBinding" of apiVersion "elbv2.k8s.aws/v1beta1"; a cutover file has kind: ClusterRollout or SandboxScenario)`,
      '1 error found',
    ]);
  });

  it('GIVEN the README THEN two short errors, not 42 errors and 50 KB', async () => {
    const r = await runCli(['validate', 'README.md']);
    assert.equal(r.code, 2);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3, r.stderr.slice(0, 2000));
    assert.match(lines[2]!, /^2 errors found$/);
    assert.ok(r.stderr.length < 1000, `${r.stderr.length} bytes`);
    assert.ok(lines.some((l) => /^README\.md:\d+:1: error: the document must be a mapping \(got "/.test(l)));
  });

  it('GIVEN --help THEN no bogus default for the required files', async () => {
    const r = await runCli(['validate', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /files .*\[array\] \[required\]\n/);
    assert.doesNotMatch(r.stdout, /default: \[\]/);
  });

  it('GIVEN no file THEN a usage error saying what is missing, with an example, exit 2', async () => {
    // Before: "Not enough non-option arguments: got 0, need at least 1".
    const r = await runCli(['validate', '-o', 'json']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'error: "cutover validate" needs at least one file or directory to check (got none)\n' +
        'example: cutover validate rollouts/ scenarios/default.yaml\n' +
        "(run 'cutover validate --help' for usage)\n",
    );
    assert.equal(r.stdout, '');
  });

  it('GIVEN files it cannot read THEN says why in words: missing, or a file used as a directory', async () => {
    // Before: "cannot read file (ENOENT)".
    const dir = mkdtempSync(join(tmpdir(), 'cutover-unreadable-'));
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'x: 1\n');
    const r = await runCli(['validate', join(dir, 'gone.yaml'), join(file, 'x.yaml')]);
    assert.equal(r.code, 2);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `${join(dir, 'gone.yaml')}:1:1: error: file does not exist (ENOENT; check the path, relative paths start at the current directory)`,
      `${join(file, 'x.yaml')}:1:1: error: file does not exist (ENOTDIR; a part of the path is a file, not a directory)`,
      '2 of 2 files have errors (2 errors)',
    ]);
  });

  it('GIVEN a file without read permission THEN "permission denied" and how to fix it', () => {
    // (Tests may run as root, who reads any file: the words are checked for the error code.)
    assert.equal(
      unreadable('EACCES'),
      'file cannot be read: permission denied (EACCES; it needs read permission for you, e.g. chmod u+r)',
    );
    assert.equal(unreadable('EIO'), 'cannot read file (EIO)');
  });

  it('GIVEN a directory with failing files THEN it ends with how many of its files failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-dir-'));
    const good = readFileSync('rollouts/sandbox-web.yaml', 'utf8');
    writeFileSync(join(dir, 'a.yaml'), good);
    writeFileSync(join(dir, 'b.yaml'), good.replace('weight: 25', 'weight: 250'));
    writeFileSync(join(dir, 'c.yml'), 'kind: Nope\n');
    const r = await runCli(['validate', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^ok .*a\.yaml /);
    assert.match(r.stderr, /\n2 of 3 files have errors \(\d+ errors?\)\n$/);
  });
});

describe('cutover validate: the scenario kind it dispatches on', () => {
  it('is the kind the scenario validator defines', async () => {
    const { SCENARIO_KIND } = await import('../../src/sandbox/scenario/load.ts');
    const r = await runCli(['validate', 'scenarios/default.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`ok scenarios/default\\.yaml \\(${SCENARIO_KIND}: 2 clusters`));
  });
});
