/**
 * Node ports of NodePort and LoadBalancer Services, as the API server's Service REST storage
 * allocates them (https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport):
 * from 30000–32767, cluster-wide unique per port number; a requested `nodePort` is checked
 * (outside the range, or taken by another Service → 422 with the allocator's words); a port that
 * omits it on update keeps the one it had (same port and protocol); a Service whose type changes
 * to ClusterIP drops its node ports. [U] The real allocator picks at random; this one starts from a
 * hash of the Service and port and takes the next free number, so allocations are deterministic.
 */
import { fieldInvalid, invalid, type StatusCause } from './errors.ts';
import { hash } from './store-helpers.ts';

export const NODE_PORT_RANGE = { base: 30000, size: 2768 } as const;
const RANGE_TEXT = `${NODE_PORT_RANGE.base}-${NODE_PORT_RANGE.base + NODE_PORT_RANGE.size - 1}`;

export const isService = (def: { group: string; resource: string }) => def.group === '' && def.resource === 'services';

const usesNodePorts = (spec: Record<string, any> | undefined) =>
  spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';

/** Node ports a Service holds. */
export function nodePortsOf(svc: Record<string, any> | undefined): number[] {
  const ports: any[] = usesNodePorts(svc?.spec) && Array.isArray(svc?.spec?.ports) ? svc.spec.ports : [];
  return ports.map((p) => p?.nodePort).filter((n): n is number => typeof n === 'number');
}

/** The node ports held by every Service of `services` but the one named. */
export function takenNodePorts(services: Iterable<Record<string, any>>, namespace: string, name: string): Set<number> {
  const out = new Set<number>();
  for (const s of services) {
    if (s.metadata?.namespace === namespace && s.metadata?.name === name) continue;
    for (const n of nodePortsOf(s)) out.add(n);
  }
  return out;
}

/**
 * Sets `nodePort` on every port of a NodePort/LoadBalancer Service `obj` (in place); `old` is the
 * stored Service on update; `taken` holds the node ports of every other Service in the cluster.
 */
export function assignNodePorts(
  obj: Record<string, any>,
  old: Record<string, any> | undefined,
  taken: ReadonlySet<number>,
): void {
  const ports: any[] = Array.isArray(obj.spec?.ports) ? obj.spec.ports : [];
  if (!usesNodePorts(obj.spec)) {
    // A type change away from NodePort releases the ports (dropTypeDependentFields).
    if (old && usesNodePorts(old.spec)) for (const p of ports) delete p.nodePort;
    return;
  }
  const causes: StatusCause[] = [];
  const mine = new Set<number>();
  ports.forEach((p, i) => {
    if (p.nodePort === undefined || p.nodePort === null || p.nodePort === 0) {
      const before = (old?.spec?.ports ?? []).find(
        (o: any) => o?.port === p.port && (o?.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (typeof before?.nodePort === 'number' && usesNodePorts(old?.spec)) p.nodePort = before.nodePort;
      else return;
    }
    const n = p.nodePort;
    const field = `spec.ports[${i}].nodePort`;
    if (typeof n !== 'number' || n < NODE_PORT_RANGE.base || n >= NODE_PORT_RANGE.base + NODE_PORT_RANGE.size) {
      causes.push(
        fieldInvalid(field, n, `provided port is not in the valid range. The range of valid ports is ${RANGE_TEXT}`),
      );
    } else if (taken.has(n) || mine.has(n)) {
      causes.push(fieldInvalid(field, n, 'provided port is already allocated'));
    }
    mine.add(n);
  });
  if (causes.length) throw invalid('Service', '', String(obj.metadata?.name ?? ''), causes);
  for (const p of ports) {
    if (typeof p.nodePort === 'number') continue;
    const start = hash(`${obj.metadata?.namespace}/${obj.metadata?.name}/${p.port}/${p.protocol ?? 'TCP'}`);
    for (let k = 0; k < NODE_PORT_RANGE.size; k++) {
      const n = NODE_PORT_RANGE.base + ((start + k) % NODE_PORT_RANGE.size);
      if (!taken.has(n) && !mine.has(n)) {
        p.nodePort = n;
        mine.add(n);
        break;
      }
    }
    if (typeof p.nodePort !== 'number') {
      throw invalid('Service', '', String(obj.metadata?.name ?? ''), [
        fieldInvalid('spec.ports', p.port, `range is full: no free node port in ${RANGE_TEXT}`),
      ]);
    }
  }
}
