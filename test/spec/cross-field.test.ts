import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { specHash } from '../../src/spec/hash.ts';
import { parseRollout } from '../../src/spec/load.ts';
import type { RolloutSpec } from '../../src/spec/types.ts';
import { ARN, errorLines, MINIMAL, problemsOf, TG_BLUE, TG_GREEN, warningsOf } from './helpers/minimal-rollout.ts';

const TGS = `        blue: ${TG_BLUE}\n        green: ${TG_GREEN}\n`;
const RULE = `${ARN}:listener-rule/app/edge/1330ec75395d8e31/7ea743f6b4084ae9/9683b2d02a6cabee`;
/** MINIMAL with a second route `api` (a listener rule) whose target groups are given. */
const withApiRoute = (blue: string, green: string) =>
  MINIMAL.replace(
    '  steps:\n',
    `    - name: api\n      ruleArn: ${RULE}\n      targetGroups: {blue: ${blue}, green: ${green}}\n  steps:\n`,
  );
const API_BLUE = `${ARN}:targetgroup/api-blue/b88fa8f6584adf66`;

describe('target groups across routes', () => {
  it('refuses a target group that is one cluster in a route and another cluster in another route', () => {
    // GIVEN route api maps green to the target group route web maps to blue
    const text = withApiRoute(API_BLUE, TG_BLUE);
    // THEN it is an error: blue's and green's agents would both register into it
    assert.deepEqual(problemsOf(text), [
      `17:126 spec.routes[1].targetGroups.green is cluster "blue"'s target group in route "web"`,
    ]);
  });

  it('allows the same cluster to share a target group across routes, with a warning', () => {
    const text = withApiRoute(TG_BLUE, `${ARN}:targetgroup/api-green/861fbf0b36bfccac`);
    const { rollout } = parseRollout(text, 'r.yaml');
    assert.ok(rollout);
    assert.deepEqual(
      warningsOf(text).map((d) => d.message.split(' (')[0]),
      ['spec.routes[1].targetGroups.blue is also used by route "web"'],
    );
  });
});

describe('cluster names that are Object.prototype members', () => {
  const asConstructor = (text: string) =>
    text.replace('{name: blue}', '{name: constructor}').replace('from: blue', 'from: constructor');

  it('needs a target group for a cluster named constructor', () => {
    const text = asConstructor(MINIMAL).replace(`        blue: ${TG_BLUE}\n`, '');
    assert.deepEqual(problemsOf(text), [
      '12:7 spec.routes[0].targetGroups has no target group for cluster "constructor"',
    ]);
  });

  it('gives a cluster named constructor no share it was not given', () => {
    const text = asConstructor(MINIMAL)
      .replace(TGS, `        constructor: ${TG_BLUE}\n        green: ${TG_GREEN}\n`)
      .replace('{weight: 10}', '{weights: {green: 100}}')
      .replace('{weight: 100, bake: 90s}', '{weight: 100}');
    const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const first = rollout!.spec.steps[0]!;
    assert.equal(first.kind === 'weight' && first.shares.constructor, 0);
  });

  it('reads field names and check types named like prototype members as unknown', () => {
    assert.deepEqual(problemsOf(MINIMAL.replace('  from: blue', '  constructor: 1\n  from: blue')), [
      '7:3 unknown field spec.constructor',
    ]);
    assert.deepEqual(problemsOf(MINIMAL.replace('{type: healthyTargets}', '{type: constructor}')), [
      '22:16 spec.gates.checks[2].type is not a known check type',
    ]);
  });

  it('keeps a label named constructor as an own entry', () => {
    const text = MINIMAL.replace('metadata: {name: min}', 'metadata: {name: min, labels: {constructor: x}}');
    const labels = parseRollout(text, 'r.yaml').rollout!.metadata.labels!;
    assert.ok(Object.hasOwn(labels, 'constructor'));
    assert.equal(labels.constructor, 'x');
  });
});

describe('regions and partitions', () => {
  const inRegion = (region: string, partition: string) =>
    MINIMAL.replace('region: us-east-1', `region: ${region}`).replaceAll(
      'arn:aws:elasticloadbalancing:us-east-1:',
      `arn:${partition}:elasticloadbalancing:${region}:`,
    );

  it('accepts every partition with its own regions', () => {
    for (const [region, partition] of [
      ['us-gov-west-1', 'aws-us-gov'],
      ['cn-north-1', 'aws-cn'],
      ['us-iso-east-1', 'aws-iso'],
      ['us-isob-east-1', 'aws-iso-b'],
      ['eu-isoe-west-1', 'aws-iso-e'],
      ['us-isof-south-1', 'aws-iso-f'],
      ['eusc-de-east-1', 'aws-eusc'],
      ['mx-central-1', 'aws'],
    ]) {
      assert.deepEqual(errorLines(inRegion(region!, partition!)), [], region);
    }
  });

  it('refuses an ARN whose partition is not its region’s', () => {
    const text = inRegion('us-iso-east-1', 'aws-iso').replace('listenerArn: arn:aws-iso:', 'listenerArn: arn:aws:');
    assert.deepEqual(problemsOf(text), [
      '11:20 spec.routes[0].listenerArn has partition aws, but region us-iso-east-1 belongs to partition aws-iso',
    ]);
  });

  it('refuses a region of no partition', () => {
    assert.deepEqual(problemsOf(inRegion('xx-north-1', 'aws')), ['5:11 spec.region is not valid']);
  });
});

describe('explicit splits and ALB weights', () => {
  const five = (split: string) =>
    MINIMAL.replace('[{name: blue}, {name: green}]', '[{name: a}, {name: b}, {name: c}, {name: d}, {name: e}]')
      .replace('from: blue', 'from: e')
      .replace('to: green', 'to: a')
      .replace(
        TGS,
        ['a', 'b', 'c', 'd', 'e']
          .map((c, i) => `        ${c}: ${ARN}:targetgroup/tg-${c}/000000000000000${i}\n`)
          .join(''),
      )
      .replace('{weight: 10}', `{weights: ${split}}`)
      .replace('{type: compare5xx, maxIncrease: 0.25%}', '{type: elb5xxRate, max: 1%}');

  it('judges the whole split: four 0.07% shares next to 99.72% cannot be written', () => {
    // (each share alone fits a two-group split; together the closest ALB split gives e 99.60%)
    assert.deepEqual(errorLines(five('{a: 0.07, b: 0.07, c: 0.07, d: 0.07, e: 99.72}')), [
      '19:17 spec.steps[0].weights cannot be written as ALB weights (got {a: 0.07, b: 0.07, c: 0.07, d: 0.07, e: 99.72}; weights are integers 0–999 per target group, and the nearest split they make is 0.12 points off for e — use {a: 0.1, b: 0.1, c: 0.1, d: 0.1, e: 99.6})',
    ]);
  });

  it('accepts a split the nearest ALB weights come within 0.05 points of', () => {
    assert.deepEqual(errorLines(five('{a: 33.33, b: 33.33, c: 33.34}')), []);
    assert.deepEqual(errorLines(five('{a: 0.1, b: 0.1, c: 0.1, d: 0.1, e: 99.6}')), []);
  });
});

describe('specHash', () => {
  const hashOf = (text: string) => specHash(parseRollout(text, 'r.yaml').rollout!);

  it('ignores labels and annotations, which cutover ignores, but not the name', () => {
    const base = hashOf(MINIMAL);
    assert.equal(
      hashOf(
        MINIMAL.replace('metadata: {name: min}', 'metadata: {name: min, labels: {team: web}, annotations: {a: b}}'),
      ),
      base,
    );
    assert.notEqual(hashOf(MINIMAL.replace('metadata: {name: min}', 'metadata: {name: other}')), base);
  });

  it('does not depend on the order of keys (target groups, labels)', () => {
    const rollout = parseRollout(MINIMAL, 'r.yaml').rollout!;
    const route = rollout.spec.routes[0]!;
    const reordered: RolloutSpec = {
      ...rollout,
      spec: { ...rollout.spec, routes: [{ ...route, targetGroups: { green: TG_GREEN, blue: TG_BLUE } }] },
    };
    assert.deepEqual(Object.keys(route.targetGroups), ['blue', 'green']);
    assert.equal(specHash(reordered), specHash(rollout));
    assert.equal(
      hashOf(MINIMAL.replace(TGS, `        green: ${TG_GREEN}\n        blue: ${TG_BLUE}\n`)),
      hashOf(MINIMAL),
    );
  });
});
