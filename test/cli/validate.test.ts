import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.ts';

const BAD = 'test/spec/fixtures/invalid/53-weight-over-100.yaml';

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
      'no/such.yaml:1:1: error: cannot read file (ENOENT)',
      '2 errors found',
    ]);
  });

  it('prints warnings to stderr and still exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-validate-'));
    const file = join(dir, 'warn.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync('rollouts/sandbox-web.yaml', 'utf8').replace('max: 2%', 'max: 1'));
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

  it('requires at least one file (usage error, exit 2)', async () => {
    const r = await runCli(['validate']);
    assert.equal(r.code, 2);
  });
});
