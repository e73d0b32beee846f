import type { AwsError } from './errors.ts';

/**
 * The awsQuery codec: form parameters → SDK-shaped input, SDK-shaped results → XML.
 *
 * Input: `A.member.N.B=v` becomes `A: [{ B: 'v' }]` (N ordered numerically), `M.entry.N.key=k` +
 * `M.entry.N.value=v` becomes a map `M: { k: v }` (marked with {@link QUERY_MAP} so it is written
 * back as a map), every scalar stays a string. A bare `A=` (how the JS SDK sends an empty list)
 * stays `''`; handlers read lists with `asList` from `coerce.ts`, which turns it into `[]`.
 */
export const QUERY_MAP: unique symbol = Symbol('awsQuery map');

export interface QueryRequest {
  action: string | undefined;
  version: string | undefined;
  input: Record<string, any>;
}

export function parseQuery(params: URLSearchParams): QueryRequest {
  const root: Record<string, any> = {};
  let action: string | undefined;
  let version: string | undefined;
  for (const [key, value] of params) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else setPath(root, key.split('.'), value);
  }
  return { action, version, input: normalize(root) as Record<string, any> };
}

function setPath(node: Record<string, any>, path: string[], value: string): void {
  let cur = node;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    if (typeof cur[seg] !== 'object' || cur[seg] === null) cur[seg] = {};
    cur = cur[seg];
  }
  const last = path[path.length - 1]!;
  // `A=` (empty list) and `A.member.1=…` in one request: the members win.
  if (typeof cur[last] !== 'object') cur[last] = value;
}

const isIndexed = (o: Record<string, any>) => Object.keys(o).every((k) => /^[1-9]\d*$/.test(k));

function normalize(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, any>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'member' && typeof obj.member === 'object' && isIndexed(obj.member)) {
    return Object.keys(obj.member)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => normalize(obj.member[k]));
  }
  if (keys.length === 1 && keys[0] === 'entry' && typeof obj.entry === 'object' && isIndexed(obj.entry)) {
    const map: Record<string, unknown> = {};
    for (const e of Object.values(obj.entry) as Array<Record<string, unknown>>) {
      if (typeof e?.key === 'string') map[e.key] = normalize(e.value);
    }
    return markQueryMap(map);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalize(obj[k]);
  return out;
}

/** Marks a plain object as a map, so the XML writer emits `<entry><key/><value/></entry>`. */
export function markQueryMap<T extends object>(obj: T): T {
  Object.defineProperty(obj, QUERY_MAP, { value: true, enumerable: false });
  return obj;
}

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

function scalar(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return escapeXml(String(v));
}

/** One XML element for `value` (nothing for null/undefined). Arrays become `<member>` lists. */
export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    const obj = value as Record<string | symbol, unknown>;
    if (obj[QUERY_MAP]) {
      const entries = Object.entries(obj).map(
        ([k, v]) => `<entry><key>${escapeXml(k)}</key>${toXml('value', v)}</entry>`,
      );
      return `<${name}>${entries.join('')}</${name}>`;
    }
    return `<${name}>${Object.entries(obj)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${scalar(value)}</${name}>`;
}

export function queryResponseXml(op: string, xmlns: string, result: Record<string, any>, requestId: string): string {
  const body = Object.entries(result)
    .map(([k, v]) => toXml(k, v))
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${op}Response xmlns="${xmlns}"><${op}Result>${body}</${op}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`
  );
}

export function queryErrorXml(err: AwsError, xmlns: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${err.type}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
