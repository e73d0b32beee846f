import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRollout } from '../../src/spec/load.ts';
import { MAX_ALIASED_VALUES } from '../../src/spec/yaml-nodes.ts';
import { errorLines, MINIMAL, problemsOf } from './helpers/minimal-rollout.ts';

const CHECKS = `    checks:
      - {type: target5xxRate, max: 1%}
      - {type: compare5xx, maxIncrease: 0.25%}
      - {type: healthyTargets}
`;
const withChecks = (checks: string) => MINIMAL.replace(CHECKS, checks);

describe('YAML aliases', () => {
  it('refuses an alias bomb, with one error at the alias that goes past the limit', () => {
    // GIVEN 10 KB: 1000 aliases of a check holding a 1000-name list (a million values expanded)
    const names = Array.from({ length: 1000 }, (_, i) => `n${i}`).join(', ');
    const text = withChecks(
      `    checks: [&c {type: alarm, names: [${names}]}, ${Array.from({ length: 1000 }, () => '*c').join(', ')}]\n`,
    );
    // WHEN it is parsed
    const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
    // THEN it stops at the limit instead of expanding a million values (which took 1.8 s and 214 MB)
    assert.equal(rollout, undefined);
    // AND the alias that crosses the limit is named once, where it is written
    const bomb = diagnostics.filter((d) =>
      d.message.includes(`past ${MAX_ALIASED_VALUES} values reached through aliases`),
    );
    assert.equal(bomb.length, 1, diagnostics.map((d) => d.message).join('\n'));
    assert.match(bomb[0]!.message, /^spec\.gates\.checks\[\d+\] takes the file past .* \(got \*c;/);
    assert.equal(bomb[0]!.line, 19);
    assert.equal(text.split('\n')[18]!.slice(bomb[0]!.col - 1, bomb[0]!.col + 1), '*c');
  });

  it('reads an alias as a check type and as a mapping key', () => {
    const text = withChecks(`    checks:
      - {type: &rate target5xxRate, max: 1%}
      - {type: *rate, cluster: blue, max: 2%}
`).replace('- {weight: 10}', '- {&w weight: 10}\n    - {*w : 20}');
    const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      rollout!.spec.gates.checks.map((c) => c.type),
      ['target5xxRate', 'target5xxRate'],
    );
    assert.equal(rollout!.spec.steps.length, 3);
  });

  it('names what an aliased check type is, not the alias object', () => {
    const text = withChecks('    checks:\n      - {type: &t alarmz, names: [a]}\n      - {type: *t, names: [b]}\n');
    const errors = errorLines(text);
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.match(
      errors[1]!,
      /^21:16 spec\.gates\.checks\[1\]\.type is not a known check type \(got "alarmz"; did you mean "alarm"\?/,
    );
  });
});

describe('YAML merge keys', () => {
  it('merges mappings; keys the mapping sets itself, and earlier sources, win', () => {
    const text = MINIMAL.replace(
      '  steps:\n    - {weight: 10}\n    - {weight: 100, bake: 90s}\n',
      `  steps:
    - &slow {weight: 10, bake: 10m}
    - {<<: *slow, weight: 20}
    - {<<: [{bake: 2m}, *slow], weight: 50}
    - <<: *slow
      weight: 100
`,
    );
    const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      rollout!.spec.steps.map((s) => (s.kind === 'weight' ? [s.toPercent, s.bakeMs] : [])),
      [
        [10, 600_000],
        [20, 600_000],
        [50, 120_000],
        [100, 600_000],
      ],
    );
  });

  it('points at a merged value where it is written, under the anchor', () => {
    const text = MINIMAL.replace('- {weight: 10}', '- &slow {weight: 10, bake: 10 m}\n    - {<<: *slow, weight: 20}');
    assert.deepEqual(problemsOf(text), [
      '16:32 spec.steps[0].bake is not a duration',
      '16:32 spec.steps[1].bake is not a duration',
    ]);
  });
});

describe('tabs', () => {
  it('accepts a tab in a comment line and in the text of a block scalar', () => {
    const text = MINIMAL.replace(
      'metadata: {name: min}\n',
      'metadata:\n\t# owner: team-web\n  name: min\n  annotations:\n    note: |\n      first\n      \tindented with a tab\n',
    );
    const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
    assert.deepEqual(diagnostics, []);
    assert.equal(rollout!.metadata.annotations?.note, 'first\n\tindented with a tab\n');
  });
});

describe('YAML tags', () => {
  it('says which core tag made a number a string', () => {
    assert.deepEqual(
      errorLines(MINIMAL.replace('{weight: 10}', '{weight: !!str 10}')).map((l) => l.split('; ')[1]),
      ['write 10 without !!str)'],
    );
  });
});

describe('hints', () => {
  it('shows what a mapping of cluster to target group looks like when given a list', () => {
    const text = MINIMAL.replace(/targetGroups:\n {8}blue: (\S+)\n {8}green: (\S+)\n/, 'targetGroups: [$1, $2]\n');
    assert.deepEqual(errorLines(text), [
      '12:21 spec.routes[0].targetGroups must be a mapping (got a list; a mapping of each cluster name to its target group ARN, e.g. {blue: arn:aws:elasticloadbalancing:…:targetgroup/web-blue/…, green: arn:…:targetgroup/web-green/…})',
    ]);
  });
});

/**
 * One edit of MINIMAL, and the errors it must get — all of them (no echoes), each as
 * "line:col message", given in full or up to where the message says enough.
 */
const ONE_EDIT: [what: string, from: string, to: string, errors: string[]][] = [
  [
    'an alias of no anchor, at the alias',
    'bake: 90s',
    'bake: *long',
    ['17:27 spec.steps[1].bake refers to no anchor (got *long; define &long on a value before the alias)'],
  ],
  [
    'a merge key given something else than mappings',
    '{weight: 10}',
    '{<<: [5m], weight: 10}',
    [
      '16:13 spec.steps[0] has a merge key << that is not given a mapping (got "5m"; write <<: *anchor of a mapping, or a list of them)',
    ],
  ],
  [
    'a tab that indents a mapping, at the tab',
    '  to: green',
    '\tto: green',
    ['8:1 tab used for indentation (got a tab character; indent with spaces)'],
  ],
  [
    'a tab after spaces that indents a list',
    '  steps:\n    - {weight: 10}',
    '  steps:\n  \t- {weight: 10}',
    ['16:3 tab used for indentation (got a tab character; indent with spaces)'],
  ],
  [
    'an unknown tag, once and by name',
    '{weight: 10}',
    '{weight: !pct 10}',
    ['16:16 unknown YAML tag !pct (got !pct; cutover reads plain YAML values — remove the tag)'],
  ],
  [
    'an unknown key taken for a required field, without "region is required"',
    '  region: us-east-1',
    '  regoin: us-east-1',
    ['5:3 unknown field spec.regoin (got "regoin"; did you mean "region"?'],
  ],
  [
    'an unknown key taken for weight, without "needs one of weight, weights, approve"',
    '{weight: 10}',
    '{wieght: 10}',
    ['16:8 unknown field spec.steps[0].wieght (got "wieght"; did you mean "weight"?'],
  ],
  [
    'a cluster list of the wrong length, without judging references against it',
    '[{name: blue}, {name: green}]',
    '[{name: blue}]',
    ['6:13 spec.clusters must have 2 to 5 items (got 1;'],
  ],
];

describe('one mistake, one error', () => {
  for (const [what, from, to, expected] of ONE_EDIT) {
    it(`reports ${what}`, () => {
      assert.ok(MINIMAL.includes(from), from);
      const errors = errorLines(MINIMAL.replace(from, to));
      assert.equal(errors.length, expected.length, errors.join('\n'));
      for (const [i, e] of errors.entries()) {
        assert.ok(e.startsWith(expected[i]!), `${e}\n  does not start with\n${expected[i]}`);
      }
    });
  }
});
