/**
 * The mutable state one simulated cluster's controllers share: the nodes, the pods and workloads
 * the world runs, the work queues (`settle` drains them), kubelet timers, and where new pods go
 * (node by spreading, IP round-robin). Writes the world makes itself go through `self()`, so the store's change callback
 * can tell them from clients' writes.
 */
import type { MutatingAdmission } from '../kube/admission.ts';
import type { ClusterStore } from '../kube/store.ts';
import { type SandboxLog, silentLog } from '../log.ts';
import { IpPool } from './ip-pool.ts';
import { REF } from './kube-objects.ts';
import { clusterNodes, type NodeInfo } from './nodes.ts';
import type { Override, PodSim, WorkloadSim } from './pod-sim.ts';
import type { Random } from './prng.ts';

export interface KubeletTimer {
  at: number;
  /** A pod's key; for `resync`, a ReplicaSet's (its controller looks again, after a failed create). */
  key: string;
  kind: 'start' | 'remove' | 'resync';
}

export class ClusterState {
  readonly pods = new Map<string, PodSim>();
  readonly podsByIp = new Map<string, PodSim>();
  readonly workloads = new Map<string, WorkloadSim>();
  readonly timers: KubeletTimer[] = [];
  readonly statusDirty = new Set<string>();
  readonly servicesDirty = new Set<string>();
  /** Deployments (`<ns>/<name>`) and ReplicaSets to reconcile. */
  readonly deploymentsDirty = new Set<string>();
  readonly replicaSetsDirty = new Set<string>();
  /** Deployments whose rollout is under way: re-checked every settle (for the progress deadline). */
  readonly rollouts = new Set<string>();
  readonly nodes: readonly NodeInfo[];
  /** True while the world builds its initial state: new pods start at once (a cluster up a while). */
  warm = false;
  overrides: Override[] = [];
  /** The time the controllers are working at (the last `settle`/`init`). */
  now = 0;
  /** Where the controllers tell what they do (info: pods created/killed; never per sub-step). */
  log: SandboxLog = silentLog;
  /** The cluster's mutating admission webhooks, which the ReplicaSet controller's pod creates go through. */
  admission: MutatingAdmission | undefined;
  /** Pod creates of a ReplicaSet waiting on admission webhooks (its "expectations"), by ReplicaSet key. */
  readonly pendingCreates = new Map<string, number>();
  /** ReplicaSets whose last pod create failed: failures in a row, when to try again, and why. */
  readonly createFailures = new Map<string, { count: number; retryAt: number; message: string }>();
  private readonly ips: IpPool;
  private selfWriting = 0;

  constructor(
    readonly name: string,
    readonly store: ClusterStore,
    readonly rng: Random,
    readonly region: string,
    podCidr: string,
    nodesPerZone = 1,
  ) {
    this.ips = new IpPool(podCidr);
    this.nodes = clusterNodes(name, region, podCidr, nodesPerZone);
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

  /**
   * A node for a new pod and a fresh pod IP. Like the scheduler's default topology spreading
   * (zone, then hostname) of pods of the same owner: the zone with the fewest of `siblings`, then
   * the node with the fewest of them, then the node with the fewest pods, then node order.
   * `nodeName` (a pod that names its node) is kept.
   */
  place(siblings: (p: PodSim) => boolean, nodeName?: string): { node: NodeInfo; ip: string } {
    const live = [...this.pods.values()].filter((p) => !p.terminating);
    const count = (f: (p: PodSim) => boolean) => live.filter(f).length;
    const score = (n: NodeInfo) => [
      count((p) => siblings(p) && p.zone === n.zone),
      count((p) => siblings(p) && p.nodeName === n.name),
      count((p) => p.nodeName === n.name),
    ];
    const named = this.nodes.find((n) => n.name === nodeName);
    let best = named ?? this.nodes[0]!;
    if (!named) {
      let bestScore = score(best);
      for (const n of this.nodes.slice(1)) {
        const sc = score(n);
        const i = sc.findIndex((x, k) => x !== bestScore[k]);
        if (i >= 0 && sc[i]! < bestScore[i]!) {
          best = n;
          bestScore = sc;
        }
      }
    }
    return { node: best, ip: this.ips.allocate() };
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
    this.dirtyOwnerOf(p);
  }

  /**
   * A pod's ReplicaSet and Deployment have work to do (a pod left, turned ready or began
   * terminating; a Recreate rollout waits for old pods to be gone).
   */
  dirtyOwnerOf(p: PodSim): void {
    if (p.rsKey) this.replicaSetsDirty.add(p.rsKey);
    if (p.workload) this.deploymentsDirty.add(p.workload.key);
  }

  dirtyServicesOf(namespace: string): void {
    for (const s of this.store.list(REF.services, namespace).items) {
      this.servicesDirty.add(`${namespace}/${s.metadata.name}`);
    }
  }
}
