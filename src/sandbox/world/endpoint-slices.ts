/**
 * The EndpointSlice controller's pure core, as Kubernetes does it (discovery.k8s.io/v1): a
 * Service's selected pods that have an IP become endpoints with conditions
 * ready = Ready ∧ ¬terminating, serving = Ready, terminating = deletionTimestamp set (ready and
 * serving both true with `publishNotReadyAddresses`); pods are
 * grouped by their resolved ports (a named targetPort may resolve differently per pod); each slice
 * holds at most `maxEndpoints`. Existing endpoints stay in their slice, new ones fill free room
 * first, as the real controller does to keep churn low; a Service with no endpoints keeps one
 * empty placeholder slice.
 */

export interface SlicePod {
  name: string;
  uid: string;
  ip: string;
  nodeName?: string;
  zone?: string;
  ready: boolean;
  terminating: boolean;
  containerPorts: { name?: string; containerPort: number; protocol?: string }[];
}

export interface SliceService {
  name: string;
  namespace: string;
  uid: string;
  ports: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  /** `spec.publishNotReadyAddresses`: every endpoint is ready and serving, even while terminating. */
  publishNotReadyAddresses?: boolean;
}

export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
}

export interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
  nodeName?: string;
  zone?: string;
}

/** The parts of an EndpointSlice this controller manages. */
export interface Slice {
  name: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export interface SlicePlan {
  create: Slice[];
  update: Slice[];
  delete: string[];
}

/** The pod port a Service port sends to: a number as is, a name resolved in the pod's container ports. */
export function targetPortOf(
  sp: { port: number; targetPort?: number | string },
  containerPorts: readonly { name?: string; containerPort: number }[],
): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  return typeof tp === 'number' ? tp : containerPorts.find((c) => c.name === tp)?.containerPort;
}

export function resolvePorts(svc: SliceService, pod: SlicePod): EndpointPort[] | undefined {
  const out: EndpointPort[] = [];
  for (const p of svc.ports) {
    const port = targetPortOf(p, pod.containerPorts);
    // A pod lacking a named port gets no endpoint port for it (as Kubernetes skips it).
    if (port !== undefined) out.push({ name: p.name ?? '', port, protocol: p.protocol ?? 'TCP' });
  }
  return out.length ? out : undefined;
}

export function endpointOf(svc: SliceService, pod: SlicePod): Endpoint {
  const e: Endpoint = {
    addresses: [pod.ip],
    conditions: {
      ready: svc.publishNotReadyAddresses === true || (pod.ready && !pod.terminating),
      serving: svc.publishNotReadyAddresses === true || pod.ready,
      terminating: pod.terminating,
    },
    targetRef: { kind: 'Pod', namespace: svc.namespace, name: pod.name, uid: pod.uid },
  };
  if (pod.nodeName) e.nodeName = pod.nodeName;
  if (pod.zone) e.zone = pod.zone;
  return e;
}

const portsKey = (ports: EndpointPort[]) => ports.map((p) => `${p.name}/${p.port}/${p.protocol}`).join(',');

/**
 * What to create, update and delete so `existing` slices show `pods`. `newName()` names a new
 * slice (`<service>-<random>`, as generateName does).
 */
export function planSlices(
  svc: SliceService,
  pods: SlicePod[],
  existing: Slice[],
  maxEndpoints: number,
  newName: () => string,
): SlicePlan {
  const desired = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
  for (const pod of pods) {
    const ports = resolvePorts(svc, pod);
    if (!ports) continue;
    const key = portsKey(ports);
    let group = desired.get(key);
    if (!group) {
      group = { ports, endpoints: new Map() };
      desired.set(key, group);
    }
    group.endpoints.set(pod.uid, endpointOf(svc, pod));
  }
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const placed = new Set<string>();
  const kept: { slice: Slice; key: string; changed: boolean }[] = [];
  for (const s of existing) {
    const key = portsKey(s.ports);
    const group = desired.get(key);
    if (!group) {
      plan.delete.push(s.name);
      continue;
    }
    const endpoints: Endpoint[] = [];
    let changed = false;
    for (const e of s.endpoints) {
      const want = group.endpoints.get(e.targetRef.uid);
      if (!want || placed.has(e.targetRef.uid) || endpoints.length >= maxEndpoints) {
        changed = true;
        continue;
      }
      placed.add(e.targetRef.uid);
      if (!sameEndpoint(e, want)) changed = true;
      endpoints.push(want);
    }
    kept.push({ slice: { name: s.name, ports: s.ports, endpoints }, key, changed });
  }
  for (const [key, group] of desired) {
    const fresh = [...group.endpoints.entries()].filter(([uid]) => !placed.has(uid)).map(([, e]) => e);
    for (const k of kept) {
      if (k.key !== key) continue;
      while (fresh.length && k.slice.endpoints.length < maxEndpoints) {
        k.slice.endpoints.push(fresh.shift()!);
        k.changed = true;
      }
    }
    while (fresh.length)
      plan.create.push({ name: newName(), ports: group.ports, endpoints: fresh.splice(0, maxEndpoints) });
  }
  for (const k of kept) {
    if (k.slice.endpoints.length === 0) plan.delete.push(k.slice.name);
    else if (k.changed) plan.update.push(k.slice);
  }
  // A Service with no endpoints at all keeps one empty slice (the controller's placeholder).
  const remaining = kept.filter((k) => k.slice.endpoints.length > 0).length + plan.create.length;
  if (remaining === 0) {
    const placeholder = existing.find((s) => s.endpoints.length === 0 && s.ports.length === 0);
    if (placeholder) plan.delete = plan.delete.filter((n) => n !== placeholder.name);
    else plan.create.push({ name: newName(), ports: [], endpoints: [] });
  }
  return plan;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return (
    a.addresses[0] === b.addresses[0] &&
    a.conditions.ready === b.conditions.ready &&
    a.conditions.serving === b.conditions.serving &&
    a.conditions.terminating === b.conditions.terminating &&
    a.targetRef.name === b.targetRef.name &&
    a.nodeName === b.nodeName &&
    a.zone === b.zone
  );
}
