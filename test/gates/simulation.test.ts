import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DRIFTING_RATE,
  FIVE_PERCENT,
  ROLLOUT_SHARES,
  repeatedZGate,
  type Scenario,
  SIXTY_AT_FIVE_PERCENT,
  seeded,
  sequentialGate,
  simulate,
} from './simulation.ts';

/**
 * The compare5xx test's error rates, measured: 2,000 simulated rollouts of 30 looks (one a minute)
 * at the sandbox's default traffic (200 req/s = 12,000 a minute), baseline 5xx 0.5%, margin δ 0.5
 * points, 95% confidence (α = 5%). bench/gates.ts runs the bigger version beside naive gates.
 */
const params = { maxIncrease: 0.005, confidence: 0.95, minRequests: 100 };
const ROLLOUTS = 2000;
/** Three standard deviations of a rate near α measured over `n` rollouts. */
const tolerance = (n: number) => 3 * Math.sqrt((0.05 * 0.95) / n);
const TOLERANCE = tolerance(ROLLOUTS);
const world = (shares: number[], candidateRate: number): Scenario => ({
  requestsPerMinute: 12_000,
  shares,
  baselineRate: 0.005,
  candidateRate,
});

describe('compare5xx error rates by simulation', () => {
  it('GIVEN the worst case the margin allows (candidate exactly δ worse) THEN false alarms over a whole rollout stay ≤ α', () => {
    const r = simulate(sequentialGate(params), world(ROLLOUT_SHARES, 0.01), ROLLOUTS, seeded(11));
    assert.ok(r.failRate <= 0.05 + TOLERANCE, `false alarm rate ${r.failRate}`);
  });

  it('GIVEN the worst case at low traffic (60 candidate requests a minute at 5%) THEN false alarms still stay ≤ α', () => {
    const low = { ...world(ROLLOUT_SHARES, 0.01), requestsPerMinute: 1_200 };
    const r = simulate(sequentialGate(params), low, 1000, seeded(15));
    assert.ok(r.failRate <= 0.05 + tolerance(1000), `false alarm rate ${r.failRate}`);
  });

  it('GIVEN rare errors (baseline 0.05%, under one candidate error a minute) at the worst case THEN false alarms stay ≤ α', () => {
    const rare = {
      requestsPerMinute: 2_000,
      shares: SIXTY_AT_FIVE_PERCENT,
      baselineRate: 0.0005,
      candidateRate: 0.0055,
    };
    const r = simulate(sequentialGate(params), rare, 1000, seeded(16));
    assert.ok(r.failRate <= 0.05 + tolerance(1000), `false alarm rate ${r.failRate}`);
  });

  it('GIVEN the same worst case THEN a fixed-level z-test repeated at every look alarms far more often than α (the simulation can see inflation)', () => {
    const r = simulate(repeatedZGate(params), world(ROLLOUT_SHARES, 0.01), ROLLOUTS, seeded(11));
    assert.ok(r.failRate > 0.05 + TOLERANCE, `repeated z-test false alarm rate ${r.failRate}`);
  });

  it('GIVEN a healthy candidate (same rate) THEN no false alarm and the check passes', () => {
    const r = simulate(sequentialGate(params), world(ROLLOUT_SHARES, 0.005), 500, seeded(12));
    assert.ok(r.failRate <= 0.01, `false alarm rate ${r.failRate}`);
    assert.ok(r.passRate >= 0.95, `pass rate ${r.passRate}`);
  });

  it('GIVEN a 5xx rate both clusters share that jumps while the candidate carries more THEN no false alarm, where pooled totals would raise one', () => {
    const drift = {
      requestsPerMinute: 12_000,
      shares: ROLLOUT_SHARES,
      baselineRate: DRIFTING_RATE,
      candidateRate: DRIFTING_RATE,
    };
    const ours = simulate(sequentialGate(params), drift, 500, seeded(14));
    assert.ok(ours.failRate <= 0.05, `false alarm rate ${ours.failRate}`);
    const pooled = simulate(repeatedZGate(params), drift, 500, seeded(14));
    assert.ok(pooled.failRate > 0.5, `pooled z-test false alarm rate ${pooled.failRate}`);
  });

  const regressions: Array<[string, number, number, number]> = [
    // name, candidate rate, minimum power within 30 looks at 5%, maximum mean looks to detection
    ['3× (1.5%)', 0.015, 0.95, 10],
    ['10× (5%)', 0.05, 0.99, 2],
  ];
  for (const [name, rate, power, delay] of regressions) {
    it(`GIVEN a ${name} regression at 5% weight THEN it is caught with power ≥ ${power} within ${delay} looks on average`, () => {
      const r = simulate(sequentialGate(params), world(FIVE_PERCENT, rate), 1000, seeded(13));
      assert.ok(r.failRate >= power, `power ${r.failRate}`);
      assert.ok(r.meanFailLook <= delay, `mean detection look ${r.meanFailLook}`);
    });
  }
});
