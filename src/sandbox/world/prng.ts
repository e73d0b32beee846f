/**
 * Seeded pseudo-random numbers for the simulated world: same seed, same run. mulberry32 is small,
 * fast and good enough for traffic sampling (not for anything secret). Independent streams are
 * derived by label (`fork('traffic')`), so adding draws to one part of the world (say, metric
 * lags) does not shift the numbers another part (traffic) sees.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** A new independent stream derived from this one's seed and `label`. */
  fork(label: string): Random;
}

export function createRandom(seed: number): Random {
  return new Mulberry32(hash32(`seed:${seed >>> 0}`));
}

class Mulberry32 implements Random {
  private state: number;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  fork(label: string): Random {
    return new Mulberry32(hash32(`${this.seed}:${label}`));
  }
}

/** FNV-1a, 32 bit. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Standard normal by Box–Muller (one of the pair; the other is dropped for simplicity). */
export function normal(r: Random): number {
  const u = 1 - r.next();
  const v = r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson(lambda): Knuth's product method for small lambda, a rounded normal otherwise. */
export function poisson(r: Random, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = r.next();
    while (p > limit) {
      k++;
      p *= r.next();
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
}

/**
 * Binomial(n, p), exact in distribution where it is cheap and approximated where it is not:
 * direct Bernoulli sums for n ≤ 32, Poisson for rare events, a clamped rounded normal for the
 * bulk. The result is always an integer in [0, n] — counts never go negative or exceed n, which is
 * what keeps the world's ground-truth counters and the published metrics consistent.
 */
export function binomial(r: Random, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(r, n, 1 - p);
  if (n <= 32) {
    let k = 0;
    for (let i = 0; i < n; i++) if (r.next() < p) k++;
    return k;
  }
  const mean = n * p;
  if (mean < 15) return Math.min(n, poisson(r, mean));
  const sd = Math.sqrt(mean * (1 - p));
  return Math.min(n, Math.max(0, Math.round(mean + sd * normal(r))));
}

/**
 * Splits `n` items across buckets with the given non-negative weights (a multinomial draw by
 * successive conditional binomials). Returns one count per weight; the counts sum to `n`
 * (when every weight is 0 the items are spread evenly as if all weights were equal).
 */
export function multinomial(r: Random, n: number, weights: readonly number[]): number[] {
  const out = new Array<number>(weights.length).fill(0);
  if (weights.length === 0 || n <= 0) return out;
  let total = 0;
  for (const w of weights) total += w;
  const ws = total > 0 ? weights : weights.map(() => 1);
  if (total <= 0) total = weights.length;
  let left = n;
  let restWeight = total;
  for (let i = 0; i < ws.length && left > 0; i++) {
    const w = ws[i] as number;
    if (i === ws.length - 1 || restWeight <= w) {
      out[i] = left;
      left = 0;
      break;
    }
    const k = binomial(r, left, w / restWeight);
    out[i] = k;
    left -= k;
    restWeight -= w;
  }
  return out;
}
