/**
 * Which lists of built-in kinds merge by key (strategic merge patch, server-side apply) instead of
 * being replaced whole. Covers the fields the agent, the world and kubectl touch; every other list
 * is atomic (replaced), which is a documented simplification of the real per-field tags.
 */

export type ListStrategy = { type: 'map'; key: string } | { type: 'set' } | { type: 'atomic' };

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `path` is the chain of field names from the object root to the list (list indices omitted). */
export function listStrategy(kind: string, custom: boolean, path: string[]): ListStrategy {
  const last = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (path.length === 2 && path[0] === 'metadata') {
    if (last === 'finalizers') return { type: 'set' };
    if (last === 'ownerReferences') return { type: 'map', key: 'uid' };
  }
  if (custom || kind === 'EndpointSlice' || kind === 'Endpoints') return { type: 'atomic' };
  if (containerLists.has(last)) return { type: 'map', key: 'name' };
  if (last === 'ports') {
    if (containerLists.has(parent)) return { type: 'map', key: 'containerPort' };
    if (kind === 'Service' && path.length === 2) return { type: 'map', key: 'port' };
    return { type: 'atomic' };
  }
  if (last === 'env' || last === 'volumes' || last === 'imagePullSecrets') return { type: 'map', key: 'name' };
  if (last === 'volumeMounts') return { type: 'map', key: 'mountPath' };
  if (last === 'volumeDevices') return { type: 'map', key: 'devicePath' };
  if (last === 'readinessGates') return { type: 'map', key: 'conditionType' };
  if (last === 'hostAliases') return { type: 'map', key: 'ip' };
  if (path[0] === 'status') {
    if (last === 'conditions') return { type: 'map', key: 'type' };
    if (last === 'podIPs' || last === 'hostIPs') return { type: 'map', key: 'ip' };
  }
  return { type: 'atomic' };
}
