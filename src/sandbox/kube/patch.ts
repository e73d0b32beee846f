/**
 * The three non-apply patch types: JSON patch (RFC 6902, including `test`), JSON merge patch
 * (RFC 7386) and strategic merge patch (merge keys from merge-keys.ts; directives `$patch`,
 * `$setElementOrder/…`, `$deleteFromPrimitiveList/…`, `$retainKeys`). Pure: they return new values.
 */
import { badRequest, unprocessable } from './errors.ts';
import { clone, deepEqual, isPlainObject } from './json-util.ts';
import { listStrategy } from './merge-keys.ts';

// ---- RFC 6902 ----

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw unprocessable(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: any, parts: string[], op: string, path: string): any {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isPlainObject(cur) ? cur[p] : undefined;
    if (cur === undefined || cur === null) {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
  }
  return cur;
}

function getAt(doc: any, path: string, op: string): any {
  const parts = parsePointer(path);
  if (parts.length === 0) return doc;
  const c = container(doc, parts, op, path);
  const last = parts[parts.length - 1]!;
  const v = Array.isArray(c) ? c[Number(last)] : c[last];
  if (v === undefined)
    throw unprocessable(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  return v;
}

function removeAt(doc: any, path: string, op: string): any {
  const parts = parsePointer(path);
  const c = container(doc, parts, op, path);
  const last = parts[parts.length - 1]!;
  if (Array.isArray(c)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= c.length)
      throw unprocessable(`Unable to remove nonexistent key: ${last}: missing value`);
    return c.splice(i, 1)[0];
  }
  if (!Object.hasOwn(c, last)) throw unprocessable(`Unable to remove nonexistent key: ${last}: missing value`);
  const v = c[last];
  delete c[last];
  return v;
}

function addAt(doc: any, path: string, value: unknown, op: string, replace: boolean): any {
  const parts = parsePointer(path);
  if (parts.length === 0) return value;
  const c = container(doc, parts, op, path);
  const last = parts[parts.length - 1]!;
  if (Array.isArray(c)) {
    const i = last === '-' ? c.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > c.length || (replace && i >= c.length)) {
      throw unprocessable(`${op} operation does not apply: index out of bounds: ${last}`);
    }
    if (replace) c[i] = value;
    else c.splice(i, 0, value);
  } else if (isPlainObject(c)) {
    if (replace && !Object.hasOwn(c, last)) {
      throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    }
    c[last] = value;
  } else throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return doc;
}

export function applyJsonPatch(doc: unknown, patch: unknown): any {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = clone(doc);
  for (const op of patch) {
    if (!isPlainObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest(`invalid JSON patch operation ${JSON.stringify(op)}`);
    }
    switch (op.op) {
      case 'add':
        out = addAt(out, op.path, clone(op.value), 'add', false);
        break;
      case 'replace':
        out = addAt(out, op.path, clone(op.value), 'replace', true);
        break;
      case 'remove':
        removeAt(out, op.path, 'remove');
        break;
      case 'move': {
        const v = removeAt(out, op.from, 'move');
        out = addAt(out, op.path, v, 'move', false);
        break;
      }
      case 'copy':
        out = addAt(out, op.path, clone(getAt(out, op.from, 'copy')), 'copy', false);
        break;
      case 'test': {
        let actual: unknown;
        try {
          actual = getAt(out, op.path, 'test');
        } catch {
          actual = undefined;
        }
        if (!deepEqual(actual, op.value)) throw unprocessable(`testing value ${op.path} failed: test failed`);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return out;
}

// ---- RFC 7386 ----

export function applyMergePatch(target: unknown, patch: unknown): any {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, any> = isPlainObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

// ---- strategic merge patch ----

const ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** Removes directive keys from values copied verbatim out of a patch. */
function stripDirectives(v: any): any {
  if (Array.isArray(v)) return v.filter((x) => !(isPlainObject(x) && x.$patch)).map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, any> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x !== null) out[k] = stripDirectives(x);
  }
  return out;
}

function reorder(list: any[], order: any[], key: string | undefined): any[] {
  const id = (x: any) => (key ? x?.[key] : x);
  const wanted = order.map((o) => (key ? o?.[key] : o));
  const first = wanted.flatMap((w) => list.filter((x) => deepEqual(id(x), w)));
  const rest = list.filter((x) => !wanted.some((w) => deepEqual(id(x), w)));
  return [...first, ...rest];
}

function mergeList(kind: string, custom: boolean, path: string[], orig: unknown, patch: any[]): any[] {
  const strategy = listStrategy(kind, custom, path);
  const replaceAll = patch.some((x) => isPlainObject(x) && x.$patch === 'replace');
  if (strategy.type === 'atomic' || replaceAll || !Array.isArray(orig)) return stripDirectives(patch);
  if (strategy.type === 'set') {
    const out = [...orig];
    for (const x of patch) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }
  const key = strategy.key;
  const out = orig.map((x) => clone(x));
  for (const item of patch) {
    if (!isPlainObject(item))
      throw badRequest(`unable to find api field in struct for the list item ${JSON.stringify(item)}`);
    const i = out.findIndex((x) => isPlainObject(x) && deepEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = mergeMap(kind, custom, path, out[i], item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function mergeMap(kind: string, custom: boolean, path: string[], orig: unknown, patch: Record<string, any>): any {
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const out: Record<string, any> = isPlainObject(orig) ? clone(orig) : {};
  if (Array.isArray(patch.$retainKeys)) {
    for (const k of Object.keys(out)) if (!patch.$retainKeys.includes(k)) delete out[k];
  }
  const orders: Array<[string, any[]]> = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(ORDER.length), v]);
    } else if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (Array.isArray(out[field]) && Array.isArray(v))
        out[field] = out[field].filter((x: unknown) => !v.some((d) => deepEqual(d, x)));
    } else if (k.startsWith('$')) {
      // other directives ($patch: merge, $retainKeys) need no further action here
    } else if (v === null) delete out[k];
    else if (isPlainObject(v)) {
      if (v.$patch === 'delete') delete out[k];
      else out[k] = mergeMap(kind, custom, [...path, k], out[k], v);
    } else if (Array.isArray(v)) out[k] = mergeList(kind, custom, [...path, k], out[k], v);
    else out[k] = v;
  }
  for (const [field, order] of orders) {
    if (!Array.isArray(out[field])) continue;
    const s = listStrategy(kind, custom, [...path, field]);
    out[field] = reorder(out[field], order, s.type === 'map' ? s.key : undefined);
  }
  return out;
}

export function applyStrategicMergePatch(kind: string, orig: unknown, patch: unknown): any {
  if (!isPlainObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(kind, false, [], orig, patch);
}
