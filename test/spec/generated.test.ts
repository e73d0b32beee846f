import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { schemaFileText, withReference } from '../../scripts/gen-docs.ts';
import { rolloutJsonSchema } from '../../src/spec/json-schema.ts';
import { REFERENCE_END, REFERENCE_START } from '../../src/spec/reference.ts';
import { schemaErrors } from './helpers/mini-json-schema.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string) => readFileSync(root + p, 'utf8');
const rollouts = readdirSync(`${root}rollouts`).filter((f) => f.endsWith('.yaml'));

describe('artifacts generated from the rollout shape', () => {
  it('schema/rollout.schema.json is the generator output (run npm run gen:docs)', () => {
    assert.equal(read('schema/rollout.schema.json'), schemaFileText());
  });

  it("README's spec reference is up to date (run npm run gen:docs)", () => {
    const readme = read('README.md');
    assert.ok(readme.includes(REFERENCE_START) && readme.includes(REFERENCE_END));
    assert.equal(readme, withReference(readme));
  });

  it('the README reference documents every field of every section', () => {
    const readme = read('README.md');
    for (const field of [
      'listenerArn',
      'ruleArn',
      'targetGroups',
      'minRequests',
      'failureLimit',
      'inconclusiveLimit',
      'headroom',
      'stepBake',
      'partial',
      'weights',
      'externalId',
    ]) {
      assert.match(readme, new RegExp(`\\| \`${field}\` \\|`), field);
    }
  });
});

describe('the JSON Schema', () => {
  const schema = rolloutJsonSchema() as Record<string, any>;

  it('is draft-07, strict where the validator is strict', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schema.required, ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.equal(schema.additionalProperties, false);
    const spec = schema.properties.spec;
    assert.equal(spec.additionalProperties, false);
    assert.equal(spec.properties.clusters.maxItems, 5);
    assert.equal(spec.properties.routes.items.additionalProperties, false);
    assert.equal(spec.properties.steps.items.additionalProperties, false);
    assert.equal(spec.properties.gates.properties.interval.default, '1m');
    // every object schema in the tree either forbids unknown keys or is a map of typed values
    const walk = (s: any, path: string) => {
      if (!s || typeof s !== 'object') return;
      if (s.type === 'object' && s.properties && !s.allOf?.some((x: any) => x.if))
        assert.equal(s.additionalProperties, false, path);
      for (const [k, v] of Object.entries(s)) walk(v, `${path}/${k}`);
    };
    walk(schema, '');
  });

  it('is valid JSON whose patterns compile as ECMA-262 unicode regexes', () => {
    const text = JSON.stringify(schema);
    for (const m of text.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)) new RegExp(JSON.parse(m[1]!), 'u');
  });

  for (const f of rollouts) {
    it(`accepts rollouts/${f}`, () => {
      assert.deepEqual(schemaErrors(schema, parse(read(`rollouts/${f}`))), []);
    });
  }

  const valid = readdirSync(`${root}test/spec/fixtures/valid`).filter((f) => f.endsWith('.yaml'));
  for (const f of valid) {
    it(`accepts fixtures/valid/${f} (merge keys applied, as editors do)`, () => {
      const doc = parse(read(`test/spec/fixtures/valid/${f}`), { merge: true });
      assert.deepEqual(schemaErrors(schema, doc), []);
    });
  }

  const rejected: [string, string][] = [
    ['19-cluster-key-typo.yaml', 'additional property contxt'],
    ['10-wrong-api-version.yaml', 'enum'],
    ['30-six-clusters.yaml', 'maxItems'],
    ['37-listener-and-rule-arn.yaml', 'oneOf'],
    ['53-weight-over-100.yaml', 'maximum'],
    ['61-bake-in-words.yaml', 'anyOf'],
    ['65-approve-false.yaml', 'const true'],
    ['68-bake-on-approval-step.yaml', 'anyOf'],
    ['24-check-type-typo.yaml', 'enum'],
    ['82-missing-check-threshold.yaml', 'required max'],
    ['36-rule-arn-in-listener-arn.yaml', 'pattern'],
    ['50-port-out-of-range.yaml', 'anyOf'],
  ];
  for (const [file, why] of rejected) {
    it(`rejects fixtures/invalid/${file} (${why})`, () => {
      const doc = parse(readFileSync(`${root}test/spec/fixtures/invalid/${file}`, 'utf8'));
      const errs = schemaErrors(schema, doc);
      assert.ok(
        errs.some((e) => e.includes(why)),
        errs.join('\n'),
      );
    });
  }
});
