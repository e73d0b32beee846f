/**
 * Go's `time.Parse` for the two layouts the API server decodes timestamps with — metav1.Time
 * (RFC 3339) and metav1.MicroTime (RFC 3339 with exactly 6 fractional digits) — so a malformed
 * timestamp fails with the same `parsing time …` text a real server returns. A port of the parts of
 * Go's time/format.go these layouts use (chunks, getnum, fractional seconds, `Z07:00`, ranges).
 */

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Chunk = { lit: string } | { std: '2006' | '01' | '02' | '15' | '04' | '05' | '.000000' | 'Z07:00' };

const CHUNKS: Chunk[] = [
  { std: '2006' },
  { lit: '-' },
  { std: '01' },
  { lit: '-' },
  { std: '02' },
  { lit: 'T' },
  { std: '15' },
  { lit: ':' },
  { std: '04' },
  { lit: ':' },
  { std: '05' },
  { std: '.000000' },
  { std: 'Z07:00' },
];

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's getnum: one or two digits (`fixed`: exactly two). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

const daysIn = (month: number, year: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Milliseconds since the epoch (fraction truncated to ms), or Go's error text. `layout` is
 * RFC3339 (fractional seconds optional, any number of digits) or RFC3339_MICRO (exactly 6).
 */
export function parseGoTime(value: string, layout: string): number | string {
  const micro = layout === RFC3339_MICRO;
  const fail = (elem: string, rest: string) =>
    `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(rest)} as ${q(elem)}`;
  const range = (what: string) => `parsing time ${q(value)}: ${what} out of range`;
  let v = value;
  const n: Record<string, number> = {};
  let nanos = 0;
  let offsetMin = 0;
  for (const c of CHUNKS) {
    if ('lit' in c) {
      if (!v.startsWith(c.lit)) return fail(c.lit, v);
      v = v.slice(c.lit.length);
      continue;
    }
    if (c.std === '.000000' && !micro) continue;
    const hold = v;
    if (c.std === '2006') {
      if (v.length < 4 || !/^\d{4}/.test(v)) return fail(c.std, hold);
      n.year = Number(v.slice(0, 4));
      v = v.slice(4);
    } else if (c.std === '.000000') {
      if (v.length < 7 || v[0] !== '.' || !/^\d{6}$/.test(v.slice(1, 7))) return fail(c.std, hold);
      nanos = Number(v.slice(1, 7)) * 1000;
      v = v.slice(7);
    } else if (c.std === 'Z07:00') {
      if (v.startsWith('Z')) v = v.slice(1);
      else {
        if (v.length < 6 || v[3] !== ':' || (v[0] !== '+' && v[0] !== '-')) return fail(c.std, hold);
        const hh = getnum(v.slice(1, 3), true);
        const mm = getnum(v.slice(4, 6), true);
        if (!hh || !mm) return fail(c.std, hold);
        if (hh[0] > 24) return range('time zone offset hour');
        if (mm[0] > 60) return range('time zone offset minute');
        offsetMin = (v[0] === '-' ? -1 : 1) * (hh[0] * 60 + mm[0]);
        v = v.slice(6);
      }
    } else {
      const got = getnum(v, c.std !== '15');
      if (!got) return fail(c.std, hold);
      [n[c.std]!, v] = [got[0], got[1]];
      const limits: Record<string, [number, number, string]> = {
        '01': [1, 12, 'month'],
        '15': [0, 23, 'hour'],
        '04': [0, 59, 'minute'],
        '05': [0, 59, 'second'],
      };
      const lim = limits[c.std];
      if (lim && (n[c.std]! < lim[0] || n[c.std]! > lim[1])) return range(lim[2]);
      if (c.std === '05' && !micro && v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
        // RFC 3339 without a fraction in the layout still accepts one (any number of digits).
        let i = 2;
        while (isDigit(v, i)) i++;
        nanos = Number(v.slice(1, Math.min(i, 10)).padEnd(9, '0'));
        v = v.slice(i);
      }
    }
  }
  if (v.length) return `parsing time ${q(value)}: extra text: ${q(v)}`;
  const { year, '01': month, '02': day, '15': hour, '04': min, '05': sec } = n as Record<string, number>;
  if (day! < 1 || day! > daysIn(month!, year!)) return range('day');
  return Date.UTC(year!, month! - 1, day!, hour!, min!, sec!) - offsetMin * 60_000 + Math.floor(nanos / 1e6);
}

/** Go's quoting of values in parse errors (close enough: JSON string syntax). */
function q(s: string): string {
  return JSON.stringify(s);
}
