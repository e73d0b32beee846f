/**
 * A patched object that does not decode (e.g. a bad timestamp) is reported as the API server's
 * patch handler does: 422 Invalid on the field `patch`, whose value is the patched object's JSON
 * (JSON and merge patches) or Go's `%+v` print of the patch map (strategic merge patch).
 * [U: key order inside the quoted value differs from Go's.]
 */
import { DecodeFailure, decodeTimes } from './decode-times.ts';
import { KubeStatusError } from './errors.ts';
import type { ResourceDef } from './resources.ts';

export interface PatchSource {
  type: 'json' | 'merge' | 'strategic';
  body: unknown;
}

export function checkDecodeAfterPatch(
  def: ResourceDef,
  obj: Record<string, any>,
  patch: PatchSource,
  patched: unknown,
): void {
  try {
    decodeTimes(def, obj);
  } catch (e) {
    if (!(e instanceof DecodeFailure)) throw e;
    const value = patch.type === 'strategic' ? goPrint(patch.body) : JSON.stringify(patched);
    const body = `Invalid value: ${JSON.stringify(value)}: ${e.message}`;
    throw new KubeStatusError(422, 'Invalid', ` "" is invalid: patch: ${body}`, {
      causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }],
    });
  }
}

/** Go's `%+v` of a decoded JSON value: `map[k:v …]` with sorted keys, `[a b]`, `<nil>`. */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(v);
}
