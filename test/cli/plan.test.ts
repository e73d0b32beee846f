import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.ts';

const SANDBOX = 'rollouts/sandbox-web.yaml';
const THREE_WAY = 'test/plan/fixtures/three-way.yaml';

/** The step rows of the text table, cells split on runs of 2+ spaces. */
function rows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => /^\s+#\s+action/.test(l));
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((l) => l.trim().split(/\s{2,}/));
}

describe('cutover plan', () => {
  it('GIVEN the sandbox rollout THEN a table of ALB weights, bakes and elapsed time, exit 0', async () => {
    const r = await runCli(['plan', SANDBOX]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^rollout sandbox-web: blue → green \(us-east-1\)/);
    assert.match(r.stdout, /web {2}listener arn:aws:elasticloadbalancing:us-east-1:000000000000:listener\/app\/edge\//);
    assert.deepEqual(
      rows(r.stdout).map((c) => c.slice(0, 6)),
      [
        ['0', 'start', '0%', 'blue=1 green=0', '-', '0s'],
        // A step lasts its bake, but at least until a tick judged its own traffic: a whole
        // 1-minute window plus the 2-minute publication lag after its write.
        ['1', 'shift', '5%', 'blue=19 green=1', '2m', '3m'],
        ['2', 'shift', '25%', 'blue=3 green=1', '2m', '6m'],
        ['3', 'shift', '50%', 'blue=1 green=1', '3m', '9m'],
        ['4', 'shift', '100%', 'blue=0 green=1', '2m', '12m'],
      ],
    );
    assert.match(r.stdout, /target5xxRate green ≤ 2% \(min 50 requests\)/);
    assert.match(r.stdout, /rollback: instant/);
    assert.match(
      r.stdout,
      /total: 4 steps, 4 weight changes \(4 ModifyListener\/ModifyRule calls\); minimum duration 12m\n$/,
    );
  });

  it('GIVEN --output json THEN the Plan object with ms numbers and integer weights', async () => {
    const r = await runCli(['plan', SANDBOX, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.name, 'sandbox-web');
    assert.deepEqual(plan.initial.weights, { blue: 1, green: 0 });
    assert.deepEqual(
      plan.steps.map((s: any) => [s.kind, s.state.toPercent, s.state.weights, s.bakeMs, s.cumulativeMs]),
      [
        ['weight', 5, { blue: 19, green: 1 }, 120_000, 180_000],
        ['weight', 25, { blue: 3, green: 1 }, 120_000, 360_000],
        ['weight', 50, { blue: 1, green: 1 }, 180_000, 540_000],
        ['weight', 100, { blue: 0, green: 1 }, 120_000, 720_000],
      ],
    );
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup';
    assert.deepEqual(plan.steps[0].state.routes, [
      {
        route: 'web',
        targetGroups: { [`${tg}/web-blue/a88fa8f6584adf66`]: 19, [`${tg}/web-green/761fbf0b36bfccac`]: 1 },
      },
    ]);
    assert.deepEqual(plan.steps[0].increases, { green: { from: 0, to: 5 } });
    assert.deepEqual(plan.totals, { steps: 4, weightChanges: 4, apiCalls: 4, approvals: 0, minDurationMs: 720_000 });
    assert.equal(plan.rollback.mode, 'instant');
  });

  it('GIVEN three clusters, two rule routes, an approval and an inexact split THEN all of it shows', async () => {
    const r = await runCli(['plan', THREE_WAY]);
    assert.equal(r.code, 0, r.stderr);
    const table = rows(r.stdout);
    assert.deepEqual(table[1]!.slice(0, 6), ['1', 'shift', '90/5/5', 'blue=18 green=1 red=1', '5m', '5m']);
    assert.deepEqual(table[3]!.slice(0, 2), ['3', 'approve']);
    assert.deepEqual(table[4]!.slice(3, 6), ['blue=1 green=1 red=1 ≈', '1h', '1h15m']);
    assert.match(table[5]![3]!, /\(no change\)/);
    assert.match(r.stdout, /≈ step 4 cannot be exact in ALB weights/);
    assert.match(
      r.stdout,
      /rollback: gradual — back through 0\/100\/0 → 33\.33\/33\.33\/33\.34 → 50\/25\/25 → 90\/5\/5 → 100\/0\/0 \(blue\/green\/red\), baking 1m between/,
    );
    assert.match(r.stdout, /gaining traffic: green, red\n/);
    assert.match(
      r.stdout,
      /4 weight changes \(8 ModifyListener\/ModifyRule calls\), 1 approval; minimum duration 1h33m plus operator waits/,
    );
  });

  it('GIVEN a file with warnings THEN they print as file:line:col: warning, whatever --log-level says', async () => {
    // Before: plan sent them through pino (a JSON line on a non-TTY stderr; hidden by --log-level error).
    const dir = mkdtempSync(join(tmpdir(), 'cutover-plan-'));
    const file = join(dir, 'warn.yaml');
    writeFileSync(file, readFileSync(SANDBOX, 'utf8').replace('max: 2%', 'max: 1'));
    for (const args of [
      ['plan', file],
      ['plan', file, '--log-level', 'error'],
      ['plan', file, '-o', 'json'],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /^.*warn\.yaml:\d+:\d+: warning: spec\.gates\.checks\[0\]\.max is read as the fraction 1/m,
      );
      assert.doesNotMatch(r.stderr, /"level"/);
    }
  });

  it('GIVEN an invalid file THEN the loader message at file:line:col and exit 2', async () => {
    const r = await runCli(['plan', 'test/plan/fixtures/bad-step.yaml']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad-step\.yaml:17:16: error: spec\.steps\[1\]\.weight must not go down/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('GIVEN an invalid file and --output json THEN {ok: false, file, diagnostics} on stdout, exit 2', async () => {
    // Before: nothing on stdout (the diagnostics went to stderr only).
    const r = await runCli(['plan', 'test/plan/fixtures/bad-step.yaml', '-o', 'json']);
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.file, 'test/plan/fixtures/bad-step.yaml');
    assert.deepEqual(
      out.diagnostics.map((d: any) => [d.line, d.col, d.severity, d.message.split(' (')[0]]),
      [
        [4, 1, 'warning', 'spec.gates has no checks'],
        [17, 16, 'error', 'spec.steps[1].weight must not go down'],
      ],
    );
  });

  it('GIVEN a directory THEN says it is one and plan takes one file, exit 2', async () => {
    // Before: "cannot read file (EISDIR)".
    const r = await runCli(['plan', 'rollouts']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^rollouts:1:1: error: is a directory, not a file \(got a directory; this command takes one file — cutover validate takes directories\)\n/,
    );
  });

  it('GIVEN routes with names of different lengths THEN their kinds and ARNs line up', async () => {
    // Before: "  web  rule …" above "  checkout  rule …".
    const r = await runCli(['plan', 'rollouts/production-storefront.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const routes = r.stdout.split('\n').filter((l) => / rule arn:/.test(l));
    assert.deepEqual(
      routes.map((l) => l.slice(0, 15)),
      ['  web       rul', '  api       rul', '  checkout  rul'],
    );
  });

  it('GIVEN a scenario file THEN one error: plan reads rollouts', async () => {
    const r = await runCli(['plan', 'scenarios/default.yaml']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'scenarios/default.yaml:8:7: error: kind "SandboxScenario" is not a rollout file (got "SandboxScenario" of apiVersion "cutover.dev/v1alpha1"; a rollout file has kind: ClusterRollout)\n1 error found\n',
    );
  });

  it('GIVEN a missing file THEN says it does not exist, exit 2', async () => {
    const r = await runCli(['plan', 'test/plan/fixtures/nope.yaml']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'test/plan/fixtures/nope.yaml:1:1: error: file does not exist (ENOENT; check the path, relative paths start at the current directory)\n1 error found\n',
    );
  });

  it('GIVEN no file THEN a usage error saying a rollout file is needed, with an example', async () => {
    // Before: "Missing required argument: file".
    const r = await runCli(['plan']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: "cutover plan" needs a rollout file \(got none\)\nexample: cutover plan rollouts\/sandbox-web\.yaml\n/,
    );
  });
});
