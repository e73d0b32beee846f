import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import type { EndpointSliceInfo, NodeInfo, PodInfo, ServiceInfo } from '../agent/types.ts';

/** client-node objects → the agent's plain records (only the fields target selection reads). */

export function serviceInfo(s: V1Service): ServiceInfo {
  return {
    name: s.metadata?.name ?? '',
    type: (s.spec?.type as ServiceInfo['type']) ?? 'ClusterIP',
    ports: (s.spec?.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      ...(p.protocol ? { protocol: p.protocol } : {}),
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort as number | string } : {}),
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    })),
  };
}

export function sliceInfo(s: V1EndpointSlice): EndpointSliceInfo {
  return {
    name: s.metadata?.name ?? '',
    addressType: s.addressType as EndpointSliceInfo['addressType'],
    ports: (s.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      ...(p.port !== undefined ? { port: p.port } : {}),
      ...(p.protocol ? { protocol: p.protocol } : {}),
    })),
    endpoints: (s.endpoints ?? []).map((e) => ({
      addresses: e.addresses,
      ...(e.conditions?.ready !== undefined ? { ready: e.conditions.ready } : {}),
      ...(e.conditions?.serving !== undefined ? { serving: e.conditions.serving } : {}),
      ...(e.conditions?.terminating !== undefined ? { terminating: e.conditions.terminating } : {}),
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ...(e.zone ? { zone: e.zone } : {}),
      ...(e.targetRef?.kind === 'Pod' && e.targetRef.name ? { pod: e.targetRef.name } : {}),
    })),
  };
}

export function podInfo(p: V1Pod): PodInfo {
  const containersReady = p.status?.conditions?.find((c) => c.type === 'ContainersReady' && c.status === 'True');
  const readyAt = containersReady?.lastTransitionTime
    ? new Date(containersReady.lastTransitionTime).getTime()
    : Number.NaN;
  return {
    ...(Number.isFinite(readyAt) ? { containersReadyAt: readyAt } : {}),
    name: p.metadata?.name ?? '',
    deleting: Boolean(p.metadata?.deletionTimestamp),
    conditions: Object.fromEntries((p.status?.conditions ?? []).map((c) => [c.type, c.status])),
    readinessGates: (p.spec?.readinessGates ?? []).map((g) => g.conditionType),
  };
}

export function nodeInfo(n: V1Node): NodeInfo {
  return {
    name: n.metadata?.name ?? '',
    labels: n.metadata?.labels ?? {},
    ...(n.spec?.providerID ? { providerID: n.spec.providerID } : {}),
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    unschedulable: Boolean(n.spec?.unschedulable),
    deleting: Boolean(n.metadata?.deletionTimestamp),
  };
}
