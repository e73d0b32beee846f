import type { KubeObject } from '../kube/store.ts';
import type { ServiceDef, WorkloadDef } from '../scenario/types.ts';

/** Builders for the Kubernetes objects the world keeps in a cluster's store (shapes as a real cluster shows them). */

export const REF = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpointSlices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
} as const;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';

export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function serviceObject(s: ServiceDef): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace },
    spec: {
      selector: { ...s.selector },
      ports: s.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        targetPort: p.targetPort,
        protocol: p.protocol,
      })),
    },
  };
}

/**
 * The `kubernetes` Service the API server keeps in `default` of every cluster: ClusterIP, the first
 * address of the service range (10.96.0.1, kubeadm's default range; EKS uses 10.100.0.1 or
 * 172.20.0.1), port 443, no selector (its endpoints are the API server's own, not a controller's).
 */
export function kubernetesService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
    },
  };
}

export function podTemplate(w: WorkloadDef, image: string): Record<string, any> {
  return {
    metadata: { labels: { ...w.labels } },
    spec: {
      containers: [
        {
          name: w.name,
          image,
          ports: w.containerPorts.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
        },
      ],
      ...(w.readinessGates.length
        ? { readinessGates: w.readinessGates.map((conditionType) => ({ conditionType })) }
        : {}),
      terminationGracePeriodSeconds: w.terminationGracePeriodSeconds,
    },
  };
}

export function deploymentObject(w: WorkloadDef, template: Record<string, any>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace, labels: { ...w.labels } },
    spec: { replicas: w.replicas, selector: { matchLabels: { ...w.labels } }, template },
  };
}

export function ownerRef(o: KubeObject): Record<string, unknown> {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) {
  if (!selector || Object.keys(selector).length === 0) return false;
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}
