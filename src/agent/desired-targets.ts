import type {
  BindingSpec,
  EndpointSliceInfo,
  LabelSelector,
  NodeInfo,
  PodInfo,
  ServiceInfo,
  ServicePort,
  Target,
} from './types.ts';
import { targetKey } from './types.ts';

/**
 * Which targets a binding wants registered, from the cluster's objects (pure).
 *
 * ip mode — the Service's EndpointSlices, for the slice port that serves the binding's Service
 * port (matched by port name, as kube-proxy does):
 * - ready endpoints (ready true or unknown) are targets;
 * - a not-ready endpoint whose pod waits only on this binding's readiness gate (containers ready,
 *   every other gate True, not being deleted) is a target too, so the load balancer can check it
 *   and the gate can turn True — without this a gated pod could never become ready;
 * - terminating endpoints are dropped at once, so ELB starts draining them while the pod's
 *   preStop/grace period still serves in-flight requests.
 * instance mode — every node that matches `nodeSelector`, is Ready, is not being deleted and is
 * not labelled `node.kubernetes.io/exclude-from-external-load-balancers`, on the Service port's
 * NodePort (the Service must be NodePort or LoadBalancer).
 */
export type Desired =
  | { ok: true; targets: Target[]; waitingOnGate: string[] }
  | { ok: false; reason: 'ServiceNotFound' | 'PortNotFound' | 'NotANodePortService'; message: string };

export const EXCLUDE_FROM_LB = 'node.kubernetes.io/exclude-from-external-load-balancers';

export function resolveServicePort(b: BindingSpec, service: ServiceInfo): ServicePort | undefined {
  const want = b.serviceRef.port;
  return service.ports.find((p) => (typeof want === 'number' ? p.port === want : p.name === want));
}

export function desiredTargets(
  b: BindingSpec,
  service: ServiceInfo | undefined,
  slices: readonly EndpointSliceInfo[],
  pods: ReadonlyMap<string, PodInfo>,
  nodes: readonly NodeInfo[],
  gateCondition: string,
): Desired {
  if (!service) {
    return { ok: false, reason: 'ServiceNotFound', message: `service ${b.namespace}/${b.serviceRef.name} not found` };
  }
  const port = resolveServicePort(b, service);
  if (!port) {
    const have = service.ports.map((p) => (p.name ? `${p.name}/${p.port}` : String(p.port))).join(', ') || 'none';
    return {
      ok: false,
      reason: 'PortNotFound',
      message: `service ${b.namespace}/${service.name} has no port ${JSON.stringify(b.serviceRef.port)} (ports: ${have})`,
    };
  }
  return b.targetType === 'instance'
    ? instanceTargets(b, service, port, nodes)
    : ipTargets(b, port, slices, pods, gateCondition);
}

function ipTargets(
  b: BindingSpec,
  port: ServicePort,
  slices: readonly EndpointSliceInfo[],
  pods: ReadonlyMap<string, PodInfo>,
  gateCondition: string,
): Desired {
  const family = b.ipAddressType === 'ipv6' ? 'IPv6' : 'IPv4';
  const byKey = new Map<string, Target>();
  const waiting = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType !== family) continue;
    // A slice port serves a Service port when their names match ('' for an unnamed port).
    const slicePort = slice.ports.find((p) => (p.name ?? '') === (port.name ?? ''))?.port;
    if (slicePort === undefined) continue;
    for (const e of slice.endpoints) {
      if (e.terminating === true) continue;
      const include = e.ready !== false || waitsOnlyOnGate(e.pod ? pods.get(e.pod) : undefined, gateCondition);
      if (!include) continue;
      if (e.ready === false && e.pod) waiting.add(e.pod);
      for (const ip of e.addresses.slice(0, 1)) {
        const t = { id: ip, port: slicePort };
        byKey.set(targetKey(t), t);
      }
    }
  }
  return { ok: true, targets: sortTargets([...byKey.values()]), waitingOnGate: [...waiting].sort() };
}

/** The pod is held back only by `gate`: containers ready, every other readiness gate True. */
export function waitsOnlyOnGate(pod: PodInfo | undefined, gate: string): boolean {
  if (!pod || pod.deleting) return false;
  if (!pod.readinessGates.includes(gate)) return false;
  if (pod.conditions.ContainersReady !== 'True') return false;
  return pod.readinessGates.every((g) => g === gate || pod.conditions[g] === 'True');
}

function instanceTargets(b: BindingSpec, service: ServiceInfo, port: ServicePort, nodes: readonly NodeInfo[]): Desired {
  if ((service.type !== 'NodePort' && service.type !== 'LoadBalancer') || !port.nodePort) {
    return {
      ok: false,
      reason: 'NotANodePortService',
      message: `targetType instance needs a NodePort or LoadBalancer service; ${b.namespace}/${service.name} is ${service.type}${port.nodePort ? '' : ' without a nodePort'}`,
    };
  }
  const targets: Target[] = [];
  for (const n of nodes) {
    if (!n.ready || n.deleting || Object.hasOwn(n.labels, EXCLUDE_FROM_LB)) continue;
    if (!matchesSelector(n.labels, b.nodeSelector)) continue;
    const id = instanceIdOf(n.providerID);
    if (id) targets.push({ id, port: port.nodePort });
  }
  return { ok: true, targets: sortTargets(targets), waitingOnGate: [] };
}

/** `aws:///eu-west-1a/i-0abc…` → `i-0abc…`; undefined for anything else. */
export function instanceIdOf(providerID: string | undefined): string | undefined {
  const m = /^aws:\/\/\/[^/]*\/(i-[0-9a-f]{8,17})$/.exec(providerID ?? '');
  return m?.[1];
}

/** Kubernetes label-selector semantics; no selector selects everything. */
export function matchesSelector(labels: Record<string, string>, sel: LabelSelector | undefined): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function sortTargets(ts: Target[]): Target[] {
  return ts.sort((a, b) => (a.id === b.id ? a.port - b.port : a.id < b.id ? -1 : 1));
}
