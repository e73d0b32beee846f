import { logNormalCdf } from './normal.ts';

/**
 * The statistical core of `compare5xx`: an always-valid sequential test of two binomial
 * proportions with a margin, checked at every tick for the whole rollout without inflating false
 * alarms. See src/gates/README.md for the test, its assumptions and its measured error rates.
 *
 * θ = p_c − p_b − δ (candidate 5xx rate minus baseline rate minus the allowed increase δ).
 * Each minute i compares the two sides' rates over the same requests' minute, weighted by
 * wᵢ = n_cᵢn_bᵢ/(n_cᵢ+n_bᵢ) (the Mantel–Haenszel risk-difference weight, the inverse variance of
 * the minute's difference up to p(1−p)): θ̂ = Σwᵢ(p̂_cᵢ − p̂_bᵢ)/Σwᵢ − δ. Stratifying by minute
 * keeps θ̂ unbiased when the 5xx rate drifts over time while the split changes (pooled totals
 * would weigh the candidate's later, higher-share minutes more). Its variance V uses the rates
 * most likely on the boundary θ = 0 (the restricted MLE on the pooled totals, as
 * Farrington–Manning's score test does) plus one pseudo-error per side, so it never collapses to 0
 * before any error is seen and stays sound when errors are rare. A one-sided normal-mixture likelihood ratio
 * (mSPRT, Robbins 1970; Johari et al., "Always valid inference", 2017) with a half-normal mixing
 * density of scale τ over θ > 0,
 *
 *   Λ(θ̂) = 2·√(V/(V+τ²)) · exp(θ̂²τ² / (2V(V+τ²))) · Φ(θ̂τ / √(V(V+τ²))),
 *
 * is a nonnegative martingale under θ = 0 (asymptotically, in the normal approximation), so by
 * Ville's inequality P(Λ ever ≥ 1/α) ≤ α however many looks are taken and whenever they stop.
 * "Fail" is Λ(θ̂) ≥ 1/α (evidence the candidate is worse than baseline + δ); "pass" is the
 * mirrored test Λ(−θ̂) ≥ 1/α (evidence it is not). Equivalently, with x* solving Λ(x*) = 1/α, the
 * always-valid bounds on p_c − p_b are (d̂ − x*, d̂ + x*): fail when the lower one exceeds δ,
 * pass when the upper one is at most δ.
 */

/**
 * Running sums of one compare5xx check over the rollout: serialisable, resumable. Only minutes in
 * which both sides had requests are compared (and counted in the totals).
 */
export interface CompareAccumulator {
  candidateRequests: number;
  candidateErrors: number;
  baselineRequests: number;
  baselineErrors: number;
  /** W = Σ wᵢ, with wᵢ = n_cᵢ·n_bᵢ/(n_cᵢ + n_bᵢ) the minute's weight (its inverse variance up to p(1−p)). */
  weight: number;
  /** Σ wᵢ·(p̂_cᵢ − p̂_bᵢ): the minute-by-minute differences, weighted. */
  weightedDifference: number;
  /** Σ wᵢ²/n_cᵢ and Σ wᵢ²/n_bᵢ, for the variance of the weighted difference. */
  candidateInformation: number;
  baselineInformation: number;
  /** Minutes added so far (with or without traffic on both sides). */
  minutes: number;
  /** End (exclusive, ms) of the last minute added: a minute before it is never counted twice. */
  throughMs: number;
}

/** One minute of both sides, as read from CloudWatch (period start in ms). */
export interface MinuteCounts {
  t: number;
  candidateRequests: number;
  candidateErrors: number;
  baselineRequests: number;
  baselineErrors: number;
}

export function emptyAccumulator(): CompareAccumulator {
  return {
    candidateRequests: 0,
    candidateErrors: 0,
    baselineRequests: 0,
    baselineErrors: 0,
    weight: 0,
    weightedDifference: 0,
    candidateInformation: 0,
    baselineInformation: 0,
    minutes: 0,
    throughMs: 0,
  };
}

/** Adds the minutes not added before (t ≥ throughMs), in time order. Returns a new accumulator. */
export function accumulate(acc: CompareAccumulator, minutes: MinuteCounts[], periodMs = 60_000): CompareAccumulator {
  const next = { ...acc };
  for (const m of [...minutes].sort((a, b) => a.t - b.t)) {
    if (m.t < next.throughMs) continue;
    next.minutes += 1;
    next.throughMs = m.t + periodMs;
    const nc = m.candidateRequests;
    const nb = m.baselineRequests;
    if (nc <= 0 || nb <= 0) continue;
    const xc = Math.min(m.candidateErrors, nc);
    const xb = Math.min(m.baselineErrors, nb);
    const w = (nc * nb) / (nc + nb);
    next.candidateRequests += nc;
    next.candidateErrors += xc;
    next.baselineRequests += nb;
    next.baselineErrors += xb;
    next.weight += w;
    next.weightedDifference += w * (xc / nc - xb / nb);
    next.candidateInformation += (w * w) / nc;
    next.baselineInformation += (w * w) / nb;
  }
  return next;
}

export interface SequentialParams {
  /** δ, the allowed increase of the candidate's rate over the baseline's (a fraction > 0). */
  maxIncrease: number;
  /** α = 1 − confidence: the bound on false alarms (and on false passes) over the whole rollout. */
  confidence: number;
}

export interface SequentialResult {
  /** The weighted minute-by-minute difference of rates, Σ wᵢ(p̂_cᵢ − p̂_bᵢ) / Σ wᵢ. */
  difference: number;
  /** Λ for "candidate worse than baseline + δ"; fail at ≥ 1/α. */
  eFail: number;
  /** Λ for "candidate within baseline + δ"; pass at ≥ 1/α. */
  ePass: number;
  /** Always-valid p-value of "not worse by more than δ": min(1, 1/eFail). */
  pValue: number;
  /** Bounds on p_c − p_b at the configured confidence, with the variance at the margin (the decision's). */
  lowerBound: number;
  upperBound: number;
  decision: 'fail' | 'pass' | 'undecided';
}

/** The mixing scale τ: regressions of about the margin's size are the ones to catch quickly. */
export function mixingScale(maxIncrease: number): number {
  return Math.max(maxIncrease, 0.001);
}

/** Judges the sums so far. Needs a compared minute (callers enforce minRequests on both sides). */
export function sequentialTest(acc: CompareAccumulator, p: SequentialParams): SequentialResult {
  const { candidateRequests: nc, candidateErrors: xc, baselineRequests: nb, baselineErrors: xb } = acc;
  const delta = p.maxIncrease;
  const alpha = 1 - p.confidence;
  const w = acc.weight;
  const difference = acc.weightedDifference / w;
  const theta = difference - delta;
  const pb = boundaryBaselineRate(xc, nc, xb, nb, delta);
  const pc = pb + delta;
  // One pseudo-error per side in the variance: with rare errors the counts are skewed (Poisson-like)
  // and the plain normal approximation alarms slightly above α at small counts; the term fades as
  // requests accumulate (README: error rates, rare events).
  const vc = Math.min(0.5, pc + 1 / nc);
  const vb = Math.min(0.5, pb + 1 / nb);
  const info = vc * (1 - vc) * acc.candidateInformation + vb * (1 - vb) * acc.baselineInformation;
  const v = Math.max(info / (w * w), 1e-18);
  const tau2 = mixingScale(delta) ** 2;
  const lr = (x: number) => mixtureLikelihoodRatio(x, v, tau2);
  const eFail = lr(theta);
  const ePass = lr(-theta);
  const half = radius(lr, 1 / alpha, Math.sqrt(v));
  return {
    difference,
    eFail,
    ePass,
    pValue: Math.min(1, 1 / eFail),
    lowerBound: difference - half,
    upperBound: difference + half,
    decision: eFail >= 1 / alpha ? 'fail' : ePass >= 1 / alpha ? 'pass' : 'undecided',
  };
}

/** Λ(x) of the half-normal mixture (see the file comment), for an estimate x with variance v. */
export function mixtureLikelihoodRatio(x: number, v: number, tau2: number): number {
  const s = v + tau2;
  // In logs: for a large |x| the exponential overflows while Φ underflows.
  const log = Math.log(2) + 0.5 * Math.log(v / s) + (x * x * tau2) / (2 * v * s);
  return Math.exp(log + logNormalCdf((x * Math.sqrt(tau2)) / Math.sqrt(v * s)));
}

/** The x ≥ 0 where lr(x) reaches `level` (lr rises with x), by bisection. */
function radius(lr: (x: number) => number, level: number, sd: number): number {
  let lo = 0;
  let hi = sd;
  while (lr(hi) < level && hi < 1e6) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (lr(mid) < level) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The baseline rate p maximising the likelihood of both sides' totals subject to
 * p_c = p + δ (the boundary of "not worse by more than δ"): the root of the log-likelihood's
 * derivative, which falls strictly on (0, 1 − δ), by bisection.
 */
export function boundaryBaselineRate(xc: number, nc: number, xb: number, nb: number, delta: number): number {
  const slope = (p: number) => xc / (p + delta) - (nc - xc) / (1 - p - delta) + xb / p - (nb - xb) / (1 - p);
  let lo = 1e-12;
  let hi = 1 - delta - 1e-12;
  if (hi <= lo) return 0;
  if (slope(lo) <= 0) return 0;
  if (slope(hi) >= 0) return hi;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
