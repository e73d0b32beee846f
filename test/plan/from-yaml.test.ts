import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../src/plan/plan.ts';
import { specHash } from '../../src/spec/hash.ts';
import { parseRollout } from '../../src/spec/load.ts';
import type { RolloutSpec } from '../../src/spec/types.ts';

/** The loader's normalized contract as the plan consumes it: YAML → RolloutSpec → Plan. */

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000';
const LISTENER = `${ARN}:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9`;
const RULE = `${ARN}:listener-rule/app/edge/1330ec75395d8e31/7ea743f6b4084ae9/9683b2d02a6cabee`;
const TG = (name: string, n: number) => `${ARN}:targetgroup/${name}/${String(n).padStart(16, '0')}`;

function yaml(o: { clusters?: string[]; from?: string; to?: string; steps: string; route?: string }): string {
  const clusters = o.clusters ?? ['blue', 'green'];
  return `apiVersion: cutover.dev/v1alpha1
kind: ClusterRollout
metadata: {name: x}
spec:
  region: us-east-1
  clusters: [${clusters.map((c) => `{name: ${c}}`).join(', ')}]
  from: ${o.from ?? clusters[0]}
  to: ${o.to ?? clusters[1]}
  routes:
    - name: web
      ${o.route ?? `listenerArn: ${LISTENER}`}
      targetGroups: {${clusters.map((c, i) => `${c}: ${TG(`web-${c}`, i + 1)}`).join(', ')}}
  steps: ${o.steps}
  gates:
    checks: [{type: elb5xxRate, max: 1%}]
`;
}

function load(text: string): RolloutSpec {
  const { rollout, diagnostics } = parseRollout(text, 'r.yaml');
  assert.ok(rollout, JSON.stringify(diagnostics, null, 1));
  return rollout;
}

describe('normalized weight steps: one form', () => {
  it('GIVEN {weight: 5} and {weights: {blue: 95, green: 5}} THEN the same steps, hash and plan', () => {
    const short = load(yaml({ steps: '[{weight: 5}, {weight: 100}]' }));
    const full = load(yaml({ steps: '[{weights: {blue: 95, green: 5}}, {weights: {green: 100}}]' }));
    assert.deepEqual(short.spec.steps, full.spec.steps);
    assert.deepEqual(short.spec.steps[0], {
      kind: 'weight',
      index: 0,
      shares: { blue: 95, green: 5 },
      toPercent: 5,
      bakeMs: 60_000,
    });
    assert.equal(specHash(short), specHash(full));
    assert.deepEqual(buildPlan(short), buildPlan(full));
  });

  it('GIVEN a third cluster THEN every step lists it, at 0 when the file leaves it out', () => {
    const r = load(
      yaml({
        clusters: ['blue', 'green', 'dr'],
        steps: '[{weight: 5}, {weights: {blue: 85, green: 10, dr: 5}}, {weight: 100}]',
      }),
    );
    assert.deepEqual(
      r.spec.steps.map((s) => (s.kind === 'weight' ? [s.shares, s.toPercent] : s.kind)),
      [
        [{ blue: 95, green: 5, dr: 0 }, 5],
        [{ blue: 85, green: 10, dr: 5 }, 10],
        [{ blue: 0, green: 100, dr: 0 }, 100],
      ],
    );
  });

  it('GIVEN {weight: 99.9} THEN `from` gets 0.1, not 0.09999999999999432', () => {
    const r = load(yaml({ steps: '[{weight: 99.9}, {weight: 100}]' }));
    assert.deepEqual(r.spec.steps[0]!.kind === 'weight' && r.spec.steps[0]!.shares, { blue: 0.1, green: 99.9 });
  });
});

describe('normalized routes: a listener or a rule', () => {
  it('GIVEN listenerArn THEN kind listener; GIVEN ruleArn THEN kind rule', () => {
    assert.deepEqual(
      load(yaml({ steps: '[{weight: 100}]' })).spec.routes.map((r) => [r.kind, r.arn]),
      [['listener', LISTENER]],
    );
    assert.deepEqual(
      load(yaml({ steps: '[{weight: 100}]', route: `ruleArn: ${RULE}` })).spec.routes.map((r) => [r.kind, r.arn]),
      [['rule', RULE]],
    );
  });
});

describe('required fields are set', () => {
  it('partial is a boolean even when the file does not mention it', () => {
    assert.equal(load(yaml({ steps: '[{weight: 100}]' })).spec.partial, false);
  });
});

describe('clusters named like Object.prototype members', () => {
  it('GIVEN clusters `constructor` and `prototype`, `weights:` leaving one out THEN shares 0, no prototype leak', () => {
    // Before: st.weights.constructor ?? 0 found Object.prototype.constructor, so the step's share
    // for `constructor` was [Function: Object] and leaked into the plan.
    const r = load(
      yaml({
        clusters: ['prototype', 'constructor'],
        steps: '[{weights: {prototype: 95, constructor: 5}}, {weights: {constructor: 100}}]',
      }),
    );
    assert.deepEqual(
      r.spec.steps.map((s) => s.kind === 'weight' && s.shares),
      [
        { prototype: 95, constructor: 5 },
        { prototype: 0, constructor: 100 },
      ],
    );
    const plan = buildPlan(r);
    assert.doesNotMatch(JSON.stringify(plan), /Function|\[object /);
    assert.deepEqual(plan.steps[1]!.state.weights, { prototype: 0, constructor: 1 });
    assert.deepEqual(plan.routes[0]!.targetGroups, {
      prototype: TG('web-prototype', 1),
      constructor: TG('web-constructor', 2),
    });
  });
});
