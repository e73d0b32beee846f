import { id16 } from '../ids.ts';
import type { ClusterStore, KubeObject, WatchEvent } from '../kube/store.ts';
import type { ClusterDef, PodScope, WorkloadDef } from '../scenario/types.ts';
import { type Endpoint, planSlices, type Slice, type SlicePod } from './endpoint-slices.ts';
import { IpPool } from './ip-pool.ts';
import {
  deploymentObject,
  MANAGED_BY_LABEL,
  namespaceObject,
  nodeObject,
  podTemplate,
  REF,
  replicaSetObject,
  SERVICE_NAME_LABEL,
  SLICE_CONTROLLER,
  selectorMatches,
  serviceObject,
} from './kube-objects.ts';
import { desiredPodStatus, sameStatus } from './kubelet.ts';
import type { Random } from './prng.ts';
import type { Backend } from './traffic.ts';

/** What a health check of a target finds (the ELBv2 model's probe result). */
export type ProbeResult = 'pass' | 'fail' | 'timeout' | 'mismatch';

export interface PodSim {
  key: string;
  name: string;
  namespace: string;
  uid: string;
  ip: string;
  nodeName: string;
  zone: string;
  labels: Record<string, string>;
  gates: string[];
  containerName: string;
  image: string;
  containerPorts: { name?: string; containerPort: number }[];
  workload?: WorkloadSim;
  createdAt: number;
  startAt: number;
  startedAt?: number;
  started: boolean;
  ready: boolean;
  terminating: boolean;
  removeAt?: number;
  healthFault?: { mode: Exclude<ProbeResult, 'pass'>; until?: number };
  errorRate: number;
  latencyMs: number;
}

export interface WorkloadSim {
  def: WorkloadDef;
  key: string;
  replicas: number;
  hash: string;
  rsName: string;
  rsOwner?: Record<string, unknown>;
  deleted: boolean;
}

/** A temporary change of pods' behaviour (a fault): later overrides win over earlier ones. */
export interface Override {
  scope: PodScope;
  errorRate?: number;
  latencyMs?: number;
  until?: number;
}

const NODES = ['a', 'b', 'c'];
const SLICE_MANAGER = { fieldManager: 'endpointslice-controller' };
/** Pods not made by a workload (e.g. `kubectl run`) start after this and answer with no errors. */
const FOREIGN_POD = { startDelayMs: 2000, errorRate: 0, latencyMs: 20 };

/**
 * One simulated cluster: a Deployment-like controller per workload, a kubelet for every pod in the
 * store (Pending → Running after the start delay; Ready per readiness gates; graceful termination
 * ending in removal), and the EndpointSlice controller. All of it lives in the cluster's
 * ClusterStore, so the Kubernetes API shows it. Work triggered by store changes is queued and done
 * in `settle(now)`, never inside the store's change callback.
 */
export class ClusterSim {
  readonly name: string;
  readonly pods = new Map<string, PodSim>();
  readonly podsByIp = new Map<string, PodSim>();
  readonly workloads = new Map<string, WorkloadSim>();
  private readonly ips: IpPool;
  private readonly timers: { at: number; key: string; kind: 'start' | 'remove' }[] = [];
  private readonly statusDirty = new Set<string>();
  private readonly servicesDirty = new Set<string>();
  private readonly workloadsDirty = new Set<string>();
  private overrides: Override[] = [];
  private nodeSeq = 0;
  private selfWriting = 0;
  private now = 0;
  private readonly unsubscribe: () => void;

  constructor(
    readonly def: ClusterDef,
    readonly store: ClusterStore,
    private readonly rng: Random,
    private readonly region: string,
    private readonly maxEndpointsPerSlice = 100,
  ) {
    this.name = def.name;
    this.ips = new IpPool(def.podCidr);
    this.unsubscribe = store.onChange((ev) => {
      if (this.selfWriting === 0) this.onStoreChange(ev);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /**
   * Creates the cluster's namespaces, nodes, Services and workloads, with each workload's pods
   * already running and ready (and their readiness gates True), as a cluster that has been up a
   * while looks.
   */
  init(now: number): void {
    this.now = now;
    this.self(() => {
      const prefix = this.def.podCidr.split('.').slice(0, 2).join('.');
      NODES.forEach((z, i) => {
        this.store.create(
          REF.nodes,
          nodeObject(this.nodeName(i), `${this.region}${z}`, this.region, `${prefix}.0.${10 + i}`),
        );
      });
      for (const ns of this.def.namespaces) {
        if (!this.store.get(REF.namespaces, undefined, ns)) this.store.create(REF.namespaces, namespaceObject(ns));
      }
      for (const s of this.def.services) {
        this.store.create(REF.services, serviceObject(s));
        this.servicesDirty.add(`${s.namespace}/${s.name}`);
      }
      for (const w of this.def.workloads) this.createWorkload(w);
    });
    for (const w of this.workloads.values()) {
      for (let i = 0; i < w.replicas; i++) this.createPod(w, now, true);
    }
    this.settle(now);
  }

  // ---------------------------------------------------------------- reads for traffic and health

  backend(ip: string, port: number): Backend {
    const p = this.podsByIp.get(ip);
    if (!p) return { kind: 'gone' };
    if (!p.started || !p.containerPorts.some((c) => c.containerPort === port)) return { kind: 'refused' };
    return { kind: 'serving', errorRate: p.errorRate, latencyMs: p.latencyMs };
  }

  probe(ip: string, port: number, at: number): ProbeResult | undefined {
    const p = this.podsByIp.get(ip);
    if (!p) return undefined;
    if (p.healthFault && (p.healthFault.until === undefined || p.healthFault.until > at)) return p.healthFault.mode;
    if (!p.started || !p.containerPorts.some((c) => c.containerPort === port)) return 'fail';
    return 'pass';
  }

  /** Pods in a fault's scope, in name order (terminating ones excluded). */
  podsIn(scope: PodScope): PodSim[] {
    return [...this.pods.values()]
      .filter((p) => !p.terminating && inScope(scope, p))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  // ---------------------------------------------------------------- faults

  addOverride(o: Override): void {
    this.overrides.push(o);
    this.refreshBehaviour();
  }

  /** Drops overrides that ended by `now` and health faults that ended. */
  expireFaults(now: number): void {
    const before = this.overrides.length;
    this.overrides = this.overrides.filter((o) => o.until === undefined || o.until > now);
    if (this.overrides.length !== before) this.refreshBehaviour();
    for (const p of this.pods.values()) {
      if (p.healthFault?.until !== undefined && p.healthFault.until <= now) delete p.healthFault;
    }
  }

  /** Deletes pods at once (a crash or forced eviction); their workload replaces them. */
  killPods(scope: PodScope, n: number): string[] {
    const candidates = this.podsIn(scope);
    const killed: string[] = [];
    for (let i = 0; i < n && candidates.length; i++) {
      const [p] = candidates.splice(Math.floor(this.rng.next() * candidates.length), 1);
      if (!p) break;
      this.self(() => this.store.delete(REF.pods, p.namespace, p.name, { gracePeriodSeconds: 0 }));
      this.forget(p);
      killed.push(p.name);
    }
    return killed;
  }

  private refreshBehaviour(): void {
    for (const p of this.pods.values()) this.applyBehaviour(p);
  }

  private applyBehaviour(p: PodSim): void {
    p.errorRate = p.workload?.def.errorRate ?? FOREIGN_POD.errorRate;
    p.latencyMs = p.workload?.def.latencyMs ?? FOREIGN_POD.latencyMs;
    for (const o of this.overrides) {
      if (!inScope(o.scope, p)) continue;
      if (o.errorRate !== undefined) p.errorRate = o.errorRate;
      if (o.latencyMs !== undefined) p.latencyMs = o.latencyMs;
    }
  }

  // ---------------------------------------------------------------- the control loop

  /** Runs due kubelet timers, then controllers until nothing is left to do. */
  settle(now: number): void {
    this.now = now;
    this.timers.sort((a, b) => a.at - b.at);
    while (this.timers.length && (this.timers[0] as { at: number }).at <= now) {
      const t = this.timers.shift()!;
      const p = this.pods.get(t.key);
      if (!p) continue;
      if (t.kind === 'start' && !p.started && !p.terminating) {
        p.started = true;
        p.startedAt = t.at;
        this.statusDirty.add(p.key);
      } else if (t.kind === 'remove' && p.terminating) {
        this.self(() => {
          try {
            this.store.delete(REF.pods, p.namespace, p.name, { gracePeriodSeconds: 0 });
          } catch {
            // Already gone (deleted by a client with grace 0): nothing to do.
          }
        });
        this.forget(p);
      }
    }
    for (let round = 0; round < 10; round++) {
      if (!this.workloadsDirty.size && !this.statusDirty.size && !this.servicesDirty.size) break;
      for (const key of [...this.workloadsDirty]) {
        this.workloadsDirty.delete(key);
        const w = this.workloads.get(key);
        if (w) this.reconcileWorkload(w, now);
      }
      for (const key of [...this.statusDirty]) {
        this.statusDirty.delete(key);
        const p = this.pods.get(key);
        if (p) this.writeStatus(p, now);
      }
      for (const key of [...this.servicesDirty]) {
        this.servicesDirty.delete(key);
        this.reconcileSlices(key);
      }
    }
  }

  // ---------------------------------------------------------------- workloads

  private createWorkload(w: WorkloadDef): void {
    const image = `registry.sandbox.local/${w.name}:1.0.0`;
    const template = podTemplate(w, image);
    const hash = id16(`${this.name}/${w.namespace}/${w.name}/${JSON.stringify(template)}`).slice(0, 10);
    const dep = this.store.create(REF.deployments, deploymentObject(w, template));
    const rsName = `${w.name}-${hash}`;
    const rs = this.store.create(REF.replicaSets, replicaSetObject(w, rsName, hash, template, dep));
    const sim: WorkloadSim = {
      def: w,
      key: `${w.namespace}/${w.name}`,
      replicas: w.replicas,
      hash,
      rsName,
      rsOwner: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: rsName,
        uid: rs.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
      deleted: false,
    };
    this.workloads.set(sim.key, sim);
  }

  private reconcileWorkload(w: WorkloadSim, now: number): void {
    if (w.deleted) return;
    const mine = [...this.pods.values()].filter((p) => p.workload === w);
    const live = mine.filter((p) => !p.terminating);
    for (let i = live.length; i < w.replicas; i++) this.createPod(w, now, false);
    if (live.length > w.replicas) {
      // Scale down: the newest (not yet ready first) go, as a ReplicaSet picks them.
      const victims = live
        .sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt)
        .slice(0, live.length - w.replicas);
      for (const p of victims) this.deleteGracefully(p);
    }
    const all = [...this.pods.values()].filter((p) => p.workload === w && !p.terminating);
    const ready = all.filter((p) => p.ready).length;
    const status = {
      observedGeneration: 0,
      replicas: all.length,
      updatedReplicas: all.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(all.length - ready > 0 ? { unavailableReplicas: all.length - ready } : {}),
    };
    this.self(() => {
      for (const [ref, name] of [
        [REF.deployments, w.def.name],
        [REF.replicaSets, w.rsName],
      ] as const) {
        const o = this.store.get(ref, w.def.namespace, name);
        if (!o) continue;
        const next = { ...status, observedGeneration: o.metadata.generation ?? 1 };
        if (JSON.stringify(o.status ?? {}) === JSON.stringify(next)) continue;
        this.store.update(
          ref,
          { ...o, status: next },
          { subresource: 'status', fieldManager: 'kube-controller-manager' },
        );
      }
    });
  }

  private deleteGracefully(p: PodSim): void {
    const obj = this.self(() => this.store.delete(REF.pods, p.namespace, p.name));
    if (obj?.metadata.deletionTimestamp) this.beginTermination(p, obj);
    else this.forget(p);
  }

  private nodeName(i: number): string {
    return `${this.name}-node-${NODES[i % NODES.length]}`;
  }

  private createPod(w: WorkloadSim, now: number, warm: boolean): void {
    let name = '';
    do name = `${w.def.name}-${w.hash}-${suffix(this.rng)}`;
    while (this.pods.has(`${w.def.namespace}/${name}`));
    const template = podTemplate(w.def, `registry.sandbox.local/${w.def.name}:1.0.0`);
    const nodeIndex = this.nodeSeq++ % NODES.length;
    const p: PodSim = {
      key: `${w.def.namespace}/${name}`,
      name,
      namespace: w.def.namespace,
      uid: '',
      ip: this.ips.allocate(),
      nodeName: this.nodeName(nodeIndex),
      zone: `${this.region}${NODES[nodeIndex]}`,
      labels: { ...w.def.labels, 'pod-template-hash': w.hash },
      gates: [...w.def.readinessGates],
      containerName: w.def.name,
      image: template.spec.containers[0].image,
      containerPorts: w.def.containerPorts,
      workload: w,
      createdAt: now,
      startAt: warm ? now : now + w.def.startDelayMs,
      started: false,
      ready: false,
      terminating: false,
      errorRate: 0,
      latencyMs: 0,
    };
    this.applyBehaviour(p);
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: p.namespace, labels: p.labels, ownerReferences: w.rsOwner ? [w.rsOwner] : [] },
      spec: { ...template.spec, nodeName: p.nodeName },
    };
    if (warm && p.gates.length) {
      // An existing cluster's pods had their gates set True by whoever manages them.
      obj.status = {
        conditions: p.gates.map((type) => ({ type, status: 'True', lastTransitionTime: null, lastProbeTime: null })),
      };
    }
    this.track(p);
    const created = this.self(() =>
      this.store.create(REF.pods, obj, { keepStatus: true, fieldManager: 'kube-controller-manager' }),
    );
    p.uid = created.metadata.uid ?? '';
    this.timers.push({ at: p.startAt, key: p.key, kind: 'start' });
    this.statusDirty.add(p.key);
    this.dirtyServicesOf(p.namespace);
  }

  private track(p: PodSim): void {
    this.pods.set(p.key, p);
    this.podsByIp.set(p.ip, p);
  }

  private forget(p: PodSim): void {
    if (this.pods.get(p.key) !== p) return;
    this.pods.delete(p.key);
    if (this.podsByIp.get(p.ip) === p) this.podsByIp.delete(p.ip);
    this.ips.release(p.ip);
    this.dirtyServicesOf(p.namespace);
    if (p.workload) this.workloadsDirty.add(p.workload.key);
  }

  private beginTermination(p: PodSim, obj: KubeObject): void {
    if (p.terminating) return;
    p.terminating = true;
    const deadline = Date.parse(obj.metadata.deletionTimestamp ?? '');
    p.removeAt = Number.isFinite(deadline) ? Math.max(deadline, this.now) : this.now;
    this.timers.push({ at: p.removeAt, key: p.key, kind: 'remove' });
    this.dirtyServicesOf(p.namespace);
    if (p.workload) this.workloadsDirty.add(p.workload.key);
  }

  private writeStatus(p: PodSim, now: number): void {
    const current = this.store.get(REF.pods, p.namespace, p.name);
    if (!current) return;
    const { status, ready } = desiredPodStatus(
      {
        ip: p.ip,
        hostIP: hostIpOf(p),
        started: p.started,
        startedAt: p.startedAt,
        containerName: p.containerName,
        image: p.image,
        createdAt: p.createdAt,
      },
      p.gates,
      current.status,
      now,
    );
    if (ready !== p.ready) {
      p.ready = ready;
      this.dirtyServicesOf(p.namespace);
      if (p.workload) this.workloadsDirty.add(p.workload.key);
    }
    if (sameStatus(current.status, status)) return;
    this.self(() =>
      this.store.update(REF.pods, { ...current, status }, { subresource: 'status', fieldManager: 'kubelet' }),
    );
  }

  // ---------------------------------------------------------------- store events from clients

  private onStoreChange(ev: WatchEvent): void {
    const o = ev.object;
    const ns = o.metadata.namespace ?? '';
    const r = ev.ref.resource;
    if (ev.ref.group === '' && r === 'pods') {
      const key = `${ns}/${o.metadata.name}`;
      const p = this.pods.get(key);
      if (ev.type === 'DELETED') {
        if (p) this.forget(p);
        return;
      }
      if (!p) {
        if (ev.type === 'ADDED') this.adopt(o);
        return;
      }
      if (o.metadata.deletionTimestamp && !p.terminating) this.beginTermination(p, o);
      // Conditions written by a client (readiness gates) may change Ready: re-evaluate.
      this.statusDirty.add(key);
    } else if (ev.ref.group === '' && r === 'services') {
      this.servicesDirty.add(`${ns}/${o.metadata.name}`);
    } else if (ev.ref.group === 'apps' && r === 'deployments') {
      const w = this.workloads.get(`${ns}/${o.metadata.name}`);
      if (!w) return;
      if (ev.type === 'DELETED') {
        // Deleting a Deployment deletes its pods (garbage collection of owned objects).
        w.deleted = true;
        for (const p of [...this.pods.values()]) if (p.workload === w && !p.terminating) this.deleteGracefully(p);
      } else if (typeof o.spec?.replicas === 'number' && o.spec.replicas !== w.replicas) {
        w.replicas = o.spec.replicas;
        this.workloadsDirty.add(w.key);
      }
    }
  }

  /** A pod a client created directly: the kubelet runs it too. */
  private adopt(o: KubeObject): void {
    const c = o.spec?.containers?.[0] ?? {};
    const nodeIndex = this.nodeSeq++ % NODES.length;
    const p: PodSim = {
      key: `${o.metadata.namespace}/${o.metadata.name}`,
      name: o.metadata.name,
      namespace: o.metadata.namespace ?? 'default',
      uid: o.metadata.uid ?? '',
      ip: this.ips.allocate(),
      nodeName: o.spec?.nodeName ?? this.nodeName(nodeIndex),
      zone: `${this.region}${NODES[nodeIndex]}`,
      labels: { ...(o.metadata.labels ?? {}) },
      gates: (o.spec?.readinessGates ?? []).map((g: { conditionType: string }) => g.conditionType),
      containerName: c.name ?? 'app',
      image: c.image ?? '',
      containerPorts: (o.spec?.containers ?? []).flatMap((x: any) => x.ports ?? []),
      createdAt: this.now,
      startAt: this.now + FOREIGN_POD.startDelayMs,
      started: false,
      ready: false,
      terminating: false,
      errorRate: 0,
      latencyMs: 0,
    };
    this.applyBehaviour(p);
    this.track(p);
    if (!o.spec?.nodeName) {
      const pod = this.store.get(REF.pods, p.namespace, p.name);
      if (pod) this.self(() => this.store.update(REF.pods, { ...pod, spec: { ...pod.spec, nodeName: p.nodeName } }));
    }
    this.timers.push({ at: p.startAt, key: p.key, kind: 'start' });
    this.statusDirty.add(p.key);
    this.dirtyServicesOf(p.namespace);
  }

  // ---------------------------------------------------------------- EndpointSlices

  private dirtyServicesOf(namespace: string): void {
    for (const s of this.store.list(REF.services, namespace).items) {
      this.servicesDirty.add(`${namespace}/${s.metadata.name}`);
    }
  }

  private reconcileSlices(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.store.get(REF.services, namespace, name);
    const existing = this.store.list(REF.endpointSlices, namespace, {
      labelSelector: `${SERVICE_NAME_LABEL}=${name}`,
    }).items;
    this.self(() => {
      if (!svc?.spec?.selector) {
        // A deleted Service's slices are garbage-collected; selector-less Services are left to their owners.
        if (!svc) for (const s of existing) this.store.delete(REF.endpointSlices, namespace, s.metadata.name);
        return;
      }
      const pods: SlicePod[] = [];
      for (const p of this.pods.values()) {
        if (p.namespace !== namespace || !selectorMatches(svc.spec.selector, p.labels)) continue;
        pods.push({
          name: p.name,
          uid: p.uid,
          ip: p.ip,
          nodeName: p.nodeName,
          zone: p.zone,
          ready: p.ready,
          terminating: p.terminating,
          containerPorts: p.containerPorts,
        });
      }
      pods.sort((a, b) => (a.name < b.name ? -1 : 1));
      const current: Slice[] = existing.map((s) => ({
        name: s.metadata.name,
        ports: s.ports ?? [],
        endpoints: (s.endpoints ?? []) as Endpoint[],
      }));
      const plan = planSlices(
        { name, namespace, uid: svc.metadata.uid ?? '', ports: svc.spec.ports ?? [] },
        pods,
        current,
        this.maxEndpointsPerSlice,
        () => `${name}-${suffix(this.rng)}`,
      );
      const labels = { [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: SLICE_CONTROLLER };
      const owner = {
        apiVersion: 'v1',
        kind: 'Service',
        name,
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      };
      for (const s of plan.create) {
        this.store.create(
          REF.endpointSlices,
          {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: { name: s.name, namespace, generateName: `${name}-`, labels, ownerReferences: [owner] },
            addressType: 'IPv4',
            ports: s.ports,
            endpoints: s.endpoints,
          },
          SLICE_MANAGER,
        );
      }
      for (const s of plan.update) {
        const o = existing.find((x) => x.metadata.name === s.name)!;
        this.store.update(REF.endpointSlices, { ...o, ports: s.ports, endpoints: s.endpoints }, SLICE_MANAGER);
      }
      for (const n of plan.delete) this.store.delete(REF.endpointSlices, namespace, n);
    });
  }

  private self<T>(fn: () => T): T {
    this.selfWriting++;
    try {
      return fn();
    } finally {
      this.selfWriting--;
    }
  }
}

function inScope(scope: PodScope, p: PodSim): boolean {
  if (scope.namespace !== undefined && scope.namespace !== p.namespace) return false;
  if (scope.workload !== undefined && p.workload?.def.name !== scope.workload) return false;
  return true;
}

function hostIpOf(p: PodSim): string {
  const [a, b] = p.ip.split('.');
  return `${a}.${b}.0.${10 + NODES.indexOf(p.zone.slice(-1))}`;
}

const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(rng: Random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_CHARS[Math.floor(rng.next() * SUFFIX_CHARS.length)];
  return s;
}
