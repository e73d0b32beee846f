import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateTick } from '../../src/gates/evaluate.ts';
import type { CheckSpec } from '../../src/spec/types.ts';
import { MIN, T0, WEB } from './fixtures.ts';
import { webReadings } from './readings.ts';

const checks: CheckSpec[] = [
  { type: 'target5xxRate', cluster: 'green', max: 0.01, minRequests: 100 },
  { type: 'healthyTargets', cluster: 'green', minRatio: 0.9 },
  { type: 'compare5xx', baseline: 'blue', candidate: 'green', maxIncrease: 0.005, minRequests: 100, confidence: 0.95 },
  { type: 'alarm', names: ['edge-p99'] },
];
const window = { startMs: T0, endMs: T0 + MIN };
const healthy = { green: [{ arn: WEB.targetGroups.green!, targets: [{ id: '10.0.0.1', state: 'healthy' }] }] };
const alarms = { sinceMs: T0, alarms: [{ name: 'edge-p99', state: 'OK' }], history: [] };

describe('evaluateTick', () => {
  it('GIVEN every input THEN each applicable check is judged in order and compare5xx state comes back', () => {
    const metrics = webReadings({ tg1_requests: [600], tg0_requests: [11400], tg0_target5xx: [57] });
    const { tick, compare } = evaluateTick(checks, [0, 1, 2, 3], {
      window,
      metrics,
      targetHealth: healthy,
      alarms,
      compare: {},
    });
    assert.deepEqual(
      tick.verdicts.map((v) => [v.check, v.type, v.outcome]),
      [
        [0, 'target5xxRate', 'pass'],
        [1, 'healthyTargets', 'pass'],
        [2, 'compare5xx', 'inconclusive'],
        [3, 'alarm', 'pass'],
      ],
    );
    assert.equal(tick.outcome, 'inconclusive');
    assert.equal(compare[2]?.candidateRequests, 600);
  });

  it('GIVEN only some checks apply THEN only those are judged', () => {
    const metrics = webReadings({ tg1_requests: [600] });
    const { tick } = evaluateTick(checks, [0], { window, metrics, targetHealth: {}, compare: {} });
    assert.deepEqual(
      tick.verdicts.map((v) => v.check),
      [0],
    );
    assert.equal(tick.outcome, 'pass');
  });

  it('GIVEN GetMetricData failed THEN metric checks are inconclusive while health and alarms are still judged', () => {
    const { tick, compare } = evaluateTick(checks, [0, 1, 2, 3], {
      window,
      metrics: { error: 'Throttling: Rate exceeded' },
      targetHealth: healthy,
      alarms: { ...alarms, alarms: [{ name: 'edge-p99', state: 'ALARM' }] },
      compare: {},
    });
    assert.deepEqual(
      tick.verdicts.map((v) => v.outcome),
      ['inconclusive', 'pass', 'inconclusive', 'fail'],
    );
    assert.equal(
      tick.verdicts[0]!.description,
      'target5xxRate green metrics unreadable (Throttling: Rate exceeded) inconclusive',
    );
    assert.equal(tick.outcome, 'fail');
    assert.deepEqual(compare, {});
  });

  it("GIVEN readable metrics THEN the tick carries each cluster's requests and target 5xx per minute, for the live view", () => {
    const metrics = webReadings(
      { tg0_requests: [900, 800], tg0_target5xx: [undefined, 4], tg1_requests: [100, 200], tg1_target5xx: [3] },
      2,
    );
    const { tick } = evaluateTick(checks, [0], {
      window: { startMs: T0, endMs: T0 + 2 * MIN },
      metrics,
      targetHealth: {},
      compare: {},
    });
    assert.deepEqual(tick.traffic, {
      blue: [
        { startMs: T0, requests: 900, errors: 0 },
        { startMs: T0 + MIN, requests: 800, errors: 4 },
      ],
      green: [
        { startMs: T0, requests: 100, errors: 3 },
        { startMs: T0 + MIN, requests: 200, errors: 0 },
      ],
    });
  });

  it("GIVEN GetMetricData failed, or one cluster's series is unreadable THEN no traffic is made up for it", () => {
    const failed = evaluateTick(checks, [0], {
      window,
      metrics: { error: 'Throttling' },
      targetHealth: {},
      compare: {},
    });
    assert.equal(failed.tick.traffic, undefined);
    const metrics = webReadings({ tg0_requests: [900], tg1_requests: [100] });
    metrics.series.tg1_target5xx = { ok: false, reason: 'status InternalError' };
    const { tick } = evaluateTick(checks, [0], { window, metrics, targetHealth: {}, compare: {} });
    assert.deepEqual(Object.keys(tick.traffic ?? {}), ['blue']);
  });

  it('GIVEN no snapshot for the cluster and no alarm poll THEN those checks are inconclusive, not passes', () => {
    const metrics = webReadings({ tg1_requests: [600] });
    const { tick } = evaluateTick(checks, [1, 3], { window, metrics, targetHealth: {}, compare: {} });
    assert.deepEqual(
      tick.verdicts.map((v) => v.outcome),
      ['inconclusive', 'inconclusive'],
    );
  });
});
