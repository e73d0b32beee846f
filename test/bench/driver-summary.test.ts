import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withChecks, withTraffic } from '../../bench/driver.ts';
import { minutes, rateText, summarizeDetection, wilson } from '../../bench/driver-summary.ts';

const MIN = 60_000;

describe('bench/driver-summary.ts', () => {
  it('GIVEN runs rolled back after, before and without the fault THEN detected, early and missed split them and the delays are of the detected only', () => {
    const s = summarizeDetection([
      { outcome: 'rolledBack', onsetAt: 0, restoredAt: 4 * MIN },
      { outcome: 'rolledBack', onsetAt: 10 * MIN, restoredAt: 16 * MIN },
      { outcome: 'rolledBack', onsetAt: 0, restoredAt: 5 * MIN },
      { outcome: 'rolledBack', restoredAt: 3 * MIN }, // the fault never started
      { outcome: 'rolledBack', onsetAt: 9 * MIN, restoredAt: 3 * MIN }, // it started after the rollback
      { outcome: 'completed', onsetAt: 0 },
      { outcome: 'failed' },
    ]);
    assert.deepEqual(s, { runs: 7, detected: 3, early: 2, missed: 2, p50Ms: 5 * MIN, p90Ms: 6 * MIN, maxMs: 6 * MIN });
  });

  it('GIVEN no detection THEN the delays are NaN and print as –', () => {
    const s = summarizeDetection([{ outcome: 'completed', onsetAt: 0 }]);
    assert.equal(s.detected, 0);
    assert.ok(Number.isNaN(s.p50Ms) && Number.isNaN(s.maxMs));
    assert.equal(minutes(s.p50Ms), '–');
    assert.equal(minutes(4.4 * MIN), '4.4');
  });

  it('GIVEN k of n THEN the Wilson interval matches the textbook values and is not zero-width at 0', () => {
    const at = (k: number, n: number) => {
      const w = wilson(k, n);
      return [+(100 * w.low).toFixed(2), +(100 * w.high).toFixed(2)];
    };
    assert.deepEqual(at(0, 200), [0, 1.88]);
    assert.deepEqual(at(10, 200), [2.74, 8.96]);
    assert.deepEqual(at(200, 200), [98.12, 100]);
    assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
    assert.equal(rateText(3, 200), '3/200 (1.5%, 95% CI 0.5–4.3%)');
  });
});

describe('bench/driver.ts rollout and scenario variants', () => {
  const base = readFileSync(new URL('../../rollouts/sandbox-web.yaml', import.meta.url), 'utf8');

  it('GIVEN sandbox-web.yaml WHEN its checks are replaced THEN only the checks list changes', () => {
    const text = withChecks(base, ['{type: healthyTargets, cluster: green, minRatio: 80%}', '{type: x}']);
    const checks = (t: string) => t.split('\n').filter((l) => /^ {6}- \{type:/.test(l));
    assert.deepEqual(checks(text), [
      '      - {type: healthyTargets, cluster: green, minRatio: 80%}',
      '      - {type: x}',
    ]);
    const rest = (t: string) => t.split('\n').filter((l) => !/^ {6}- \{type:/.test(l));
    assert.deepEqual(rest(text), rest(base));
    assert.throws(() => withChecks('gates: {}\n', []), /no `checks:` list/);
  });

  it('GIVEN a scenario WHEN its traffic is set THEN the edge line carries the new rate, and a scenario without it is refused', () => {
    const scenario = readFileSync(new URL('../../scenarios/noisy.yaml', import.meta.url), 'utf8');
    assert.match(withTraffic(scenario, 2000), /\n {2}- \{loadBalancer: edge, port: 80, rps: 2000\}\n/);
    assert.throws(() => withTraffic('traffic: []\n', 2000), /no `- \{loadBalancer: edge, port: 80, rps: N\}`/);
  });
});
