import { MutatingAdmission } from '../kube/admission.ts';
import { type ClusterStore, isoSeconds, type WatchEvent } from '../kube/store.ts';
import { firstOf, type SandboxLog, silentLog } from '../log.ts';
import type { ClusterDef, InitialRegistration, PodScope } from '../scenario/types.ts';
import { ClusterState } from './cluster-state.ts';
import { reconcileDeployment } from './deployment-controller.ts';
import { registeredAtStart } from './initial-registration.ts';
import { kubernetesService, namespaceObject, REF, serviceObject } from './kube-objects.ts';
import { type NodePortEndpoint, nodePortEndpoints } from './node-ports.ts';
import { type NodeInfo, nodeLease, nodeObject } from './nodes.ts';
import { adopt, beginTermination, controllerOf, runDueTimers, writeStatus } from './pod-lifecycle.ts';
import { applyBehaviour, byKey, inScope, type Override, type PodSim, type ProbeResult } from './pod-sim.ts';
import type { Random } from './prng.ts';
import { reconcileReplicaSet } from './replicaset-controller.ts';
import { reconcileSlices } from './slice-controller.ts';
import type { Backend } from './traffic.ts';
import { createWorkload } from './workload-controller.ts';

/**
 * Whether a started pod answers on a port: a declared container port, or any port when its
 * containers declare none (declaring ports is optional in Kubernetes, e.g. the EKS workshop's
 * `simplewebserver`; the sandbox cannot know what such an image listens on) [simplification].
 */
const listens = (p: PodSim, port: number) =>
  p.containerPorts.length === 0 || p.containerPorts.some((c) => c.containerPort === port);

export type { Override, PodSim, ProbeResult, WorkloadSim } from './pod-sim.ts';

/**
 * One simulated cluster: its nodes (nodes.ts), the Deployment and ReplicaSet controllers for every
 * Deployment and ReplicaSet in the store (deployment-controller.ts, replicaset-controller.ts; the
 * scenario's workloads are Deployments like any other, workload-controller.ts), a kubelet for
 * every pod (pod-lifecycle.ts, kubelet.ts), and the EndpointSlice controller (slice-controller.ts,
 * endpoint-slices.ts). All of it lives in the cluster's
 * ClusterStore, so the Kubernetes API shows it. Work triggered by store changes is queued and done
 * in `settle(now)`, never inside the store's change callback.
 */
export class ClusterSim {
  readonly name: string;
  readonly pods: Map<string, PodSim>;
  readonly podsByIp: Map<string, PodSim>;
  readonly workloads: ClusterState['workloads'];
  /** Mutating admission webhooks: the ReplicaSet controller's pod creates and the API server's creates. */
  readonly admission: MutatingAdmission;
  private readonly s: ClusterState;
  private readonly unsubscribe: () => void;
  private behaviourChanges = 0;
  /** The earliest end of a pod's health fault (none: infinity), so expiry does not scan pods every step. */
  private healthFaultsUntil = Number.POSITIVE_INFINITY;

  constructor(
    readonly def: ClusterDef,
    readonly store: ClusterStore,
    rng: Random,
    region: string,
    private readonly maxEndpointsPerSlice = 100,
    log: SandboxLog = silentLog,
  ) {
    this.name = def.name;
    this.s = new ClusterState(def.name, store, rng, region, def.podCidr, def.nodesPerZone);
    this.s.log = log;
    this.admission = new MutatingAdmission(store, log);
    this.s.admission = this.admission;
    this.pods = this.s.pods;
    this.podsByIp = this.s.podsByIp;
    this.workloads = this.s.workloads;
    this.unsubscribe = store.onChange((ev) => {
      if (!this.s.writingSelf) this.onStoreChange(ev);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /**
   * Creates the cluster's namespaces, nodes, Services (and the `kubernetes` Service every cluster
   * has) and workloads, with each workload's pods already running, as a cluster that has been up a
   * while looks. A pod's readiness-gate conditions start True only if one of `registered` (the
   * scenario's initial registrations from this cluster) puts it into a target group; other gated
   * pods wait, not Ready, until a client sets the condition.
   */
  init(now: number, registered: readonly InitialRegistration[] = []): void {
    const s = this.s;
    s.now = now;
    s.warm = true;
    s.self(() => {
      for (const n of s.nodes) {
        const node = this.store.create(REF.nodes, nodeObject(n, s.region, `${this.name}-nodes`, isoSeconds(now)), {
          keepStatus: true,
          fieldManager: 'kubelet',
        });
        this.store.create(REF.leases, nodeLease(node, now), { fieldManager: 'kubelet' });
      }
      if (!this.store.get(REF.services, 'default', 'kubernetes')) this.store.create(REF.services, kubernetesService());
      for (const ns of this.def.namespaces) {
        if (!this.store.get(REF.namespaces, undefined, ns)) this.store.create(REF.namespaces, namespaceObject(ns));
      }
      for (const svc of this.def.services) {
        this.store.create(REF.services, serviceObject(svc));
        s.servicesDirty.add(`${svc.namespace}/${svc.name}`);
      }
    });
    for (const w of this.def.workloads) createWorkload(s, w, registeredAtStart(w, this.def.services, registered));
    this.settle(now);
    s.warm = false;
  }

  /** The cluster's nodes: name, zone, EC2 instance id, InternalIP. */
  nodes(): readonly NodeInfo[] {
    return this.s.nodes;
  }

  /** The ready pods (IP and target port) node port `nodePort` on node `nodeName` forwards to. */
  nodePortEndpoints(nodePort: number, nodeName?: string): NodePortEndpoint[] {
    return nodePortEndpoints(this.store.list(REF.services).items, this.pods.values(), nodePort, nodeName);
  }

  // ---------------------------------------------------------------- reads for traffic and health

  backend(ip: string, port: number): Backend {
    const p = this.podsByIp.get(ip);
    if (!p) return { kind: 'gone' };
    if (!p.started || !listens(p, port)) return { kind: 'refused' };
    return {
      kind: 'serving',
      errorRate: p.errorRate,
      latencyMs: p.latencyMs,
      capacityRps: p.workload?.def.capacityRps,
    };
  }

  probe(ip: string, port: number, at: number): ProbeResult | undefined {
    const p = this.podsByIp.get(ip);
    if (!p) return undefined;
    if (p.healthFault && (p.healthFault.until === undefined || p.healthFault.until > at)) return p.healthFault.mode;
    if (!p.started || !listens(p, port)) return 'fail';
    return 'pass';
  }

  /** Pods in a fault's scope, in name order (terminating ones excluded). */
  podsIn(scope: PodScope): PodSim[] {
    return [...this.pods.values()].filter((p) => !p.terminating && inScope(scope, p)).sort(byKey);
  }

  // ---------------------------------------------------------------- faults

  addOverride(o: Override): void {
    this.s.overrides.push(o);
    this.refreshBehaviour();
  }

  /**
   * A workload's drifting baseline (noise): kept first among the overrides, so faults still win;
   * the caller mutates it and calls `refreshBehaviour()` when its values move.
   */
  addBaseline(o: Override): void {
    this.s.overrides.unshift(o);
    this.refreshBehaviour();
  }

  /**
   * Changes whenever what a request to a pod finds may have changed: a store write (pods created,
   * started, deleted) or a behaviour change. The world rebuilds its traffic plans when it moves.
   */
  get version(): number {
    return Number(this.store.resourceVersion()) + this.behaviourChanges;
  }

  /** Drops overrides that ended by `now` and health faults that ended. */
  expireFaults(now: number): void {
    const before = this.s.overrides.length;
    this.s.overrides = this.s.overrides.filter((o) => o.until === undefined || o.until > now);
    if (this.s.overrides.length !== before) this.refreshBehaviour();
    if (this.healthFaultsUntil > now) return;
    this.healthFaultsUntil = Number.POSITIVE_INFINITY;
    for (const p of this.pods.values()) {
      const until = p.healthFault?.until;
      if (until === undefined) continue;
      if (until <= now) delete p.healthFault;
      else this.healthFaultsUntil = Math.min(this.healthFaultsUntil, until);
    }
  }

  /** The first `n` pods in scope (by name) fail health checks this way, until `until` if given. */
  failHealthChecks(scope: PodScope, n: number, fault: NonNullable<PodSim['healthFault']>): void {
    for (const p of this.podsIn(scope).slice(0, n)) p.healthFault = { ...fault };
    if (fault.until !== undefined) this.healthFaultsUntil = Math.min(this.healthFaultsUntil, fault.until);
  }

  /** Deletes pods at once (a crash or forced eviction); their workload replaces them. */
  killPods(scope: PodScope, n: number): string[] {
    const candidates = this.podsIn(scope);
    const killed: string[] = [];
    for (let i = 0; i < n && candidates.length; i++) {
      const [p] = candidates.splice(Math.floor(this.s.rng.next() * candidates.length), 1);
      if (!p) break;
      this.s.self(() => this.store.delete(REF.pods, p.namespace, p.name, { gracePeriodSeconds: 0 }));
      this.s.forget(p);
      killed.push(`${p.name} ${p.ip}`);
    }
    this.s.log.info({ ...this.s.logFields(), pods: firstOf(killed) }, `killed ${killed.length} pod(s) (grace 0)`);
    return killed;
  }

  refreshBehaviour(): void {
    this.behaviourChanges++;
    for (const p of this.pods.values()) applyBehaviour(p, this.s.overrides);
  }

  // ---------------------------------------------------------------- the control loop

  /** Runs due kubelet timers, then controllers until nothing is left to do. */
  settle(now: number): void {
    const s = this.s;
    s.now = now;
    runDueTimers(s, now);
    for (const key of s.rollouts) s.deploymentsDirty.add(key);
    const queues = [s.deploymentsDirty, s.replicaSetsDirty, s.statusDirty, s.servicesDirty];
    for (let round = 0; round < 20; round++) {
      if (queues.every((q) => q.size === 0)) break;
      for (const key of [...s.deploymentsDirty].sort()) {
        s.deploymentsDirty.delete(key);
        reconcileDeployment(s, key, now);
      }
      for (const key of [...s.replicaSetsDirty].sort()) {
        s.replicaSetsDirty.delete(key);
        reconcileReplicaSet(s, key, now);
      }
      for (const key of [...s.statusDirty]) {
        s.statusDirty.delete(key);
        const p = s.pods.get(key);
        if (p) writeStatus(s, p, now);
      }
      for (const key of [...s.servicesDirty]) {
        s.servicesDirty.delete(key);
        reconcileSlices(s, key, this.maxEndpointsPerSlice);
      }
    }
  }

  /** Changes made by clients (the world's own writes are not reported here). */
  private onStoreChange(ev: WatchEvent): void {
    const s = this.s;
    const o = ev.object;
    const ns = o.metadata.namespace ?? '';
    const r = ev.ref.resource;
    if (ev.ref.group === '' && r === 'pods') {
      const key = `${ns}/${o.metadata.name}`;
      const p = s.pods.get(key);
      if (ev.type === 'DELETED') {
        if (p) s.forget(p);
        return;
      }
      if (!p) {
        if (ev.type === 'ADDED') adopt(s, o);
        return;
      }
      if (o.metadata.deletionTimestamp && !p.terminating) beginTermination(s, p, o);
      // Conditions written by a client (readiness gates) may change Ready: re-evaluate.
      s.statusDirty.add(key);
    } else if (ev.ref.group === '' && r === 'services') {
      s.servicesDirty.add(`${ns}/${o.metadata.name}`);
    } else if (ev.ref.group === 'apps' && r === 'deployments') {
      s.deploymentsDirty.add(`${ns}/${o.metadata.name}`);
    } else if (ev.ref.group === 'apps' && r === 'replicasets') {
      s.replicaSetsDirty.add(`${ns}/${o.metadata.name}`);
      const dep = controllerOf(o, 'Deployment');
      if (dep) s.deploymentsDirty.add(`${ns}/${dep}`);
    }
  }
}
