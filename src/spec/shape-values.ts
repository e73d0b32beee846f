/**
 * Checks of single values for check-shape.ts (strings against their shape, ARNs, bare seconds)
 * and the defaults a shape fills in, converted like values from the file.
 */
import { checkElbArn, checkIamRoleArn } from './arn.ts';
import { didYouMean } from './did-you-mean.ts';
import { type Checked, checkDuration } from './duration.ts';
import { checkPercent } from './percent.ts';
import type { ArnShape, Shape, StringShape } from './shape.ts';
import { describe } from './shape-messages.ts';

/** What is wrong with a value, and what is allowed instead: the two halves of a message. */
export interface Problem {
  what: string;
  allowed: string;
}

/** A bare number of seconds (durations with `bareSeconds`) in whole milliseconds. */
export function secondsToMs(n: number): Checked<number> {
  const hint = 'write a number of seconds or a number and a unit, e.g. 30s, 5m or 1h30m';
  if (!Number.isFinite(n)) return { ok: false, problem: 'must be a duration', hint };
  if (n < 0) return { ok: false, problem: 'must not be negative', hint };
  const ms = Math.round(n * 1_000_000) / 1000;
  if (!Number.isInteger(ms)) return { ok: false, problem: 'is finer than a millisecond', hint };
  return { ok: true, value: ms };
}

/** A shape's default converted like a value from the file (`2m` → 120000). */
export function defaultValue(s: Shape): unknown {
  if (s.t === 'duration') {
    const r = checkDuration(s.default);
    return r.ok ? r.value : undefined;
  }
  if (s.t === 'percent') {
    const r = checkPercent(s.default);
    return r.ok ? r.value : undefined;
  }
  if (s.t === 'object' && s.default !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(s.fields)) {
      if (f.shape.default !== undefined) out[name] = defaultValue(f.shape);
    }
    return out;
  }
  return structuredClone(s.default);
}

export function checkString(s: StringShape, v: string): Problem | undefined {
  if (s.enum && !s.enum.includes(v)) {
    const guess = didYouMean(v, s.enum);
    const one = s.enum.length === 1 ? `must be ${s.enum[0]}` : `must be one of ${s.enum.join(', ')}`;
    const other = s.enum.length === 1 ? 'the only value this version of cutover reads' : 'no other values are allowed';
    return { what: one, allowed: guess && guess !== v ? `did you mean "${guess}"?` : other };
  }
  if (s.minLength !== undefined && v.length < s.minLength) return { what: 'must not be empty', allowed: describe(s) };
  if (s.maxLength !== undefined && v.length > s.maxLength) {
    return { what: `is too long (${v.length} characters)`, allowed: `at most ${s.maxLength}` };
  }
  if (s.pattern && !s.pattern.test(v)) return { what: 'is not valid', allowed: describe(s) };
  return undefined;
}

export function checkArn(kind: ArnShape['arn'], v: string): Problem | undefined {
  const r = kind === 'iam-role' ? checkIamRoleArn(v) : checkElbArn(v, kind);
  return r.ok ? undefined : { what: r.problem, allowed: r.hint };
}
