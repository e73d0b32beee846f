import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cutQuoted, MAX_ARN_SHOWN, MAX_SHOWN, showValue } from '../../src/errors.ts';
import { readText } from '../../src/spec/load.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { errorLines, errorsOf, MINIMAL, warningsOf } from './helpers/minimal-rollout.ts';

const TARGET_GROUP_BINDING = `apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata:
  name: web
  namespace: web
spec:
  serviceRef: {name: web, port: 80}
  targetGroupARN: arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66
  targetType: ip
`;

describe('parseRollout: a file that is not a rollout gets one error saying so, not one per field', () => {
  it('GIVEN a Kubernetes manifest (TargetGroupBinding) THEN one error at its kind naming the kind cutover reads', () => {
    // Before: 14 errors (metadata.namespace unknown, spec.region required, …).
    assert.deepEqual(errorLines(TARGET_GROUP_BINDING), [
      '2:7 kind "TargetGroupBinding" is not a rollout file (got "TargetGroupBinding" of apiVersion "elbv2.k8s.aws/v1beta1"; a rollout file has kind: ClusterRollout)',
    ]);
  });

  it('GIVEN the README (markdown: YAML errors and a text root) THEN the first YAML error and one "must be a mapping"', () => {
    // Before: 42 errors, ~50 KB, one line 41,070 characters long.
    const errors = errorsOf(readFileSync(`${REPO_ROOT}README.md`, 'utf8'));
    assert.equal(errors.length, 2, JSON.stringify(errors, null, 1));
    assert.ok(errors.some((d) => d.message.startsWith('invalid YAML: ')));
    assert.ok(errors.some((d) => /^the document must be a mapping \(got ".*…" and \d+ YAML errors, /.test(d.message)));
    for (const d of errors) assert.ok(d.message.length < 300, d.message);
  });

  it('GIVEN a mapping without kind THEN one error saying so', () => {
    assert.deepEqual(errorLines('name: x\nreplicas: 3\n'), [
      '1:1 the document has no kind (got a mapping without one; a rollout file says kind: ClusterRollout)',
    ]);
  });

  it('GIVEN a rollout with kind ClusterRollout THEN every problem is still reported (the gate lets it through)', () => {
    const text = MINIMAL.replace('to: green', 'to: gren').replace('{weight: 10}', '{weight: 150}');
    assert.equal(errorsOf(text).length, 2);
  });
});

describe('messages quote values cut to a bounded length', () => {
  it('GIVEN a long string THEN showValue cuts it with … and keeps the closing quote', () => {
    const text = `the quick brown fox ${'jumps over the lazy dog '.repeat(5)}`;
    const shown = showValue(text);
    assert.equal(shown.length, MAX_SHOWN);
    assert.match(shown, /^"the quick brown fox .*…"$/);
    // An escape is never split: the cut text is still a JSON string.
    const escaped = showValue('\n'.repeat(100));
    assert.ok(escaped.length <= MAX_SHOWN);
    assert.equal(JSON.parse(escaped), `${'\n'.repeat((escaped.length - 3) / 2)}…`);
    assert.equal(showValue('short'), '"short"');
  });

  it('GIVEN an ARN THEN showValue quotes it whole: its tail (the id) is what tells two apart', () => {
    const rule =
      'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/edge-load-balancer-prod/1330ec75395d8e31/7ea743f6b4084ae9/00000000000000aa';
    assert.ok(rule.length > MAX_SHOWN);
    assert.equal(showValue(rule), JSON.stringify(rule));
    // Past MAX_ARN_SHOWN (a value no real ARN reaches) it loses its middle, never its tail.
    const huge = `arn:aws:iam::000000000000:role/${'path/'.repeat(80)}cutover-driver`;
    const cut = showValue(huge);
    assert.ok(cut.length <= MAX_ARN_SHOWN, `${cut.length}`);
    assert.match(cut, /^"arn:aws:iam::000000000000:role\/(path\/)*p?a?t?h?…[a-z/]*\/cutover-driver"$/);
    assert.ok(cut.length >= MAX_ARN_SHOWN - 2, 'uses the room it has');
  });

  it('GIVEN a parser message quoting a whole chunk THEN cutQuoted cuts the quote and keeps the rest', () => {
    const message = `unexpected scalar token in YAML stream: ${JSON.stringify('x'.repeat(5000))} at the end`;
    assert.equal(
      cutQuoted(message),
      `unexpected scalar token in YAML stream: "${'x'.repeat(MAX_SHOWN - 3)}…" at the end`,
    );
  });

  it('GIVEN an unknown field with a 1000-character name THEN its message stays short', () => {
    const text = MINIMAL.replace('  from: blue', `  ${'k'.repeat(1000)}: 1\n  from: blue`);
    const [error] = errorsOf(text);
    assert.match(error!.message, /^unknown field spec\.k+… \(got "k+…"; allowed here: /);
    assert.ok(error!.message.length < 400, `${error!.message.length} characters`);
  });
});

describe('parseRollout: where and how whole-file problems are reported', () => {
  it('GIVEN a key written twice THEN the duplicate-key error names the key', () => {
    const text = MINIMAL.replace('  to: green', '  to: green\n  to: green');
    assert.deepEqual(errorLines(text), ['9:3 duplicate key to (got to twice in one mapping; keep one of them)']);
  });

  it('GIVEN no gates at all THEN the "no checks" warning points at the spec key, not at spec.region', () => {
    // Before: line 5 (spec.region, the first field of spec).
    const text = MINIMAL.replace(/ {2}gates:[\s\S]*$/, '');
    const [warning] = warningsOf(text).filter((w) => w.message.startsWith('spec.gates has no checks'));
    assert.deepEqual([warning?.line, warning?.col], [4, 1]);
    assert.match(warning!.message, /\(got no spec\.gates;/);
  });

  it('GIVEN gates with an empty checks list THEN the warning points at gates', () => {
    const text = MINIMAL.replace(/ {2}gates:[\s\S]*$/, '  gates: {checks: []}\n');
    const [warning] = warningsOf(text).filter((w) => w.message.startsWith('spec.gates has no checks'));
    assert.deepEqual([warning?.line, warning?.col], [18, 3]);
  });

  it('GIVEN a directory THEN readText says it is one', async () => {
    const r = await readText(`${REPO_ROOT}rollouts`);
    assert.match(r.diagnostic!.message, /^is a directory, not a file \(got a directory; this command takes one file/);
  });
});
