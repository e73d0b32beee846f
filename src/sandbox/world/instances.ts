/**
 * Instance targets: an `instance` target group registers the EC2 instances behind the clusters'
 * nodes, and the load balancer reaches a Service through its NodePort on them (kube-proxy then
 * picks one of the Service's ready pods). The ELBv2 model only asks which instances exist and in
 * which zone (`InstanceZones`); health checks and traffic ask where a NodePort leads
 * (`backendsFor`).
 *
 * Today's adapter reads what the clusters hold: Node objects (zone from
 * `topology.kubernetes.io/zone`; the instance id from `spec.providerID` `aws:///<zone>/i-…` when
 * set, else one derived from the node name) and Services whose ports carry a `nodePort`
 * (`type: NodePort` or `LoadBalancer`). `externalTrafficPolicy: Local` keeps a node's traffic on
 * its own pods.
 */

import type { InstanceZones } from '../elbv2/target-address.ts';
import { id16 } from '../ids.ts';
import type { ClusterSim } from './cluster-sim.ts';
import { targetPortOf } from './endpoint-slices.ts';
import { REF, selectorMatches } from './kube-objects.ts';
import type { ProbeResult } from './pod-sim.ts';
import type { Backend } from './traffic.ts';

/** One pod a NodePort leads to. */
export interface InstanceBackend {
  cluster: ClusterSim;
  ip: string;
  port: number;
}

/** The interface the world implements for instance targets. */
export interface InstanceResolver extends InstanceZones {
  /** The zone of an instance, undefined when there is no such instance. */
  zoneOf(instanceId: string): string | undefined;
  /**
   * The ready pods behind `port` on the instance; [] when a Service has that NodePort but no
   * ready pod; undefined when nothing listens there (unknown instance or no such NodePort).
   */
  backendsFor(instanceId: string, port: number): readonly InstanceBackend[] | undefined;
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';

interface NodeInfo {
  cluster: ClusterSim;
  name: string;
  zone: string;
}

/** An instance id for a node: from its providerID when set, else derived from cluster and name. */
export function instanceIdOf(cluster: string, node: { metadata?: any; spec?: any }): string {
  const fromProvider = /\/(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)$/.exec(String(node.spec?.providerID ?? ''));
  return fromProvider ? fromProvider[1]! : `i-0${id16(`instance:${cluster}/${node.metadata?.name}`)}`;
}

export class NodeInstances implements InstanceResolver {
  /** Nodes and NodePort Services as of the stores' resource versions (traffic asks every sub-step). */
  private cache?: { version: string; nodes: Map<string, NodeInfo>; services: Map<ClusterSim, any[]> };

  constructor(private readonly clusters: () => readonly ClusterSim[]) {}

  private snapshot() {
    const clusters = this.clusters();
    const version = clusters.map((c) => `${c.name}@${c.store.resourceVersion()}`).join(',');
    if (this.cache?.version === version) return this.cache;
    const nodes = new Map<string, NodeInfo>();
    const services = new Map<ClusterSim, any[]>();
    for (const cluster of clusters) {
      for (const n of cluster.store.list(REF.nodes).items) {
        const zone = n.metadata?.labels?.[ZONE_LABEL];
        if (zone) nodes.set(instanceIdOf(cluster.name, n), { cluster, name: n.metadata.name, zone });
      }
      const withNodePorts = cluster.store
        .list(REF.services)
        .items.filter((svc) => (svc.spec?.ports ?? []).some((p: any) => p.nodePort !== undefined));
      services.set(cluster, withNodePorts);
    }
    this.cache = { version, nodes, services };
    return this.cache;
  }

  /** Every instance, with its node, cluster and zone. */
  instances(): Map<string, NodeInfo> {
    return new Map(this.snapshot().nodes);
  }

  zoneOf(instanceId: string): string | undefined {
    return this.snapshot().nodes.get(instanceId)?.zone;
  }

  backendsFor(instanceId: string, port: number): readonly InstanceBackend[] | undefined {
    const { nodes, services } = this.snapshot();
    const node = nodes.get(instanceId);
    if (!node) return undefined;
    const { cluster } = node;
    for (const svc of services.get(cluster) ?? []) {
      const sp = (svc.spec?.ports ?? []).find((p: any) => p.nodePort === port);
      if (!sp) continue;
      const local = svc.spec?.externalTrafficPolicy === 'Local';
      const out: InstanceBackend[] = [];
      for (const p of cluster.pods.values()) {
        if (p.namespace !== svc.metadata.namespace || !p.ready || p.terminating) continue;
        if (!selectorMatches(svc.spec?.selector, p.labels) || (local && p.nodeName !== node.name)) continue;
        const target = targetPortOf(sp, p.containerPorts);
        if (target !== undefined) out.push({ cluster, ip: p.ip, port: target });
      }
      return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
    }
    return undefined;
  }

  /**
   * A health check of instance:port: kube-proxy hands each connection to one backend, chosen here
   * by the check's time (deterministic) [U]; no listener → timeout; no ready pod → refused (fail).
   */
  probe(instanceId: string, port: number, at: number): ProbeResult {
    const backends = this.backendsFor(instanceId, port);
    if (backends === undefined) return 'timeout';
    if (backends.length === 0) return 'fail';
    const b = backends[Math.floor(at / 1000) % backends.length]!;
    return b.cluster.probe(b.ip, b.port, at) ?? 'timeout';
  }

  /**
   * Requests sent to instance:port, spread evenly over its ready pods by kube-proxy: served at
   * their mean error rate and latency [U: aggregate]; refused when no pod is ready; nothing when
   * no Service has the NodePort.
   */
  backend(instanceId: string, port: number): Backend {
    const backends = this.backendsFor(instanceId, port);
    if (backends === undefined) return { kind: 'gone' };
    const serving = backends
      .map((b) => b.cluster.backend(b.ip, b.port))
      .filter((b): b is Extract<Backend, { kind: 'serving' }> => b.kind === 'serving');
    if (serving.length === 0) return { kind: 'refused' };
    const mean = (f: (b: (typeof serving)[number]) => number) => serving.reduce((s, b) => s + f(b), 0) / serving.length;
    return { kind: 'serving', errorRate: mean((b) => b.errorRate), latencyMs: mean((b) => b.latencyMs) };
  }
}
