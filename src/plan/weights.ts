import { CutoverError, ExitCode } from '../errors.ts';
import { SCALE, searchWeights } from './weights-search.ts';

/**
 * Percent shares ⇄ ALB forward-action weights. ALB takes an integer 0–999 per target group and
 * splits traffic in proportion (10 vs 20 is 1:2). Rules:
 * - a cluster with share 0 gets weight 0; any other share gets a weight ≥ 1; never all zero;
 * - exact when the ratio allows, in the smallest integers (5% → 1:19, 33.3% → 333:667);
 * - otherwise the closest split: least max error in percent points, then least summed error,
 *   then the smallest integers; remaining ties go to the earlier cluster (input key order).
 * Output records keep the input's key order, so tables and JSON are stable.
 */

/** ALB's largest target-group weight in a forward action. */
export const MAX_ALB_WEIGHT = 999;

export interface WeightOptions {
  /** Largest allowed weight; 999 for ALB. Smaller values exist so tests can brute-force. */
  maxWeight?: number;
}

export interface Representation {
  /** The weights reproduce the shares exactly. */
  exact: boolean;
  weights: Record<string, number>;
  /** The split the weights really produce, percent per cluster. */
  effective: Record<string, number>;
  /** Largest |effective − wanted| over the clusters, in percent points. */
  maxErrorPct: number;
}

/** Integer ALB weights for percent shares (any positive sum; normally 100). */
export function albWeights(shares: Record<string, number>, opts: WeightOptions = {}): Record<string, number> {
  return representable(shares, opts).weights;
}

/** The closest representable split for `shares`, and how far it is from them. */
export function representable(shares: Record<string, number>, opts: WeightOptions = {}): Representation {
  const names = Object.keys(shares);
  const maxWeight = opts.maxWeight ?? MAX_ALB_WEIGHT;
  const s = names.map((n) => toUnits(n, shares[n]!));
  const S = s.reduce((a, b) => a + b, 0);
  if (names.length === 0 || S === 0) {
    throw new CutoverError('E_WEIGHTS', 'traffic shares must put traffic somewhere', { value: shares });
  }
  const exact = smallestExact(s, maxWeight);
  const w = exact ?? searchWeights(s, maxWeight).weights;
  const weights = Object.fromEntries(names.map((n, i) => [n, w[i]!]));
  const T = w.reduce((a, b) => a + b, 0);
  // Error from the integer numerators, so an exact split reports exactly 0.
  const maxNum = Math.max(...w.map((wi, i) => Math.abs(wi * S - s[i]! * T)));
  return {
    exact: maxNum === 0,
    weights,
    effective: effectiveShares(weights),
    maxErrorPct: (maxNum * 100) / (S * T),
  };
}

/** The traffic split (percent per cluster) that ALB weights produce. */
export function effectiveShares(weights: Record<string, number>): Record<string, number> {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new CutoverError('E_WEIGHTS', 'ALB weights are all zero', { value: weights });
  return Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, (w * 100) / total]));
}

/** Shares for a two-way move: `percent` on `to`, the rest on `from`, 0 on every other cluster. */
export function sharesFor(clusters: readonly string[], from: string, to: string, percent: number) {
  return Object.fromEntries(
    clusters.map((c) => [c, c === to ? percent : c === from ? 100 - percent : 0] as const),
  ) as Record<string, number>;
}

/** Whether two weight records give every cluster the same weight (a missing cluster counts as 0). */
export function sameWeights(a: Record<string, number>, b: Record<string, number>): boolean {
  const at = (r: Record<string, number>, k: string) => (Object.hasOwn(r, k) ? r[k] : 0);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => at(a, k) === at(b, k));
}

function toUnits(name: string, pct: number): number {
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new CutoverError('E_WEIGHTS', `share of cluster ${name} must be a percent 0–100`, {
      value: pct,
      exitCode: ExitCode.internal,
    });
  }
  return Math.round(pct * SCALE);
}

/** The exact ratio in lowest terms, if every term fits in `maxWeight`. */
function smallestExact(s: number[], maxWeight: number): number[] | undefined {
  const g = s.reduce((a, b) => gcd(a, b), 0);
  const r = s.map((v) => v / g);
  return Math.max(...r) <= maxWeight ? r : undefined;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
