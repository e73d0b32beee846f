import { normalCdf } from '../../src/gates/normal.ts';
import type { MinuteCounts } from '../../src/gates/sequential.ts';
import { accumulate, emptyAccumulator, sequentialTest } from '../../src/gates/sequential.ts';

/**
 * Simulated rollouts for the compare5xx test's error rates: each look is one minute of traffic
 * split between baseline and candidate, 5xx drawn binomially. Shared by test/gates and bench/gates.ts.
 */

export { seeded } from '../plan/random.ts';

/** Binomial(n, p) by CDF inversion (exact for the small means used here), normal beyond a mean of 200. */
export function binomial(rand: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean > 200) {
    const u1 = rand() || 1e-12;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
    return Math.min(n, Math.max(0, Math.round(mean + z * Math.sqrt(mean * (1 - p)))));
  }
  const u = rand();
  let k = 0;
  let prob = (1 - p) ** n;
  let cdf = prob;
  while (u > cdf && k < n) {
    prob *= ((n - k) / (k + 1)) * (p / (1 - p));
    k += 1;
    cdf += prob;
  }
  return k;
}

export interface Scenario {
  /** Requests per minute through the load balancer. */
  requestsPerMinute: number;
  /** Candidate share (0–1) at each look; its length is the number of looks. */
  shares: number[];
  /** 5xx rates: one for every look, or one per look (a rate that drifts over time). */
  baselineRate: number | number[];
  candidateRate: number | number[];
}

const at = (rate: number | number[], look: number): number => (typeof rate === 'number' ? rate : rate[look]!);

/** A gate fed one minute at a time: says fail, pass or undecided after each. */
export type Gate = (m: MinuteCounts) => 'fail' | 'pass' | 'undecided';
export type GateFactory = () => Gate;

export interface Params {
  maxIncrease: number;
  confidence: number;
  minRequests: number;
}

/** cutover's compare5xx: the always-valid sequential test on the running totals. */
export const sequentialGate =
  (p: Params): GateFactory =>
  () => {
    let acc = emptyAccumulator();
    return (m) => {
      acc = accumulate(acc, [m]);
      if (acc.candidateRequests < p.minRequests || acc.baselineRequests < p.minRequests) return 'undecided';
      return sequentialTest(acc, p).decision;
    };
  };

/** A naive gate: fail whenever the minute's candidate rate exceeds the baseline's by more than δ. */
export const fixedThresholdGate =
  (p: Params): GateFactory =>
  () =>
  (m) => {
    if (m.candidateRequests < p.minRequests) return 'undecided';
    const diff = m.candidateErrors / m.candidateRequests - m.baselineErrors / Math.max(1, m.baselineRequests);
    return diff > p.maxIncrease ? 'fail' : 'pass';
  };

/** A naive gate: a one-sided fixed-level two-proportion z-test on the running totals, at every look. */
export const repeatedZGate =
  (p: Params): GateFactory =>
  () => {
    let acc = emptyAccumulator();
    return (m) => {
      acc = accumulate(acc, [m]);
      const { candidateRequests: nc, candidateErrors: xc, baselineRequests: nb, baselineErrors: xb } = acc;
      if (nc < p.minRequests || nb < p.minRequests) return 'undecided';
      const pc = xc / nc;
      const pb = xb / nb;
      const se = Math.sqrt(Math.max((pc * (1 - pc)) / nc + (pb * (1 - pb)) / nb, 1e-12));
      const pValue = 1 - normalCdf((pc - pb - p.maxIncrease) / se);
      return pValue < 1 - p.confidence ? 'fail' : 'pass';
    };
  };

export interface SimulationResult {
  rollouts: number;
  /** Share of rollouts with at least one fail. */
  failRate: number;
  /** Mean look (1-based) of the first fail among rollouts that failed. */
  meanFailLook: number;
  /** Share of rollouts that reached a pass at some look and never failed. */
  passRate: number;
}

/** Runs `rollouts` rollouts of `scenario` through fresh gates; a rollout stops at its first fail. */
export function simulate(
  gate: GateFactory,
  scenario: Scenario,
  rollouts: number,
  rand: () => number,
): SimulationResult {
  let fails = 0;
  let failLooks = 0;
  let passes = 0;
  for (let r = 0; r < rollouts; r++) {
    const g = gate();
    let passed = false;
    for (let look = 0; look < scenario.shares.length; look++) {
      const share = scenario.shares[look]!;
      const nc = binomial(rand, scenario.requestsPerMinute, share);
      const nb = scenario.requestsPerMinute - nc;
      const m: MinuteCounts = {
        t: look * 60_000,
        candidateRequests: nc,
        candidateErrors: binomial(rand, nc, at(scenario.candidateRate, look)),
        baselineRequests: nb,
        baselineErrors: binomial(rand, nb, at(scenario.baselineRate, look)),
      };
      const d = g(m);
      if (d === 'fail') {
        fails += 1;
        failLooks += look + 1;
        passed = false;
        break;
      }
      if (d === 'pass') passed = true;
    }
    if (passed) passes += 1;
  }
  return {
    rollouts,
    failRate: fails / rollouts,
    meanFailLook: fails ? failLooks / fails : Number.NaN,
    passRate: passes / rollouts,
  };
}

/** 30 looks: 10 minutes at each of 5%, 25% and 50% candidate share. */
export const ROLLOUT_SHARES = [...Array(10).fill(0.05), ...Array(10).fill(0.25), ...Array(10).fill(0.5)];
/**
 * A 5xx rate that both clusters share and that drifts: 0.2% for 20 looks, then 3% for 10 (an
 * upstream dependency failing for everyone while the candidate carries 50%).
 */
export const DRIFTING_RATE = [...Array(20).fill(0.002), ...Array(10).fill(0.03)];
/** 60 looks all at 5%: rare errors (0.05% baseline) at 2,000 requests a minute, 100 on the candidate. */
export const SIXTY_AT_FIVE_PERCENT = Array(60).fill(0.05);
/** 30 looks all at 5%: the hardest place to catch a regression. */
export const FIVE_PERCENT = Array(30).fill(0.05);
