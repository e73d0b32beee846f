/**
 * The search behind ALB weights: the integer vector (each 0–maxWeight) whose traffic split is
 * closest to the wanted one. All arithmetic is on integers so ties and "exact" are decided
 * exactly, never by floating-point luck:
 *
 * - a wanted share is an integer `s[i]` in units of 1/SCALE percent point, `S = Σ s`;
 * - at a weight total `T`, cluster i ideally gets `x = s[i]·T/S`; a weight `w` misses by
 *   `|w·S − s[i]·T|` (numerator), i.e. by that / (S·T) of all traffic.
 *
 * Every valid vector has some total T in [#positive, Σ upper bounds], so trying each T and taking,
 * for that T, the vector with the least max error (and least summed error) finds the optimum.
 * Ties between totals go to the smaller T (smaller, more readable integers).
 */

/** Shares are resolved to 1e-5 of a percent point; finer differences cannot matter at 0–999. */
export const SCALE = 100_000;

export interface SearchResult {
  weights: number[];
  /** Max and summed error numerators at `total` (divide by S·total for a fraction of traffic). */
  maxNum: number;
  sumNum: number;
  total: number;
}

/** Closest weights for integer shares `s` (zero share ⇒ weight 0, positive ⇒ 1..maxWeight). */
export function searchWeights(s: readonly number[], maxWeight: number): SearchResult {
  const n = s.length;
  const S = s.reduce((a, b) => a + b, 0);
  const lo = s.map((v): number => (v > 0 ? 1 : 0));
  const hi = s.map((v) => (v > 0 ? maxWeight : 0));
  const tMin = lo.reduce((a, b) => a + b, 0);
  const tMax = hi.reduce((a, b) => a + b, 0);
  const ctx: Ctx = { S, a: new Array<number>(n), lo, hi, best: undefined };
  for (let T = tMin; T <= tMax; T++) {
    if (ctx.best && hopeless(s, S, T, lo, hi, ctx.best)) continue;
    for (let i = 0; i < n; i++) ctx.a[i] = s[i]! * T;
    const cand = bestAtTotal(ctx, T);
    if (cand && (!ctx.best || better(cand, ctx.best))) ctx.best = cand;
    if (ctx.best && ctx.best.maxNum === 0) break;
  }
  if (!ctx.best) throw new Error('unreachable: no weight vector found');
  return ctx.best;
}

interface Ctx {
  S: number;
  /** s[i]·T for the total being tried. */
  a: number[];
  lo: number[];
  hi: number[];
  best: SearchResult | undefined;
}

/**
 * Cheap lower bound, no allocation: each cluster's error is at least its distance to the nearest
 * allowed integer; if that already exceeds the best max error, T cannot win.
 */
function hopeless(s: readonly number[], S: number, T: number, lo: number[], hi: number[], best: SearchResult) {
  for (let i = 0; i < s.length; i++) {
    const a = s[i]! * T;
    const w = Math.min(hi[i]!, Math.max(lo[i]!, Math.round(a / S)));
    if (Math.abs(w * S - a) * best.total > best.maxNum * T) return true;
  }
  return false;
}

/** Strictly better: smaller max error, then smaller summed error (totals differ, so cross-multiply). */
function better(c: SearchResult, b: SearchResult): boolean {
  const m = c.maxNum * b.total - b.maxNum * c.total;
  if (m !== 0) return m < 0;
  return c.sumNum * b.total < b.sumNum * c.total;
}

function bestAtTotal(ctx: Ctx, T: number): SearchResult | undefined {
  const { S, a, lo, hi, best } = ctx;
  // Already worse than the best max error found: prunes hopeless totals early.
  const worse = (num: number) => best !== undefined && num * best.total > best.maxNum * T;
  const err = (i: number, w: number) => Math.abs(w * S - a[i]!);
  // Start at each cluster's own best (nearest integer, clamped); the total is then off by a few
  // units, and every unit moved makes its cluster's error grow. Each cluster's successive costs
  // rise, so giving each unit to the cluster whose error becomes smallest minimizes the max.
  // The same order also minimizes the summed error: a move's added error (1 − 2δ below the
  // ideal, exactly 1 past it) rises with the error it leaves, so no separate pass is needed.
  const w = nearest(a, S, lo, hi);
  if (!rebalance(w, T, lo, hi, (i, next) => err(i, next), worse)) return undefined;
  let maxNum = 0;
  let sumNum = 0;
  for (let i = 0; i < w.length; i++) {
    const e = err(i, w[i]!);
    maxNum = Math.max(maxNum, e);
    sumNum += e;
  }
  return { weights: w, maxNum, sumNum, total: T };
}

function nearest(a: number[], S: number, lo: number[], hi: number[]): number[] {
  const w = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) w[i] = Math.min(hi[i]!, Math.max(lo[i]!, Math.round(a[i]! / S)));
  return w;
}

/**
 * Moves units one at a time until Σw = T, each time to the cluster with the least `cost`
 * (lowest index on ties, for determinism). False when the bounds make T unreachable or `giveUp`.
 */
function rebalance(
  w: number[],
  T: number,
  lo: number[],
  hi: number[],
  cost: (i: number, next: number, cur: number) => number,
  giveUp: (cost: number) => boolean,
): boolean {
  let d = T;
  for (const x of w) d -= x;
  while (d !== 0) {
    const step = d > 0 ? 1 : -1;
    let pick = -1;
    let pickCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i < w.length; i++) {
      const next = w[i]! + step;
      if (next < lo[i]! || next > hi[i]!) continue;
      const c = cost(i, next, w[i]!);
      if (c < pickCost) {
        pick = i;
        pickCost = c;
      }
    }
    if (pick < 0 || giveUp(pickCost)) return false;
    w[pick]! += step;
    d -= step;
  }
  return true;
}
