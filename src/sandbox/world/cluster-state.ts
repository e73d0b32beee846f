/**
 * The mutable state one simulated cluster's controllers share: the pods and workloads the world
 * runs, the work queues (`settle` drains them), kubelet timers, and where new pods go (node and IP,
 * round-robin). Writes the world makes itself go through `self()`, so the store's change callback
 * can tell them from clients' writes.
 */
import type { ClusterStore } from '../kube/store.ts';
import { type SandboxLog, silentLog } from '../log.ts';
import { IpPool } from './ip-pool.ts';
import { REF } from './kube-objects.ts';
import { NODES, type Override, type PodSim, type WorkloadSim } from './pod-sim.ts';
import type { Random } from './prng.ts';

export interface KubeletTimer {
  at: number;
  key: string;
  kind: 'start' | 'remove';
}

export class ClusterState {
  readonly pods = new Map<string, PodSim>();
  readonly podsByIp = new Map<string, PodSim>();
  readonly workloads = new Map<string, WorkloadSim>();
  readonly timers: KubeletTimer[] = [];
  readonly statusDirty = new Set<string>();
  readonly servicesDirty = new Set<string>();
  readonly workloadsDirty = new Set<string>();
  overrides: Override[] = [];
  /** The time the controllers are working at (the last `settle`/`init`). */
  now = 0;
  /** Where the controllers tell what they do (info: pods created/killed; never per sub-step). */
  log: SandboxLog = silentLog;
  private readonly ips: IpPool;
  private nodeSeq = 0;
  private selfWriting = 0;

  constructor(
    readonly name: string,
    readonly store: ClusterStore,
    readonly rng: Random,
    readonly region: string,
    podCidr: string,
  ) {
    this.ips = new IpPool(podCidr);
  }

  /** Runs a write of the world's own (not reported back as a client change). */
  self<T>(fn: () => T): T {
    this.selfWriting++;
    try {
      return fn();
    } finally {
      this.selfWriting--;
    }
  }

  /** Fields every log line of this cluster carries: the cluster and the virtual time (the store's clock). */
  logFields(): { cluster: string; virtualTime: string } {
    return { cluster: this.name, virtualTime: new Date(this.store.clock.now()).toISOString() };
  }

  get writingSelf(): boolean {
    return this.selfWriting > 0;
  }

  nodeName(i: number): string {
    return `${this.name}-node-${NODES[i % NODES.length]}`;
  }

  /** The next node (round-robin over the zones) and a fresh pod IP. */
  place(): { nodeName: string; zone: string; ip: string } {
    const i = this.nodeSeq++ % NODES.length;
    return { nodeName: this.nodeName(i), zone: `${this.region}${NODES[i]}`, ip: this.ips.allocate() };
  }

  track(p: PodSim): void {
    this.pods.set(p.key, p);
    this.podsByIp.set(p.ip, p);
  }

  /** A pod left the store: its IP goes back to the pool and its Services and workload are re-checked. */
  forget(p: PodSim): void {
    if (this.pods.get(p.key) !== p) return;
    this.pods.delete(p.key);
    if (this.podsByIp.get(p.ip) === p) this.podsByIp.delete(p.ip);
    this.ips.release(p.ip);
    this.dirtyServicesOf(p.namespace);
    if (p.workload) this.workloadsDirty.add(p.workload.key);
  }

  dirtyServicesOf(namespace: string): void {
    for (const s of this.store.list(REF.services, namespace).items) {
      this.servicesDirty.add(`${namespace}/${s.metadata.name}`);
    }
  }
}
