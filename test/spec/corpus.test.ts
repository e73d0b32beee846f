import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseRollout } from '../../src/spec/load.ts';
import { runCli } from '../helpers/run-cli.ts';

const DIR = 'test/spec/fixtures/invalid';
const ABS = fileURLToPath(new URL('./fixtures/invalid/', import.meta.url));
const VALID = fileURLToPath(new URL('./fixtures/valid/', import.meta.url));

/**
 * The broken-file corpus: one user mistake per file, with the line:col where cutover must point,
 * the words its message must contain (the problem, and the hint where one matters), and how many
 * errors the file gets in all (1 unless given: one mistake, one error — no cascades).
 */
const CORPUS: [file: string, line: number, col: number, says: string[], errors?: number][] = [
  ['01-empty-file.yaml', 1, 1, ['file is empty']],
  ['02-comment-only.yaml', 1, 1, ['file is empty']],
  ['03-top-level-list.yaml', 1, 1, ['the document must be a mapping']],
  ['04-multi-document.yaml', 34, 1, ['a rollout file holds one document']],
  ['05-tab-indentation.yaml', 8, 1, ['tab used for indentation']],
  ['06-duplicate-key.yaml', 14, 3, ['duplicate key from']],
  [
    '07-unclosed-flow-mapping.yaml',
    23,
    5,
    ['invalid YAML: flow map in block collection must be sufficiently indented and end with a }'],
  ],
  ['08-unterminated-quote.yaml', 34, 1, ['invalid YAML: missing closing "quote']],
  ['09-bad-indentation.yaml', 12, 1, ['invalid YAML: all mapping items must start at the same column']],
  ['10-wrong-api-version.yaml', 1, 13, ['apiVersion must be cutover.dev/v1alpha1']],
  ['11-wrong-kind.yaml', 2, 7, ['kind "Rollout" is not a', 'file has kind: ClusterRollout']],
  ['12-kind-typo.yaml', 2, 7, ['kind "ClusterRolout" is not a', 'did you mean "ClusterRollout"?']],
  ['13-missing-metadata.yaml', 1, 1, ['metadata is required']],
  ['14-missing-metadata-name.yaml', 3, 1, ['metadata.name is required']],
  ['15-invalid-rollout-name.yaml', 4, 9, ['metadata.name is not valid']],
  ['16-label-value-not-string.yaml', 5, 21, ['metadata.labels.version must be a string']],
  ['17-top-level-key-typo.yaml', 3, 1, ['unknown field metdata', 'did you mean "metadata"?']],
  ['18-spec-key-typo.yaml', 6, 3, ['unknown field spec.regoin', 'did you mean "region"?']],
  ['19-cluster-key-typo.yaml', 9, 7, ['unknown field spec.clusters[0].contxt', 'did you mean "context"?']],
  ['20-route-key-alias.yaml', 17, 7, ['unknown field spec.routes[0].targetGroupARN', 'did you mean "targetGroups"?']],
  ['21-step-key-typo.yaml', 22, 19, ['unknown field spec.steps[0].bak', 'did you mean "bake"?']],
  ['22-gates-key-case.yaml', 31, 5, ['unknown field spec.gates.failurelimit', 'did you mean "failureLimit"?']],
  ['23-check-field-typo.yaml', 29, 47, ['unknown field spec.gates.checks[0].maxx', 'did you mean "max"?']],
  [
    '24-check-type-typo.yaml',
    29,
    16,
    ['spec.gates.checks[0].type is not a known check type', 'did you mean "target5xxRate"?'],
  ],
  ['25-unknown-check-type.yaml', 29, 16, ['spec.gates.checks[0].type is not a known check type']],
  ['26-missing-region.yaml', 5, 1, ['spec.region is required']],
  ['27-bad-region.yaml', 6, 11, ['spec.region is not valid']],
  ['28-invalid-cluster-name.yaml', 8, 13, ['spec.clusters[0].name is not valid']],
  ['29-one-cluster.yaml', 8, 5, ['spec.clusters must have 2 to 5 items']],
  ['30-six-clusters.yaml', 15, 7, ['spec.clusters must have 2 to 5 items']],
  ['31-duplicate-cluster-name.yaml', 10, 7, ['spec.clusters[1].name repeats "blue"']],
  ['32-to-unknown-cluster.yaml', 13, 7, ['spec.to names no cluster', 'did you mean "green"?']],
  ['33-from-equals-to.yaml', 13, 7, ['spec.to must differ from spec.from']],
  ['34-missing-from.yaml', 5, 1, ['spec.from is required']],
  [
    '35-listener-arn-wrong-region.yaml',
    16,
    20,
    ['spec.routes[0].listenerArn is not in spec.region us-east-1', '(got region eu-west-1;'],
  ],
  [
    '36-rule-arn-in-listener-arn.yaml',
    16,
    20,
    ['spec.routes[0].listenerArn is a listener-rule ARN, not a listener ARN', 'rules go in ruleArn'],
  ],
  ['37-listener-and-rule-arn.yaml', 17, 7, ['spec.routes[0] sets both listenerArn and ruleArn']],
  ['38-no-listener-or-rule.yaml', 15, 7, ['spec.routes[0] needs one of listenerArn, ruleArn']],
  ['39-not-an-arn.yaml', 16, 20, ['spec.routes[0].listenerArn is not an ARN']],
  ['40-nlb-listener.yaml', 16, 20, ['spec.routes[0].listenerArn belongs to a Network Load Balancer']],
  ['41-arn-bad-partition.yaml', 16, 20, ['spec.routes[0].listenerArn has an unknown partition "aws-eu"']],
  [
    '42-missing-target-group-for-cluster.yaml',
    17,
    7,
    ['spec.routes[0].targetGroups has no target group for cluster "green"'],
  ],
  [
    '43-target-group-unknown-cluster.yaml',
    20,
    9,
    ['spec.routes[0].targetGroups.gren names no cluster', 'did you mean "green"?'],
  ],
  ['44-same-target-group-twice.yaml', 19, 16, ['spec.routes[0].targetGroups.green is the same target group as blue']],
  ['45-malformed-target-group-arn.yaml', 19, 16, ['spec.routes[0].targetGroups.green is a malformed targetgroup ARN']],
  [
    '46-listener-arn-as-target-group.yaml',
    19,
    16,
    ['spec.routes[0].targetGroups.green is a listener ARN, not a targetgroup ARN'],
  ],
  [
    '47-target-group-other-account.yaml',
    19,
    16,
    ["spec.routes[0].targetGroups.green is not in the load balancer's account 000000000000"],
  ],
  ['48-two-routes-same-listener.yaml', 22, 20, ['spec.routes[1].listenerArn is already used by route "web"']],
  ['49-duplicate-route-name.yaml', 21, 7, ['spec.routes[1].name repeats "web"']],
  ['50-port-out-of-range.yaml', 20, 53, ['spec.routes[0].binding.port must be between 1 and 65535']],
  ['51-port-name-invalid.yaml', 20, 53, ['spec.routes[0].binding.port is not valid']],
  ['52-service-name-invalid.yaml', 20, 42, ['spec.routes[0].binding.service is not valid']],
  [
    '53-weight-over-100.yaml',
    23,
    16,
    ['spec.steps[1].weight must be between 0 and 100', '(got 150; use a percent such as 25)'],
  ],
  ['54-weight-quoted-string.yaml', 22, 16, ['spec.steps[0].weight must be a number', 'write 5 without quotes']],
  ['55-weight-with-percent-sign.yaml', 22, 16, ['spec.steps[0].weight must be a number', 'write 5 without "%"']],
  ['56-negative-weight.yaml', 22, 16, ['spec.steps[0].weight must be between 0 and 100']],
  ['57-weights-decreasing.yaml', 24, 16, ['spec.steps[2].weight must not go down']],
  [
    '58-last-weight-not-100.yaml',
    25,
    16,
    ['spec.steps[3].weight is the last weight step but does not reach 100', 'spec.partial: true'],
  ],
  [
    '59-unrepresentable-small-weight.yaml',
    22,
    16,
    ['spec.steps[0].weight cannot be written as ALB weights', 'use 0.1 or 0'],
  ],
  [
    '60-unrepresentable-large-weight.yaml',
    25,
    16,
    ['spec.steps[3].weight cannot be written as ALB weights', 'use 99.9 or 100'],
  ],
  ['61-bake-in-words.yaml', 22, 25, ['spec.steps[0].bake is not a duration', '(got "5 minutes";']],
  ['62-bake-without-unit.yaml', 22, 25, ['spec.steps[0].bake needs a unit', 'write 300s or 300m']],
  ['63-negative-bake.yaml', 22, 25, ['spec.steps[0].bake must not be negative']],
  ['64-bake-units-out-of-order.yaml', 22, 25, ['spec.steps[0].bake is not a duration']],
  ['65-approve-false.yaml', 24, 17, ['spec.steps[2].approve must be true']],
  ['66-approve-string.yaml', 24, 17, ['spec.steps[2].approve must be true or false']],
  ['67-weight-and-approve.yaml', 23, 31, ['spec.steps[1] sets both weight and approve']],
  ['68-bake-on-approval-step.yaml', 24, 23, ['spec.steps[2].bake only applies with weight or weights']],
  ['69-empty-step.yaml', 24, 7, ['spec.steps[2] needs one of weight, weights, approve']],
  ['70-no-steps.yaml', 21, 10, ['spec.steps must have 1 to 100 items']],
  ['71-only-approval-steps.yaml', 21, 3, ['spec.steps has no weight step']],
  ['72-steps-not-a-list.yaml', 22, 5, ['spec.steps must be a list']],
  ['73-weights-do-not-sum.yaml', 23, 17, ['spec.steps[1].weights must add up to 100']],
  ['74-weights-unknown-cluster.yaml', 23, 28, ['spec.steps[1].weights.gren names no cluster', 'did you mean "green"?']],
  [
    '75-percent-ambiguous.yaml',
    29,
    52,
    ['spec.gates.checks[0].max is ambiguous', 'write 5% for percent or 0.05 for a fraction'],
  ],
  ['76-percent-negative.yaml', 29, 52, ['spec.gates.checks[0].max must not be negative']],
  ['77-percent-quoted-fraction.yaml', 29, 52, ['spec.gates.checks[0].max must be a percentage']],
  ['78-percent-over-100.yaml', 31, 58, ['spec.gates.checks[2].minRatio must be between 0% and 100%']],
  ['79-max-increase-zero.yaml', 30, 75, ['spec.gates.checks[1].maxIncrease must be above 0%']],
  ['80-compare-same-cluster.yaml', 30, 56, ['spec.gates.checks[1] compares cluster "green" with itself']],
  ['81-check-unknown-cluster.yaml', 29, 40, ['spec.gates.checks[0].cluster names no cluster', 'did you mean "green"?']],
  ['82-missing-check-threshold.yaml', 29, 9, ['spec.gates.checks[0].max is required']],
  ['83-check-without-type.yaml', 29, 9, ['spec.gates.checks[0].type is required']],
  ['84-interval-too-short.yaml', 27, 15, ['spec.gates.interval must be at least 1m', '60-second period']],
  ['85-alarm-without-names.yaml', 31, 9, ['spec.gates.checks[2].names is required']],
  ['86-alarm-names-not-a-list.yaml', 31, 30, ['spec.gates.checks[2].names must be a list']],
  ['87-failure-limit-negative.yaml', 31, 19, ['spec.gates.failureLimit must be between 0 and 100']],
  ['88-failure-limit-fraction.yaml', 31, 19, ['spec.gates.failureLimit must be a whole number']],
  ['89-headroom-below-one.yaml', 32, 46, ['spec.capacity.headroom must be between 1 and 10']],
  ['90-min-healthy-targets-zero.yaml', 32, 33, ['spec.capacity.minHealthyTargets must be between 1 and 100000']],
  [
    '91-rollback-mode-typo.yaml',
    33,
    20,
    ['spec.rollback.mode must be one of instant, gradual', 'did you mean "gradual"?'],
  ],
  ['92-iam-role-arn-malformed.yaml', 10, 29, ['spec.clusters[0].assumeRole.roleArn is not an IAM role ARN']],
  ['93-iam-role-wrong-partition.yaml', 10, 29, ['spec.clusters[0].assumeRole.roleArn is not in partition aws']],
  ['94-gates-not-a-mapping.yaml', 26, 10, ['spec.gates must be a mapping']],
  [
    '95-prototype-named-cluster-without-target-group.yaml',
    17,
    7,
    ['spec.routes[0].targetGroups has no target group for cluster "constructor"'],
  ],
  [
    '96-target-group-shared-by-two-clusters.yaml',
    25,
    16,
    ['spec.routes[1].targetGroups.green is cluster "blue"\'s target group in route "web"'],
  ],
  // The alias bomb also holds too many checks (200 > 50): two mistakes, two errors.
  [
    '97-alias-bomb.yaml',
    28,
    1223,
    ['spec.gates.checks[49] takes the file past 10000 values reached through aliases'],
    2,
  ],
  ['98-unknown-yaml-tag.yaml', 23, 16, ['unknown YAML tag !percent', 'remove the tag']],
  ['99-merge-key-not-a-mapping.yaml', 23, 12, ['spec.steps[1] has a merge key << that is not given a mapping']],
  [
    '100-weights-split-not-representable.yaml',
    25,
    17,
    ['spec.steps[1].weights cannot be written as ALB weights', 'use {blue: 0.1, green: 99.8, dr: 0.1}'],
  ],
  [
    '101-arn-partition-not-the-regions.yaml',
    16,
    20,
    ['spec.routes[0].listenerArn has partition aws, but region us-gov-west-1 belongs to partition aws-us-gov'],
  ],
  ['102-check-type-key-typo.yaml', 29, 10, ['unknown field spec.gates.checks[0].typ', 'did you mean "type"?']],
  ['103-alias-of-no-anchor.yaml', 23, 26, ['spec.steps[1].bake refers to no anchor (got *tenMinutes;']],
];

describe('broken rollout corpus', () => {
  it('covers every fixture file, and at least 30 distinct mistakes', () => {
    // GIVEN the fixture directory
    const files = readdirSync(ABS)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    // THEN the table names each file exactly once
    assert.deepEqual(CORPUS.map(([f]) => f).sort(), files);
    assert.ok(files.length >= 30, `only ${files.length} fixtures`);
  });

  for (const [file, line, col, says, errors = 1] of CORPUS) {
    it(`parseRollout: ${file} → ${line}:${col}, ${errors} error${errors === 1 ? '' : 's'}`, () => {
      // WHEN the file is parsed
      const { rollout, diagnostics } = parseRollout(readFileSync(ABS + file, 'utf8'), file);
      // THEN there is no rollout and an error at the expected place says what is wrong
      assert.equal(rollout, undefined);
      const here = diagnostics.filter((d) => d.severity === 'error' && d.line === line && d.col === col);
      assert.ok(
        here.some((d) => says.every((s) => d.message.includes(s))),
        `expected an error at ${line}:${col} saying ${JSON.stringify(says)}; got:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}`,
      );
      // AND the one mistake is not echoed by other errors
      assert.equal(
        diagnostics.filter((d) => d.severity === 'error').length,
        errors,
        diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'),
      );
      // AND the diagnostics are sorted by position
      const keys = diagnostics.map((d) => d.line * 1e6 + d.col);
      assert.deepEqual(
        keys,
        [...keys].sort((a, b) => a - b),
      );
    });
  }
});

/**
 * Files that are valid although a careless validator would refuse them: YAML features (anchors,
 * aliases as check types, merge keys, tabs in comments and block scalars), cluster names that are
 * Object.prototype members, and the partitions other than aws.
 */
describe('valid corpus', () => {
  const files = readdirSync(VALID).filter((f) => f.endsWith('.yaml'));
  it('has the YAML features, prototype names and partitions it is meant to cover', () => {
    assert.deepEqual(files.sort(), [
      'aliases-and-merge-keys.yaml',
      'european-sovereign-cloud-partition.yaml',
      'govcloud-partition.yaml',
      'prototype-named-clusters.yaml',
      'tabs-in-comments-and-block-scalars.yaml',
    ]);
  });
  for (const file of files) {
    it(`parseRollout accepts ${file}, without warnings`, () => {
      const { rollout, diagnostics } = parseRollout(readFileSync(VALID + file, 'utf8'), file);
      assert.deepEqual(
        diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`),
        [],
      );
      assert.ok(rollout);
    });
  }
});

describe('cutover validate on the corpus', () => {
  it('reports every broken file at once: exit 2, file:line:col: error: … per problem, no stack trace', async () => {
    // WHEN all fixtures are validated in one run
    const r = await runCli(['validate', ...CORPUS.map(([f]) => `${DIR}/${f}`)]);
    // THEN it exits 2, prints each expected diagnostic, the count, and nothing else
    assert.equal(r.code, 2);
    const lines = r.stderr.trimEnd().split('\n');
    for (const [file, line, col, says] of CORPUS) {
      const prefix = `${DIR}/${file}:${line}:${col}: error: `;
      assert.ok(
        lines.some((l) => l.startsWith(prefix) && says.every((s) => l.includes(s))),
        `${file}: no line starting ${prefix} saying ${JSON.stringify(says)}`,
      );
    }
    const total = CORPUS.reduce((n, [, , , , errors = 1]) => n + errors, 0);
    assert.equal(lines.at(-1), `${CORPUS.length} of ${CORPUS.length} files have errors (${total} errors)`);
    for (const l of lines.slice(0, -1))
      assert.match(l, /^test\/spec\/fixtures\/invalid\/\d+-[a-z0-9-]+\.yaml:\d+:\d+: (error|warning): /);
    assert.equal(r.stdout, '');
  });

  it('exits 2 for a broken file on its own (a sample of syntax, shape and cross-field mistakes)', async () => {
    for (const [file, line, col] of CORPUS.filter((_, i) => i % 8 === 0)) {
      const r = await runCli(['validate', `${DIR}/${file}`]);
      assert.equal(r.code, 2, `${file}: exit ${r.code}\n${r.stderr}`);
      assert.ok(r.stderr.startsWith(`${DIR}/${file}:`), r.stderr);
      assert.ok(r.stderr.includes(`${DIR}/${file}:${line}:${col}: error: `), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});
