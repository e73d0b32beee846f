/**
 * Maps an API path onto a resource request:
 *   /api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
 *   /apis/{group}/{version}[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
 * `/api/v1/namespaces/{name}[/status]` addresses the Namespace object itself.
 */
import type { ResourceDef, ResourceRegistry } from './resources.ts';

export interface ResourceRequest {
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** The legacy `/watch/` path prefix was used. */
  watchPath: boolean;
}

export type ParsedPath =
  | { type: 'resource'; req: ResourceRequest }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'group'; group: string }
  | { type: 'unknown' };

function find(reg: ResourceRegistry, group: string, version: string, resource: string | undefined) {
  return resource ? reg.get({ group, version, resource }) : undefined;
}

export function parseApiPath(reg: ResourceRegistry, pathname: string): ParsedPath {
  const segs = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else if (segs[0] === 'apis' && segs.length === 2) {
    return { type: 'group', group: segs[1]! };
  } else return { type: 'unknown' };
  if (rest.length === 0) return { type: 'groupVersion', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  const resource = (def: ResourceDef | undefined, namespace: string | undefined, tail: string[]): ParsedPath => {
    if (!def || tail.length > 2) return { type: 'unknown' };
    if (namespace !== undefined && !def.namespaced) return { type: 'unknown' };
    if (!def.namespaced || namespace !== undefined || tail.length === 0) {
      return { type: 'resource', req: { def, namespace, name: tail[0], subresource: tail[1], watchPath } };
    }
    return { type: 'unknown' };
  };
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nested = find(reg, group, version, rest[2]);
    if (nested?.namespaced) return resource(nested, rest[1], rest.slice(3));
  }
  return resource(find(reg, group, version, rest[0]), undefined, rest.slice(1));
}
