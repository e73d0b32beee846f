import { CutoverError, showValue } from '../errors.ts';
import type { Tags } from './ports.ts';

/**
 * A record of `key=value` fields stored in ELBv2 tag values, within the tag rules: key 1–128
 * characters, value 0–256, both `^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, at most 50 tags per resource
 * (ELBv2 API `Tag`; `aws:` keys reserved). JSON cannot be stored (no braces, quotes or commas).
 *
 * Text form: `v1 key=value key=value …`, fields separated by one space. Values are escaped so any
 * text fits: characters outside `[A-Za-z0-9_.:/@=-]` are written `+<hex code point>+` (so a
 * space is `+20+` and `+` itself `+2b+`). A record longer than one value is split at field
 * boundaries over `<base>`, `<base>.2`, `<base>.3`…; the first token then says how many parts
 * there are: `v1/3`. Parts past that count are leftovers of a longer record and are ignored (the
 * writer removes them after writing the new parts).
 */
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
export const MAX_TAGS_PER_RESOURCE = 50;
export const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const VERSION = 1;
const SAFE = /[A-Za-z0-9_.:/@=-]/;
const FIELD_KEY = /^[a-z][A-Za-z0-9._/-]*$/;
/** Room kept in the first part for the header (`v1/NN `). */
const HEADER_ROOM = 6;

export function escapeTagText(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE.test(ch) ? ch : `+${ch.codePointAt(0)!.toString(16)}+`;
  return out;
}

/**
 * The longest start of `text` whose escaped field `key=…` fits in one tag value (a field never
 * spans parts): text full of spaces and symbols escapes to up to four times its length.
 */
export function cutToField(key: string, text: string): string {
  const room = TAG_VALUE_MAX - HEADER_ROOM - key.length - 1;
  let out = '';
  let used = 0;
  for (const ch of text) {
    used += escapeTagText(ch).length;
    if (used > room) break;
    out += ch;
  }
  return out;
}

export function unescapeTagText(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '+') {
      if (!SAFE.test(ch)) return undefined;
      out += ch;
      continue;
    }
    const end = s.indexOf('+', i + 1);
    const hex = end < 0 ? '' : s.slice(i + 1, end);
    if (!/^[0-9a-f]{1,6}$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) return undefined;
    out += String.fromCodePoint(Number.parseInt(hex, 16));
    i = end;
  }
  return out;
}

/** The part keys of a record: `base`, `base.2`, … */
export function partKey(base: string, n: number): string {
  return n === 1 ? base : `${base}.${n}`;
}

/** The tags holding `fields` under `base` (one or more parts). */
export function encodeRecord(base: string, fields: ReadonlyArray<readonly [string, string]>): Tags {
  const tokens = fields.map(([k, v]) => {
    if (!FIELD_KEY.test(k)) throw new Error(`internal: bad record field key ${k}`);
    const token = `${k}=${escapeTagText(v)}`;
    if (token.length > TAG_VALUE_MAX - HEADER_ROOM) {
      throw new CutoverError('E_TAG_TOO_LONG', `the ${k} of ${base} does not fit in one tag value`, {
        value: v,
        hint: `keep it under ${TAG_VALUE_MAX - HEADER_ROOM - k.length - 1} characters once escaped`,
      });
    }
    return token;
  });
  const parts: string[][] = [[]];
  let room = TAG_VALUE_MAX - HEADER_ROOM;
  for (const t of tokens) {
    const cost = t.length + 1;
    if (cost > room) {
      parts.push([]);
      room = TAG_VALUE_MAX + 1;
    }
    parts[parts.length - 1]!.push(t);
    room -= cost;
  }
  const header = parts.length === 1 ? `v${VERSION}` : `v${VERSION}/${parts.length}`;
  const tags: Tags = {};
  parts.forEach((p, i) => {
    tags[partKey(base, i + 1)] = (i === 0 ? [header, ...p] : p).join(' ');
  });
  return tags;
}

/** Why a record could not be read: names the resource, tag and value. */
export function badRecord(arn: string, key: string, value: string | undefined, problem: string): CutoverError {
  return new CutoverError('E_STATE_TAG_INVALID', `tag ${key} on ${arn} ${problem}`, {
    value: value === undefined ? undefined : showValue(value),
    hint: `the tag was edited by hand or by another tool; fix it, or remove the ${key.replace(/\.\d+$/, '')}* tags of that resource to start afresh (cutover then sees no rollout there)`,
  });
}

/** The fields of the record under `base`, or undefined when there is none; strict. */
export function decodeRecord(arn: string, base: string, tags: Tags): Map<string, string> | undefined {
  const first = tags[base];
  if (first === undefined) return undefined;
  const header = /^v(\d+)(?:\/(\d+))?(?: |$)/.exec(first);
  if (!header) throw badRecord(arn, base, first, 'does not start with a version (v1)');
  if (Number(header[1]) !== VERSION) {
    throw badRecord(
      arn,
      base,
      first,
      `has version v${header[1]}, which this cutover cannot read (it reads v${VERSION}); use a newer cutover`,
    );
  }
  const count = header[2] === undefined ? 1 : Number(header[2]);
  if (count < 1 || count > MAX_TAGS_PER_RESOURCE) throw badRecord(arn, base, first, `names ${count} parts`);
  const texts = [first.slice(header[0].length)];
  for (let n = 2; n <= count; n++) {
    const part = tags[partKey(base, n)];
    if (part === undefined)
      throw badRecord(arn, partKey(base, n), undefined, `is missing (${base} says ${count} parts)`);
    texts.push(part);
  }
  const fields = new Map<string, string>();
  for (const token of texts
    .join(' ')
    .split(' ')
    .filter((t) => t !== '')) {
    const eq = token.indexOf('=');
    const key = eq < 0 ? '' : token.slice(0, eq);
    if (!FIELD_KEY.test(key))
      throw badRecord(arn, base, first, `has a field that is not key=value: ${showValue(token)}`);
    if (fields.has(key)) throw badRecord(arn, base, first, `has the field ${key} twice`);
    const value = unescapeTagText(token.slice(eq + 1));
    if (value === undefined) throw badRecord(arn, base, first, `has a badly escaped value in ${showValue(token)}`);
    fields.set(key, value);
  }
  return fields;
}

/** Keys of parts of `base` in `existing` that `next` does not have (leftovers to remove). */
export function staleParts(base: string, existing: Tags, next: Tags): string[] {
  return Object.keys(existing).filter((k) => (k === base || k.startsWith(`${base}.`)) && !(k in next));
}

/** Checks tags against the ELBv2 tag rules before any call; names the first broken one. */
export function checkTags(arn: string, tags: Tags): void {
  for (const [k, v] of Object.entries(tags)) {
    const problem =
      k.length < 1 || k.length > TAG_KEY_MAX
        ? `key length ${k.length} is outside 1–${TAG_KEY_MAX}`
        : v.length > TAG_VALUE_MAX
          ? `value length ${v.length} is over ${TAG_VALUE_MAX}`
          : !TAG_PATTERN.test(k) || !TAG_PATTERN.test(v)
            ? 'has a character outside letters, digits, spaces and _ . : / = + - @'
            : k.startsWith('aws:')
              ? 'uses the reserved aws: prefix'
              : undefined;
    if (problem) {
      throw new CutoverError('E_TAG_INVALID', `tag ${showValue(k)} for ${arn} ${problem}`, {
        value: v,
        hint: 'ELBv2 tags: key 1–128 and value 0–256 characters of letters, digits, spaces and _ . : / = + - @',
      });
    }
  }
}
