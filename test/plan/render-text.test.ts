import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../src/plan/plan.ts';
import { renderPlanText } from '../../src/plan/render-text.ts';
import { parseDuration } from '../../src/spec/duration.ts';
import { rollout, steps } from './rollout-builder.ts';

/** The table rows of a rendered plan, split into cells on runs of 2+ spaces. */
function rows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s+#\s+action/.test(l));
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((l) => l.trim().split(/\s{2,}/));
}

describe('renderPlanText', () => {
  it('GIVEN the design sketch THEN one row per step with share, weights, bake, elapsed and checks', () => {
    const text = renderPlanText(buildPlan(rollout()));
    assert.match(text, /^rollout test-rollout: blue → green \(us-east-1\)\n/);
    assert.deepEqual(rows(text), [
      ['0', 'start', '0%', 'blue=1 green=0', '-', '0s'],
      ['1', 'shift', '5%', 'blue=19 green=1', '5m', '5m', 'all'],
      ['2', 'shift', '25%', 'blue=3 green=1', '10m', '15m', 'all'],
      ['3', 'approve', '25%', 'waits for an operator', '-', '15m', 'all'],
      ['4', 'shift', '100%', 'blue=0 green=1', '15m', '30m', '1,2,3,5'],
    ]);
    assert.match(text, /\n {2}1\. target5xxRate green ≤ 1% \(min 300 requests\)\n/);
    assert.match(
      text,
      /\n {2}4\. compare5xx green vs blue: 5xx rate ≤ blue's \+ 0\.5% \(95% confidence, min 300 requests\)\n/,
    );
    assert.match(text, /rolls back on failed tick 2 \(failure limit 1\); inconclusive ticks tolerated in a row: 5/);
    assert.match(
      text,
      /capacity: .*that cluster needs ≥ 2 healthy target\(s\).*≥ 1\.2 × its new share × blue's healthy targets \(waits up to 5m\); gaining traffic: green\n/,
    );
    assert.match(
      text,
      /rollback: instant — one write per route to blue=1 green=0; no capacity wait: each cluster returns to a share it carried before\n/,
    );
    assert.match(
      text,
      /total: 4 steps, 3 weight changes \(3 ModifyListener\/ModifyRule calls\), 1 approval; minimum duration 30m plus operator waits\n$/,
    );
  });

  it('GIVEN an inexact share and gradual rollback THEN ≈ with a note, and the way back down', () => {
    const text = renderPlanText(
      buildPlan(
        rollout({ steps: steps([33.33, 90_000], [100, 5_400_000]), rollback: { mode: 'gradual', stepBakeMs: 30_000 } }),
      ),
    );
    assert.deepEqual(rows(text)[1]!.slice(0, 5), ['1', 'shift', '33.33%', 'blue=2 green=1 ≈', '1m30s']);
    assert.match(
      text,
      /≈ step 1 cannot be exact in ALB weights; it gets blue 66\.667%, green 33\.333% \(off by up to 0\.0033/,
    );
    assert.match(
      text,
      /rollback: gradual — back through 100% → 33\.33% → 0% on green, baking 30s between; no capacity wait/,
    );
    assert.match(text, /minimum duration 1h33m\n$/);
  });

  it('GIVEN no checks THEN says steps advance on bake time alone', () => {
    const text = renderPlanText(buildPlan(rollout({ gates: { ...rollout().spec.gates, checks: [] } })));
    assert.match(text, /no checks \(steps advance on bake time alone\)/);
  });

  it('GIVEN bakes of 1.5s and 27h THEN durations the rollout grammar reads back (not 1.5s or 1d3h)', () => {
    // No checks: the elapsed column is the bakes alone (with checks a step lasts at least a window + the lag).
    const gates = { ...rollout().spec.gates, checks: [] };
    const text = renderPlanText(buildPlan(rollout({ gates, steps: steps([5, 1_500], [100, 27 * 3_600_000]) })));
    assert.deepEqual(
      rows(text).map((r) => r.slice(4, 6)),
      [
        ['-', '0s'],
        ['1s500ms', '1s500ms'],
        ['27h', '27h1s500ms'],
      ],
    );
    for (const d of ['1s500ms', '27h', '27h1s500ms']) assert.equal(typeof parseDuration(d), 'number');
  });

  it('GIVEN three clusters THEN every cluster that gains traffic is named for capacity, and rollback shows splits', () => {
    const clusters = ['blue', 'green', 'red'].map((name) => ({ name, context: name }));
    const text = renderPlanText(
      buildPlan(
        rollout({
          clusters,
          steps: steps(
            { weights: { blue: 90, green: 5, red: 5 }, bakeMs: 60_000 },
            { weights: { blue: 0, green: 100, red: 0 }, bakeMs: 60_000 },
          ),
          rollback: { mode: 'gradual', stepBakeMs: 30_000 },
        }),
      ),
    );
    assert.match(text, /\(waits up to 5m\); gaining traffic: green, red\n/);
    assert.match(
      text,
      /rollback: gradual — back through 0\/100\/0 → 90\/5\/5 → 100\/0\/0 \(blue\/green\/red\), baking 30s/,
    );
  });
});

describe('renderPlanText: counts and the checks column', () => {
  it('GIVEN one step THEN singular words: 1 step, 1 weight change (1 … call)', () => {
    // Before: "1 steps, 1 weight changes (1 ModifyListener/ModifyRule calls)".
    const text = renderPlanText(buildPlan(rollout({ steps: steps([100, 60_000]) })));
    assert.match(text, /total: 1 step, 1 weight change \(1 ModifyListener\/ModifyRule call\); minimum duration 3m\n$/);
  });

  it('GIVEN checks a step cannot apply THEN a footnote says which, at which steps, and why', () => {
    const text = renderPlanText(buildPlan(rollout()));
    // Step 4 moves all traffic to green: compare5xx green vs blue has no blue traffic to compare with.
    assert.match(
      text,
      /\n {2}checks column: "all" is every check above; a step lists fewer where a check has nothing to judge:\n {4}4\. not at step 4: compare5xx needs traffic on both blue and green; blue has none\n/,
    );
  });

  it("GIVEN a cluster's check at steps without its traffic THEN the footnote groups the steps", () => {
    const clusters = ['blue', 'green', 'red'].map((name) => ({ name, context: name }));
    const green5xx = { type: 'target5xxRate', cluster: 'green', max: 0.01, minRequests: 300 } as const;
    const gates = { ...rollout().spec.gates, checks: [green5xx, { ...green5xx, cluster: 'red' }] };
    const text = renderPlanText(
      buildPlan(
        rollout({
          clusters,
          gates,
          steps: steps(
            { weights: { blue: 90, green: 10, red: 0 }, bakeMs: 60_000 },
            { weights: { blue: 50, green: 50, red: 0 }, bakeMs: 60_000 },
            { weights: { blue: 0, green: 90, red: 10 }, bakeMs: 60_000 },
          ),
        }),
      ),
    );
    assert.match(
      text,
      /\n {4}2\. not at steps 1 and 2: red has no traffic; a cluster's checks apply only while it has some\n/,
    );
  });

  it('GIVEN every check applies at every step THEN no footnote', () => {
    const gates = { ...rollout().spec.gates, checks: [rollout().spec.gates.checks[1]!] };
    assert.doesNotMatch(renderPlanText(buildPlan(rollout({ gates }))), /checks column/);
  });
});
