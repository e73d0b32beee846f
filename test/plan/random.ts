/** A tiny seeded PRNG (mulberry32) so property tests are reproducible: same seed, same cases. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `total` integer units into `n` parts (some may be 0), summing exactly to `total`. */
export function randomSplit(rand: () => number, n: number, total: number, zeroChance = 0.15): number[] {
  const cuts = Array.from({ length: n - 1 }, () => Math.floor(rand() * (total + 1))).sort((a, b) => a - b);
  const parts = [...cuts, total].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]!));
  // Force some clusters to 0 (moving their units to the largest part) to exercise zero shares.
  const biggest = parts.indexOf(Math.max(...parts));
  for (let i = 0; i < n; i++) {
    if (i !== biggest && rand() < zeroChance) {
      parts[biggest]! += parts[i]!;
      parts[i] = 0;
    }
  }
  return parts;
}
