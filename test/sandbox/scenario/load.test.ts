import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../../src/errors.ts';
import { defaultScenario } from '../../../src/sandbox/scenario/default-world.ts';
import { loadScenarioFile, readScenario } from '../../../src/sandbox/scenario/load.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';
import { MINIMAL } from './minimal.ts';

const SCENARIOS = join(REPO_ROOT, 'scenarios');

const errorsOf = (text: string) => readScenario(text, 's.yaml').diagnostics.map(formatDiagnostic);

describe('scenario files', () => {
  it('scenarios/default.yaml describes exactly the built-in default world', () => {
    assert.deepEqual(loadScenarioFile(join(SCENARIOS, 'default.yaml')), defaultScenario());
  });

  it('every example scenario is valid', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 4, `found ${files.join(', ')}`);
    for (const f of files) assert.doesNotThrow(() => loadScenarioFile(join(SCENARIOS, f)), f);
  });

  it('fills defaults for a minimal scenario', () => {
    const { scenario, diagnostics } = readScenario(MINIMAL);
    assert.deepEqual(diagnostics, []);
    assert.equal(scenario!.region, 'us-east-1');
    assert.equal(scenario!.clusters[0]!.podCidr, '10.1.0.0/16');
    assert.deepEqual(scenario!.clusters[0]!.namespaces, ['web']);
    assert.equal(scenario!.targetGroups[0]!.healthCheck.intervalSeconds, 30);
    assert.equal(scenario!.clusters[0]!.workloads[0]!.replicas, 1);
  });

  const cases: [string, string, RegExp][] = [
    [
      'an unknown field',
      MINIMAL.replace('rps: 10', 'rps: 10, burst: 3'),
      /^s\.yaml:12:41: error: unknown field traffic\[0\]\.burst \(got "burst"; allowed here: loadBalancer, port, rps, rules\)$/,
    ],
    [
      'a weight above 999',
      MINIMAL.replace('{a: 1}', '{a: 1000}'),
      /^s\.yaml:7:33: error: loadBalancers\[0\]\.listeners\[0\]\.forward\.a must be between 0 and 999 \(got 1000; /,
    ],
    [
      'a forward to an unknown group',
      MINIMAL.replace('{a: 1}', '{b: 1}'),
      /^s\.yaml:7:33: error: .*forward\.b names no target group \(got "b"; .*defined under targetGroups: a\)$/,
    ],
    [
      'a bad duration',
      MINIMAL.replace('labels: {app: web}}', 'labels: {app: web}, startDelay: soon}'),
      /^s\.yaml:11:77: error: clusters\[0\]\.workloads\[0\]\.startDelay is not a duration \(got "soon"; /,
    ],
    [
      'an unknown cluster in a fault',
      `${MINIMAL}faults: [{at: 1m, kind: killPods, cluster: nope}]\n`,
      /^s\.yaml:13:44: error: faults\[0\]\.cluster names no cluster \(got "nope"; defined under clusters: c1\)$/,
    ],
    [
      'a field of another fault kind',
      `${MINIMAL}faults: [{at: 1m, kind: killPods, cluster: c1, errorRate: 5%}]\n`,
      /^s\.yaml:13:48: error: unknown field faults\[0\]\.errorRate \(got "errorRate"; allowed here: kind, at, when, after, cluster, namespace, workload, pods\)$/,
    ],
    [
      'traffic on a missing listener',
      MINIMAL.replace('rps: 10', 'port: 8080, rps: 10'),
      /^s\.yaml:12:11: error: traffic\[0\] names no listener \(got "edge:8080"; /,
    ],
    [
      'a registration from a missing Service',
      MINIMAL.replace('service: web}}', 'service: api}}'),
      /^s\.yaml:3:70: error: targetGroups\[0\]\.registered\.service names no Service of cluster "c1" \(got "web\/api"; /,
    ],
    ['YAML syntax', 'clusters: [', /^s\.yaml:1:\d+: error: /],
  ];
  for (const [what, text, want] of cases) {
    it(`reports ${what} with file:line:col`, () => {
      const errs = errorsOf(text);
      assert.ok(
        errs.some((e) => want.test(e)),
        errs.join('\n'),
      );
    });
  }

  it('reports every problem of a file, not only the first', () => {
    const text = MINIMAL.replace('{a: 1}', '{a: -1}').replace('rps: 10', 'rps: lots');
    assert.equal(errorsOf(text).length, 2);
  });
});

describe('readScenario: files that are not scenarios', () => {
  it('gives one error for a Kubernetes manifest instead of a field-by-field flood', () => {
    const { scenario, diagnostics } = readScenario(
      'apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: web}\nspec: {serviceRef: {name: web, port: 80}}\n',
      'tgb.yaml',
    );
    assert.equal(scenario, undefined);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message, /kind "TargetGroupBinding" is not a scenario file/);
    assert.equal(diagnostics[0]!.line, 2);
  });

  it('gives at most two errors for prose (the first YAML error and what the file is)', () => {
    const prose = '# Title\n\nSome text: with a colon\nmore text\n- a list item\n  * bullet\n';
    const { diagnostics } = readScenario(prose, 'README.md');
    assert.ok(diagnostics.length <= 2, JSON.stringify(diagnostics));
    assert.ok(
      diagnostics.some((d) => /is not a scenario file|must be a mapping|has no kind|invalid YAML/.test(d.message)),
    );
  });

  it('still accepts a scenario that leaves kind out', () => {
    const { scenario, diagnostics } = readScenario('clusters: [{name: blue}]\n', 's.yaml');
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.ok(scenario);
  });
});
