import { CutoverError, cutText } from '../errors.ts';
import type { Checked } from './duration.ts';

/**
 * Percentages in rollout files (thresholds and ratios): a string `<number>%` (`1%`, `0.5%`), or a
 * bare number read as a fraction from 0 to 1 (`0.01`). A bare number above 1 is ambiguous (`5`
 * could mean 5% or 500%) and rejected. The result is a fraction 0–1.
 */
export const PERCENT_PATTERN = /^\d+(?:\.\d+)?%$/;
const HINT = 'write a percentage such as 1% or a fraction such as 0.01';

export function checkPercent(input: unknown): Checked<number> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, problem: 'must be a percentage', hint: HINT };
    if (input < 0) return { ok: false, problem: 'must not be negative', hint: HINT };
    if (input > 1) {
      return {
        ok: false,
        problem: 'is ambiguous',
        hint: `write ${input}% for percent or ${input / 100} for a fraction`,
      };
    }
    return { ok: true, value: input };
  }
  if (typeof input !== 'string') return { ok: false, problem: 'must be a percentage', hint: HINT };
  const text = input.trim();
  if (/^-\s*\d/.test(text)) return { ok: false, problem: 'must not be negative', hint: HINT };
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = cutText(text, 20);
    const hint = Number(text) <= 1 ? `write ${n} without quotes, or ${Number(text) * 100}%` : `write ${n}%`;
    return { ok: false, problem: 'must be a percentage', hint };
  }
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (!m || text.includes(' ')) return { ok: false, problem: 'must be a percentage', hint: HINT };
  return { ok: true, value: roundFraction(Number(m[1]) / 100) };
}

/** Parses `1%` or `0.01` to a fraction; throws a CutoverError (exit 2) otherwise. */
export function parsePercent(input: string | number): number {
  const r = checkPercent(input);
  if (!r.ok) throw new CutoverError('E_BAD_PERCENT', `percentage ${r.problem}`, { value: input, hint: r.hint });
  return r.value;
}

/**
 * Formats a fraction as a percentage in the form checkPercent reads back: 0.005 → `0.5%`,
 * 1 → `100%`. The one percent formatter; a share already in percent is passed as `share / 100`.
 * Float noise is dropped; `decimals` (of the percent) rounds computed values for display,
 * e.g. 2/3 with 3 decimals → `66.667%`. Never exponent notation.
 */
export function formatPercent(fraction: number, decimals = 10): string {
  if (!Number.isFinite(fraction)) throw new RangeError(`not a percentage: ${fraction}`);
  const pct = roundFraction(fraction * 100);
  const text = pct.toFixed(decimals);
  return `${decimals > 0 ? text.replace(/\.?0+$/, '') : text}%`;
}

/** Drops binary float noise (`1.1 / 100` is 0.011000000000000001). */
export function roundFraction(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}
