import { asBool, asDate, asInt, asList, VALIDATION_ERRORS } from '../aws/coerce.ts';
import { markQueryMap, QUERY_MAP } from '../aws/query.ts';
import { type Desc, INPUT_SHAPES } from './input-shapes.ts';

/**
 * The protocol facade's one conversion of a request: awsQuery gives every scalar as a string and
 * an empty list as `''`; this turns them into the numbers, booleans, dates and arrays the model
 * (`input-shapes.ts`, from botocore) declares, so operations read SDK-typed input whatever the
 * protocol. A value of the wrong type fails as Coral words it, with the member's path
 * (`defaultActions.1.member.forwardConfig.targetGroups.1.member.weight`). Absent and empty
 * scalars are dropped. Members the table does not know are left as they are.
 */
export function decodeInput(op: string, input: Record<string, unknown>): Record<string, unknown> {
  const members = INPUT_SHAPES[op];
  return members ? decodeStructure(input, members, '') : input;
}

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

function decode(v: unknown, d: Desc, path: string): unknown {
  if (v === undefined || v === null || d === 's') return v;
  switch (d) {
    case 'i':
      return asInt(v, path);
    case 'b':
      return asBool(v, path);
    case 'n': {
      if (v === '') return undefined;
      const n = typeof v === 'number' ? v : Number(v);
      if (Number.isNaN(n)) throw VALIDATION_ERRORS.wrongType(path, v, 'number');
      return n;
    }
    case 't':
      return asDate(v, path);
  }
  if ('l' in d) return asList(v).map((x, i) => decode(x, d.l, `${path}.${i + 1}.member`));
  if ('m' in d) {
    if (typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = decode(x, d.m, `${path}.${k}`);
    return (v as Record<PropertyKey, unknown>)[QUERY_MAP] ? markQueryMap(out) : out;
  }
  return decodeStructure(v, d.o, path);
}

function decodeStructure(v: unknown, members: Record<string, Desc>, path: string): any {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const [k, d] of Object.entries(members)) {
    if (!(k in out)) continue;
    const x = decode(out[k], d, path ? `${path}.${lowerFirst(k)}` : lowerFirst(k));
    if (x === undefined) delete out[k];
    else out[k] = x;
  }
  return out;
}
