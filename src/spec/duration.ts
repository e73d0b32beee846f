import { CutoverError, cutText } from '../errors.ts';

/**
 * Durations in rollout files: one or more `<number><unit>` parts with units `h`, `m`, `s`, `ms`,
 * largest unit first and each unit at most once (`30s`, `5m`, `1h30m`, `1.5h`, `250ms`), no
 * spaces and no sign. A bare `0` is zero; any other bare number is rejected because its unit is
 * a guess. The result is whole milliseconds.
 */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/;

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const UNIT_ORDER = ['h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string; hint: string };

const HINT = 'write a number and a unit, e.g. 30s, 5m or 1h30m';

/** Checks a duration from YAML (a string, or the number 0) without throwing. */
export function checkDuration(input: unknown): Checked<number> {
  if (typeof input === 'number') {
    if (input === 0) return { ok: true, value: 0 };
    return {
      ok: false,
      problem: 'needs a unit',
      hint: Number.isFinite(input) && input > 0 ? `write ${input}s or ${input}m` : HINT,
    };
  }
  if (typeof input !== 'string') return { ok: false, problem: 'must be a duration', hint: HINT };
  const text = input.trim();
  if (text.startsWith('-')) return { ok: false, problem: 'must not be negative', hint: HINT };
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = cutText(text, 20);
    return { ok: false, problem: 'needs a unit', hint: `write ${n}s or ${n}m` };
  }
  if (/^P/i.test(text)) return { ok: false, problem: 'is not a duration', hint: `ISO 8601 is not read; ${HINT}` };
  let ms = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== at) return { ok: false, problem: 'is not a duration', hint: HINT };
    const unit = UNIT_ORDER.indexOf(m[2]!);
    if (unit <= lastUnit) {
      return { ok: false, problem: 'is not a duration', hint: 'give each unit once, largest first, e.g. 1h30m' };
    }
    lastUnit = unit;
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (lastUnit === -1) return { ok: false, problem: 'is not a duration', hint: HINT };
  const rounded = Math.round(ms * 1000) / 1000;
  if (!Number.isInteger(rounded)) return { ok: false, problem: 'is finer than a millisecond', hint: HINT };
  return { ok: true, value: rounded };
}

/** Parses a duration to milliseconds; throws a CutoverError (exit 2) when it is not one. */
export function parseDuration(input: string | number): number {
  const r = checkDuration(input);
  if (!r.ok) throw new CutoverError('E_BAD_DURATION', `duration ${r.problem}`, { value: input, hint: r.hint });
  return r.value;
}

/**
 * Formats milliseconds in the same grammar, shortest exact form, so parseDuration reads it back
 * unchanged: 90000 → `1m30s`, 1500 → `1s500ms`, 27h → `27h`, 0 → `0s`. The one duration
 * formatter for messages, plans and progress lines. Fractions of a millisecond are rounded.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const u of UNIT_ORDER) {
    const n = Math.floor(rest / UNIT_MS[u]!);
    if (n > 0) out += `${n}${u}`;
    rest -= n * UNIT_MS[u]!;
  }
  return out;
}
