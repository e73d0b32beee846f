/**
 * Human formatting shared by plan output and progress lines: durations in the units people say
 * (`45s`, `5m`, `1h30m`), percentages without float noise (`0.5%`, `33.3%`).
 */

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * `0s`, `250ms`, `1.5s`, `45s`, `5m`, `5m30s`, `1h30m`, `1h30s`, `2d3h`. Below a minute one
 * decimal of a second is kept; from a minute on, to the nearest second. For reading, not parsing.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  if (ms === 0) return '0s';
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  // Round before choosing the form, so 59.99s reads `1m`, not `60s`.
  if (Math.round(ms / 100) < 600) return `${trim(ms / 1000, 1)}s`;
  let rest = Math.round(ms / 1000) * 1000;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) out += `${n}${unit}`;
  }
  return out;
}

/** A percent value (0–100) for display: `5%`, `33.3%`, `0.125%`; at most `decimals` places. */
export function formatPct(percent: number, decimals = 3): string {
  return `${trim(percent, decimals)}%`;
}

/** A fraction (0–1) as a percentage: 0.005 → `0.5%`. */
export function formatFraction(fraction: number, decimals = 3): string {
  return formatPct(fraction * 100, decimals);
}

function trim(x: number, decimals: number): string {
  const f = 10 ** decimals;
  return String(Math.round(x * f) / f);
}
