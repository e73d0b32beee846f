import { createHash } from 'node:crypto';
import type { RolloutSpec } from './types.ts';

/**
 * sha256 (hex) of the normalized rollout in canonical JSON (keys sorted). Formatting, comments,
 * defaults written out or left implicit, and metadata other than the name (labels and
 * annotations, which cutover ignores) do not change it; any change of meaning does.
 */
export function specHash(rollout: RolloutSpec): string {
  const meaning = { ...rollout, metadata: { name: rollout.metadata.name } };
  return createHash('sha256').update(canonicalJson(meaning)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
