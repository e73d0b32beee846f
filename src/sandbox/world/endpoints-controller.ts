/**
 * The (legacy) Endpoints controller, which Kubernetes 1.32 still runs beside the EndpointSlice
 * controller, so `kubectl get endpoints` shows a Service's pods: one core/v1 Endpoints per Service
 * with a selector, named like it, labelled `endpointslice.kubernetes.io/skip-mirror: "true"`;
 * subsets grouped by resolved ports, ready pods in `addresses`, not-ready ones in
 * `notReadyAddresses` (all in `addresses` with `publishNotReadyAddresses`), terminating pods left
 * out (kept with `publishNotReadyAddresses`), addresses sorted by IP. Not modelled: the 1000-address
 * truncation, `last-change-trigger-time`.
 * https://kubernetes.io/docs/concepts/services-networking/service/#endpoints
 */
import { deepEqual } from '../kube/json-util.ts';
import type { KubeObject } from '../kube/store.ts';
import type { ClusterState } from './cluster-state.ts';
import { resolvePorts } from './endpoint-slices.ts';
import { REF, selectorMatches } from './kube-objects.ts';

const MANAGER = { fieldManager: 'kube-controller-manager' };
const SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';

type Address = { ip: string; nodeName: string; targetRef: Record<string, string> };

export function reconcileEndpoints(
  s: ClusterState,
  namespace: string,
  name: string,
  svc: KubeObject | undefined,
): void {
  const current = s.store.get(REF.endpoints, namespace, name);
  if (!svc?.spec?.selector) {
    // Endpoints of a deleted Service go with it; selector-less Services' Endpoints belong to their users.
    if (!svc && current?.metadata.labels?.[SKIP_MIRROR] === 'true')
      s.self(() => s.store.delete(REF.endpoints, namespace, name));
    return;
  }
  const publishAll = svc.spec.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: unknown[]; addresses: Address[]; notReadyAddresses: Address[] }>();
  const sliceSvc = { name, namespace, uid: svc.metadata.uid ?? '', ports: svc.spec.ports ?? [] };
  for (const p of s.pods.values()) {
    if (p.namespace !== namespace || !selectorMatches(svc.spec.selector, p.labels)) continue;
    if (p.terminating && !publishAll) continue;
    const ports = resolvePorts(sliceSvc, {
      name: p.name,
      uid: p.uid,
      ip: p.ip,
      ready: p.ready,
      terminating: p.terminating,
      containerPorts: p.containerPorts,
    });
    if (!ports) continue;
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) {
      const named = ports.map((x) => (x.name ? x : { port: x.port, protocol: x.protocol }));
      g = { ports: named, addresses: [], notReadyAddresses: [] };
      groups.set(key, g);
    }
    const address = { ip: p.ip, nodeName: p.nodeName, targetRef: { kind: 'Pod', namespace, name: p.name, uid: p.uid } };
    (p.ready || publishAll ? g.addresses : g.notReadyAddresses).push(address);
  }
  const byIp = (a: Address, b: Address) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  const subsets = [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses.sort(byIp) } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses.sort(byIp) } : {}),
    ports: g.ports,
  }));
  const labels = { ...(svc.metadata.labels ?? {}), [SKIP_MIRROR]: 'true' };
  const body = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace, labels },
    ...(subsets.length ? { subsets } : {}),
  };
  if (!current) {
    s.self(() => s.store.create(REF.endpoints, body, MANAGER));
  } else if (!deepEqual(current.subsets ?? [], subsets) || !deepEqual(current.metadata.labels ?? {}, labels)) {
    const next: KubeObject = { ...current, metadata: { ...current.metadata, labels } };
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;
    s.self(() => s.store.update(REF.endpoints, next, MANAGER));
  }
}
