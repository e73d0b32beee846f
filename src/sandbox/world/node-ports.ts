/**
 * What a node port reaches (kube-proxy's view), for instance-mode targets: node port P on node N
 * forwards to the ready endpoints of the Service holding P — of any node with
 * `externalTrafficPolicy: Cluster` (the default), only those on N with `Local`.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
 */
import type { KubeObject } from '../kube/store.ts';
import { targetPortOf } from './endpoint-slices.ts';
import { selectorMatches } from './kube-objects.ts';
import type { PodSim } from './pod-sim.ts';

export interface NodePortEndpoint {
  /** The pod's IP and the port it is reached on (the Service port's targetPort, resolved). */
  ip: string;
  port: number;
  pod: string;
  nodeName: string;
}

export function nodePortEndpoints(
  services: readonly KubeObject[],
  pods: Iterable<PodSim>,
  nodePort: number,
  nodeName?: string,
): NodePortEndpoint[] {
  for (const svc of services) {
    const type = svc.spec?.type;
    if (type !== 'NodePort' && type !== 'LoadBalancer') continue;
    const sp = (svc.spec?.ports ?? []).find((p: any) => p?.nodePort === nodePort);
    if (!sp) continue;
    const local = svc.spec?.externalTrafficPolicy === 'Local';
    const out: NodePortEndpoint[] = [];
    for (const p of pods) {
      if (p.namespace !== svc.metadata.namespace || !p.ready || p.terminating) continue;
      if (!selectorMatches(svc.spec?.selector, p.labels) || (local && p.nodeName !== nodeName)) continue;
      const port = targetPortOf(sp, p.containerPorts);
      if (port !== undefined) out.push({ ip: p.ip, port, pod: p.name, nodeName: p.nodeName });
    }
    return out.sort((a, b) => (a.pod < b.pod ? -1 : 1));
  }
  return [];
}
