import { formatPercent } from '../spec/percent.ts';

/**
 * What a check says about one tick: pass, fail, or inconclusive (it could not judge: too few
 * requests, unreadable data). Every verdict carries its numbers and a one-line description for
 * logs and progress output, e.g. `target5xxRate green 0.42% (21/5000) ≤ 1% pass`.
 */
export type Outcome = 'pass' | 'fail' | 'inconclusive';

/** The numbers behind a verdict; which are present depends on the check. */
export interface VerdictNumbers {
  requests?: number;
  errors?: number;
  /** errors / requests. */
  rate?: number;
  /** The limit the value was held against (a fraction for rates and ratios, a count for `min`). */
  threshold?: number;
  /** compare5xx: the baseline's requests, errors and rate over the same minutes. */
  baselineRequests?: number;
  baselineErrors?: number;
  baselineRate?: number;
  /** compare5xx: the always-valid p-value for "candidate is worse by more than the margin". */
  pValue?: number;
  /** compare5xx: the decision's bounds on candidate rate − baseline rate (variance at the margin; see README). */
  lowerBound?: number;
  upperBound?: number;
  /** healthyTargets. */
  healthy?: number;
  registered?: number;
}

export interface Verdict {
  /** Index into gates.checks. */
  check: number;
  type: string;
  outcome: Outcome;
  numbers: VerdictNumbers;
  /** One line for people. */
  description: string;
}

/** A rate for people: 3 decimals of a percent at most (0.004213 → `0.421%`). */
export function showRate(fraction: number): string {
  return formatPercent(fraction, 3);
}

/** `0.42% (21/5000)`. */
export function showRatio(errors: number, requests: number): string {
  return `${requests > 0 ? showRate(errors / requests) : '–'} (${errors}/${requests})`;
}
