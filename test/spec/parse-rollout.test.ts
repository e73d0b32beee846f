import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../src/errors.ts';
import { loadRolloutFile, parseRollout, specHash } from '../../src/spec/index.ts';
import { ARN, errorsOf, MINIMAL, warningsOf } from './helpers/minimal-rollout.ts';

describe('parseRollout: a valid file', () => {
  it('applies documented defaults and normalizes units', () => {
    // WHEN a minimal file is parsed
    const { rollout, diagnostics } = parseRollout(MINIMAL, 'r.yaml');
    // THEN it is valid, without warnings
    assert.deepEqual(diagnostics, []);
    const s = rollout!.spec;
    // AND contexts default to the cluster name
    assert.deepEqual(s.clusters, [
      { name: 'blue', context: 'blue' },
      { name: 'green', context: 'green' },
    ]);
    // AND a step's bake defaults to the gate interval (1m); durations are milliseconds
    // AND every weight step is the full split, whichever way the file wrote it
    assert.deepEqual(s.steps, [
      { kind: 'weight', index: 0, shares: { blue: 90, green: 10 }, toPercent: 10, bakeMs: 60_000 },
      { kind: 'weight', index: 1, shares: { blue: 0, green: 100 }, toPercent: 100, bakeMs: 90_000 },
    ]);
    // AND check clusters default to to/from, percentages are fractions, minRequests 100
    assert.deepEqual(s.gates.checks, [
      { type: 'target5xxRate', cluster: 'green', max: 0.01, minRequests: 100 },
      {
        type: 'compare5xx',
        baseline: 'blue',
        candidate: 'green',
        maxIncrease: 0.0025,
        minRequests: 100,
        confidence: 0.95,
      },
      { type: 'healthyTargets', cluster: 'green', minRatio: 0.9 },
    ]);
    assert.deepEqual(
      { ...s.gates, checks: undefined },
      { intervalMs: 60_000, checks: undefined, failureLimit: 0, inconclusiveLimit: 5, lagMs: 120_000 },
    );
    assert.deepEqual(s.capacity, { minHealthyTargets: 1, headroom: 1, waitMs: 300_000 });
    assert.deepEqual(s.rollback, { mode: 'instant', stepBakeMs: 30_000 });
    assert.equal(s.partial, false);
  });

  it('fills a full split for explicit multi-cluster weights', () => {
    const text = MINIMAL.replace(
      'clusters: [{name: blue}, {name: green}]',
      'clusters: [{name: blue}, {name: green}, {name: dr}]',
    )
      .replace(
        `        green: ${ARN}:targetgroup/web-green/761fbf0b36bfccac\n`,
        `        green: ${ARN}:targetgroup/web-green/761fbf0b36bfccac\n        dr: ${ARN}:targetgroup/web-dr/1111111111111111\n`,
      )
      .replace('- {weight: 10}', '- {weight: 10}\n    - {weights: {blue: 60, green: 30, dr: 10}}');
    const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(rollout!.spec.steps[1], {
      kind: 'weight',
      index: 1,
      shares: { blue: 60, green: 30, dr: 10 },
      toPercent: 30,
      bakeMs: 60_000,
    });
  });

  it('accepts a partial rollout when the file says so', () => {
    const text = MINIMAL.replace('{weight: 100, bake: 90s}', '{weight: 20}').replace(
      '  from: blue',
      '  partial: true\n  from: blue',
    );
    assert.deepEqual(errorsOf(text), []);
    assert.equal(parseRollout(text, 'r.yaml').rollout!.spec.partial, true);
  });

  it('follows YAML anchors and aliases', () => {
    const text = MINIMAL.replace('- {weight: 10}', '- &first {weight: 10}\n    - *first');
    const { rollout } = parseRollout(text, 'r.yaml');
    assert.equal(rollout!.spec.steps.length, 3);
  });
});

describe('parseRollout: many problems at once', () => {
  it('reports every problem of a file, sorted by position', () => {
    const text = MINIMAL.replace('{weight: 10}', '{weight: 150, bake: 5 minutes}')
      .replace('to: green', 'to: gren')
      .replace('max: 1%', 'max: 5');
    const errors = errorsOf(text);
    assert.deepEqual(
      errors.map((d) => [d.line, d.col, d.message.split(' (')[0]]),
      [
        [8, 7, 'spec.to names no cluster'],
        [16, 16, 'spec.steps[0].weight must be between 0 and 100'],
        [16, 27, 'spec.steps[0].bake is not a duration'],
        [20, 36, 'spec.gates.checks[0].max is ambiguous'],
      ],
    );
    assert.ok(errors.every((d) => d.file === 'r.yaml'));
  });

  it('keeps checking after a duplicate key, but not after a syntax error', () => {
    const dup = MINIMAL.replace('  to: green', '  to: green\n  to: green').replace('{weight: 10}', '{weight: 150}');
    assert.deepEqual(
      errorsOf(dup).map((d) => d.message.split(' (')[0]),
      ['duplicate key to', 'spec.steps[0].weight must be between 0 and 100'],
    );
    const broken = MINIMAL.replace('{weight: 10}', '{weight: 150').replace('to: green', 'to: gren');
    assert.ok(errorsOf(broken).every((d) => d.message.startsWith('invalid YAML')));
  });
});

describe('parseRollout: warnings', () => {
  const cases: [string, string, string][] = [
    ['no gate checks', MINIMAL.replace(/ {2}gates:[\s\S]*$/, '  gates: {checks: []}\n'), 'spec.gates has no checks'],
    [
      'a single 100% step',
      MINIMAL.replace('    - {weight: 10}\n', '').replace('{weight: 100, bake: 90s}', '{weight: 100}'),
      'moves all traffic in one step',
    ],
    [
      'a bake shorter than the interval',
      MINIMAL.replace('{weight: 10}', '{weight: 10, bake: 20s}'),
      'is shorter than spec.gates.interval',
    ],
    [
      'an approval after the last weight',
      MINIMAL.replace('{weight: 100, bake: 90s}', '{weight: 100, bake: 90s}\n    - {approve: true}'),
      'waits for approval after all traffic has moved',
    ],
    [
      'partial with a last step of 100',
      MINIMAL.replace('  from: blue', '  partial: true\n  from: blue'),
      'spec.partial has no effect',
    ],
    [
      'stepBake with instant rollback',
      `${MINIMAL}  rollback: {mode: instant, stepBake: 1m}\n`,
      'spec.rollback.stepBake has no effect',
    ],
    ['a bare 1 as a percentage', MINIMAL.replace('max: 1%', 'max: 1'), 'is read as the fraction 1, i.e. 100%'],
    ['an interval that is not whole minutes', `${MINIMAL}    interval: 90s\n`, 'not a whole number of minutes'],
    ['a short metric lag', `${MINIMAL}    lag: 30s\n`, 'spec.gates.lag is below 1m'],
  ];
  for (const [what, text, says] of cases) {
    it(`warns about ${what}, and the file stays valid`, () => {
      const { rollout } = parseRollout(text, 'r.yaml');
      assert.ok(rollout, `not valid:\n${JSON.stringify(errorsOf(text), null, 1)}`);
      assert.ok(
        warningsOf(text).some((w) => w.message.includes(says)),
        JSON.stringify(warningsOf(text), null, 1),
      );
    });
  }
});

describe('loadRolloutFile and specHash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-spec-'));

  it('loads a file with its hash; formatting and comments do not change the hash', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, MINIMAL);
    writeFileSync(
      b,
      `# a comment\n${MINIMAL.replace('metadata: {name: min}', 'metadata:\n  name: min')}  rollback: {mode: instant}\n`,
    );
    const la = await loadRolloutFile(a);
    const lb = await loadRolloutFile(b);
    assert.equal(la.file, a);
    assert.match(la.hash, /^[0-9a-f]{64}$/);
    assert.equal(la.hash, lb.hash);
    assert.equal(la.hash, specHash(la.rollout));
  });

  it('changes the hash when the meaning changes', async () => {
    const c = join(dir, 'c.yaml');
    writeFileSync(c, MINIMAL.replace('{weight: 10}', '{weight: 11}'));
    const a = await loadRolloutFile(join(dir, 'a.yaml'));
    assert.notEqual((await loadRolloutFile(c)).hash, a.hash);
  });

  it('throws InvalidInputError carrying every diagnostic', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, MINIMAL.replace('{weight: 10}', '{weight: 150}').replace('to: green', 'to: blue'));
    await assert.rejects(loadRolloutFile(bad), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.equal(e.exitCode, 2);
      // weight out of range, to == from, and compare5xx defaulting to blue-vs-blue
      assert.deepEqual(
        e.diagnostics.map((d) => d.message.split(' (')[0]),
        [
          'spec.to must differ from spec.from',
          'spec.steps[0].weight must be between 0 and 100',
          'spec.gates.checks[1] compares cluster "blue" with itself',
        ],
      );
      assert.ok(e.diagnostics.every((d) => d.file === bad));
      return true;
    });
  });

  it('reports a missing file as a diagnostic at 1:1 saying it does not exist', async () => {
    const missing = join(dir, 'missing.yaml');
    await assert.rejects(loadRolloutFile(missing), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.deepEqual(e.diagnostics, [
        {
          file: missing,
          line: 1,
          col: 1,
          severity: 'error',
          message: 'file does not exist (ENOENT; check the path, relative paths start at the current directory)',
        },
      ]);
      return true;
    });
  });

  it('returns warnings with the loaded rollout', async () => {
    const w = join(dir, 'w.yaml');
    writeFileSync(w, readFileSync(join(dir, 'a.yaml'), 'utf8').replace('max: 1%', 'max: 1'));
    const loaded = await loadRolloutFile(w);
    assert.equal(loaded.warnings?.length, 1);
  });
});
