import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { scenarioSchemaFileText, withScenarioReference } from '../../../scripts/gen-docs.ts';
import { readScenario } from '../../../src/sandbox/scenario/load.ts';
import {
  SCENARIO_REFERENCE_END,
  SCENARIO_REFERENCE_START,
  scenarioJsonSchema,
} from '../../../src/sandbox/scenario/scenario-docs.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';
import { schemaErrors } from '../../spec/helpers/mini-json-schema.ts';

const read = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8');
const scenarios = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));

describe('artifacts generated from the scenario shape', () => {
  it('schema/scenario.schema.json is the generator output (run npm run gen:docs)', () => {
    assert.equal(read('schema/scenario.schema.json'), scenarioSchemaFileText());
  });

  it("README's scenario reference is up to date (run npm run gen:docs)", () => {
    const readme = read('README.md');
    assert.ok(readme.includes(SCENARIO_REFERENCE_START) && readme.includes(SCENARIO_REFERENCE_END));
    assert.equal(readme, withScenarioReference(readme));
  });

  it('the README reference documents every section, fault kind and field', () => {
    const readme = read('README.md');
    for (const heading of [
      'SandboxScenario',
      'metrics.lag',
      'loadBalancers[].listeners[].rules[]',
      'targetGroups[].registered',
      'clusters[].workloads[].containerPorts[]',
      'faults[] kind: kubeThrottle',
      'faults[] kind: kubeError',
      'faults[] kind: traffic',
    ])
      assert.ok(readme.includes(`#### \`${heading}\``), heading);
    for (const field of [
      'deregistrationDelay',
      'readinessGates',
      'extendedStatistic',
      'verbs',
      'resources',
      'probability',
    ])
      assert.match(readme, new RegExp(`\\| \`${field}\` \\|`), field);
  });
});

describe('the scenario JSON Schema', () => {
  const schema = scenarioJsonSchema() as Record<string, any>;

  it('is draft-07 and strict: every object forbids unknown fields', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.targetGroups.items.properties.healthCheck.additionalProperties, false);
    assert.equal(schema.properties.metrics.properties.step.default, '1s');
    const walk = (s: any, path: string) => {
      if (!s || typeof s !== 'object') return;
      if (s.type === 'object' && s.properties && !s.allOf?.some((x: any) => x.if))
        assert.equal(s.additionalProperties, false, path);
      for (const [k, v] of Object.entries(s)) walk(v, `${path}/${k}`);
    };
    walk(schema, '');
  });

  it('has patterns that compile as ECMA-262 unicode regexes', () => {
    for (const m of JSON.stringify(schema).matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g))
      new RegExp(JSON.parse(m[1]!), 'u');
  });

  const rejected: [string, string, string][] = [
    ['an unknown field', 'clusters: [{name: a, pods: 3}]', 'additional property pods'],
    ['an unknown fault kind', 'faults: [{at: 1m, kind: killPod, cluster: a}]', 'enum'],
    ['a field of another fault kind', 'faults: [{at: 1m, kind: killPods, cluster: a, errorRate: 5%}]', 'errorRate'],
    ['a weight above 999', 'loadBalancers: [{name: e, listeners: [{port: 80, forward: {a: 1000}}]}]', 'maximum'],
    ['a bad kube verb', 'faults: [{at: 1m, kind: kubeThrottle, cluster: a, verbs: [lsit]}]', 'enum'],
  ];
  for (const [what, text, why] of rejected) {
    it(`rejects ${what}, as the validator does`, () => {
      const errs = schemaErrors(schema, parse(text));
      assert.ok(
        errs.some((e) => e.includes(why)),
        errs.join('\n'),
      );
      assert.ok(readScenario(text).diagnostics.some((d) => d.severity === 'error'));
    });
  }
});

describe('every file in scenarios/', () => {
  const schema = scenarioJsonSchema();
  for (const f of scenarios) {
    describe(f, () => {
      const text = read(`scenarios/${f}`);
      it('starts with the yaml-language-server schema comment', () => {
        assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=../schema/scenario.schema.json');
      });
      it('passes the validator without warnings', () => {
        assert.deepEqual(readScenario(text, f).diagnostics, []);
      });
      it('passes the JSON Schema', () => {
        assert.deepEqual(schemaErrors(schema, parse(text)), []);
      });
    });
  }
});
