/**
 * What decoding a request body into a Go type does to timestamps of built-in kinds:
 * metav1.MicroTime fields need exactly 6 fractional digits and metav1.Time fields accept any
 * RFC 3339 time but are stored in whole seconds, UTC (`…Z`) — so a client-node `Date` written as
 * `…:05.123Z` reads back as `…:05Z`. Pod conditions carry `lastProbeTime`/`lastTransitionTime`
 * (null when unset) and drop empty `reason`/`message` (Go's omitempty), as a real server shows them.
 * Custom resources are unstructured: nothing is decoded.
 */
import { parseGoTime, RFC3339, RFC3339_MICRO } from './go-time.ts';
import type { ResourceDef } from './resources.ts';
import { isoSeconds } from './store-types.ts';

/** A body that does not decode into the Go type; `message` is Go's error text. */
export class DecodeFailure extends Error {}

const CONDITION_TIMES = ['lastTransitionTime', 'lastProbeTime', 'lastUpdateTime', 'lastHeartbeatTime'];

/** Checks and normalizes `obj`'s timestamps in place; throws DecodeFailure. */
export function decodeTimes(def: ResourceDef, obj: Record<string, any>): void {
  if (def.custom) return;
  if (def.resource === 'leases' && def.group === 'coordination.k8s.io') {
    microTime(obj.spec, 'acquireTime');
    microTime(obj.spec, 'renewTime');
  }
  if (def.resource === 'events') {
    microTime(obj, 'eventTime');
    microTime(obj.series, 'lastObservedTime');
    for (const f of ['firstTimestamp', 'lastTimestamp', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp'])
      time(obj, f);
  }
  const conditions = obj.status?.conditions;
  if (!Array.isArray(conditions)) return;
  const pod = def.group === '' && def.resource === 'pods';
  if (pod) time(obj.status, 'startTime');
  for (const c of conditions) {
    if (c === null || typeof c !== 'object') continue;
    for (const f of CONDITION_TIMES) time(c, f);
    if (!pod) continue;
    // Only writes what changes: status objects may be shared with committed (frozen-by-contract) ones.
    if (c.lastProbeTime === undefined) c.lastProbeTime = null;
    if (c.lastTransitionTime === undefined) c.lastTransitionTime = null;
    for (const f of ['reason', 'message']) if (c[f] === '') delete c[f];
  }
}

function microTime(o: Record<string, any> | undefined, field: string): void {
  const v = o?.[field];
  if (v === undefined || v === null) return;
  const ms = parseGoTime(asString(v), RFC3339_MICRO);
  if (typeof ms === 'string') throw new DecodeFailure(ms);
}

function time(o: Record<string, any> | undefined, field: string): void {
  const v = o?.[field];
  if (v === undefined || v === null) return;
  const ms = parseGoTime(asString(v), RFC3339);
  if (typeof ms === 'string') throw new DecodeFailure(ms);
  const normalized = isoSeconds(ms);
  if (v !== normalized) o![field] = normalized;
}

/** A timestamp must be a JSON string (the Go error text for other types is approximate [U]). */
function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  const t = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'array' : 'object';
  throw new DecodeFailure(`json: cannot unmarshal ${t} into Go value of type string`);
}
