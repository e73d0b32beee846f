import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withChecks, withTraffic } from '../../bench/driver.ts';
import { benchRollout, runRollout } from '../../bench/driver-run.ts';
import { parseScenario } from '../../src/sandbox/scenario/load.ts';

/**
 * One run of the driver benchmark end to end: the real driver, the real sandbox over HTTP, the
 * stepped clock. The benchmark's figures rest on three things checked here: a run measures what
 * it says (onset before restore, no sooner than the floor), the same seed gives the same run
 * (the clock does not race the program), and polling commands each minute instead of every 5 s
 * (what the benchmark does to go faster) changes nothing in a run.
 */
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const rollout = benchRollout(
  withChecks(read('rollouts/sandbox-web.yaml'), [
    '{type: healthyTargets, cluster: green, minRatio: 80%}',
    '{type: compare5xx, baseline: blue, candidate: green, maxIncrease: 0.1%, minRequests: 50}',
  ]),
  'bench compare5xx',
);
const fault =
  '  - {kind: errorRate, cluster: green, errorRate: 1%, when: {share: {loadBalancer: edge, port: 80, targetGroup: web-green, reaches: 5%}}}\n';
const scenario = parseScenario(`${withTraffic(read('scenarios/default.yaml'), 2000)}faults:\n${fault}`, 'bench test');

describe('bench/driver-run.ts', () => {
  it('GIVEN green turns 10× worse at 5% WHEN the driver runs THEN it rolls back at step 1, restoring the weights 3–5 virtual minutes after the onset; the same seed runs the same, with commands polled every 5 s or each minute', async () => {
    const a = await runRollout(rollout, scenario, 7, { pollMs: 60_000 });
    assert.equal(a.outcome, 'rolledBack', a.reason);
    assert.equal(a.step, 0);
    assert.match(a.reason ?? '', /gate failed: .*compare5xx green vs blue/);
    assert.ok(a.onsetAt !== undefined && a.restoredAt !== undefined, 'onset and restore are both known');
    const delay = a.restoredAt - a.onsetAt;
    // The floor is one period + the 2 m lag; failureLimit 1 needs a second failed tick.
    assert.ok(delay >= 3 * 60_000 && delay <= 5 * 60_000, `onset → restored ${delay} ms`);
    assert.deepEqual(await runRollout(rollout, scenario, 7, { pollMs: 60_000 }), a);
    assert.deepEqual(await runRollout(rollout, scenario, 7), a);
  });
});
