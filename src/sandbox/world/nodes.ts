/**
 * A simulated cluster's worker nodes, as EKS managed node groups show them: `nodesPerZone` (default
 * 1) in each zone (`<cluster>-node-a|b|c` in `<region>a|b|c`, then `-node-a2`, …), each an EC2 instance with a deterministic id, an
 * InternalIP from the cluster's `10.N.0.0/24` (which the pod pool never uses), the well-known
 * labels, `spec.providerID` and a Ready status. `NodeInfo` is what the rest of the world (ELBv2
 * instance targets, pod placement) needs to know of a node.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/store.ts';

export interface NodeInfo {
  name: string;
  zone: string;
  /** The EC2 instance behind the node: `i-` and 17 hex digits. */
  instanceId: string;
  internalIp: string;
}

/** The zones' letters; node i is `<cluster>-node-<letter>` in zone `<region><letter>`. */
export const ZONE_LETTERS = ['a', 'b', 'c'] as const;

/** What every simulated node runs (EKS 1.32 AL2023 node group). */
export const NODE_SPEC = {
  instanceType: 'm5.large',
  kubeletVersion: 'v1.32.3-eks-473151a',
  osImage: 'Amazon Linux 2023.7.20250414',
  kernelVersion: '6.1.132-147.221.amzn2023.x86_64',
  containerRuntimeVersion: 'containerd://1.7.27',
  capacity: {
    cpu: '2',
    memory: '7869544Ki',
    pods: '29',
    'ephemeral-storage': '20959212Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  },
  allocatable: {
    cpu: '1930m',
    memory: '7179368Ki',
    pods: '29',
    'ephemeral-storage': '18242267924',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  },
} as const;

/** A deterministic EC2 instance id (`i-` + 17 lowercase hex digits, the current id format). */
export function instanceIdOf(cluster: string, node: string): string {
  return `i-${createHash('sha256').update(`instance:${cluster}/${node}`).digest('hex').slice(0, 17)}`;
}

/**
 * The nodes of a cluster, `perZone` in each zone: `<cluster>-node-a|b|c`, then `-node-a2|b2|c2`, …;
 * InternalIPs `10.N.0.10, .11, .12`, then `.13, .14, .15`, … from the pod range's prefix.
 */
export function clusterNodes(cluster: string, region: string, podCidr: string, perZone = 1): NodeInfo[] {
  const prefix = podCidr.split('.').slice(0, 2).join('.');
  const out: NodeInfo[] = [];
  for (let k = 0; k < perZone; k++) {
    ZONE_LETTERS.forEach((z, i) => {
      const name = `${cluster}-node-${z}${k ? k + 1 : ''}`;
      const internalIp = `${prefix}.0.${10 + k * ZONE_LETTERS.length + i}`;
      out.push({ name, zone: `${region}${z}`, instanceId: instanceIdOf(cluster, name), internalIp });
    });
  }
  return out;
}

/** The Node object of a simulated node, as the kubelet registers it and keeps its status. */
export function nodeObject(n: NodeInfo, region: string, nodeGroup: string, bootTime: string): KubeObject {
  const dns = `ip-${n.internalIp.replaceAll('.', '-')}.${region === 'us-east-1' ? 'ec2' : `${region}.compute`}.internal`;
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: bootTime,
    lastTransitionTime: bootTime,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': NODE_SPEC.instanceType,
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': nodeGroup,
        'failure-domain.beta.kubernetes.io/region': region,
        'failure-domain.beta.kubernetes.io/zone': n.zone,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': NODE_SPEC.instanceType,
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': n.zone,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { providerID: `aws:///${n.zone}/${n.instanceId}` },
    status: {
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: n.internalIp },
        { type: 'InternalDNS', address: dns },
        { type: 'Hostname', address: n.name },
      ],
      capacity: { ...NODE_SPEC.capacity },
      allocatable: { ...NODE_SPEC.allocatable },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: createHash('sha256').update(`boot:${n.instanceId}`).digest('hex').slice(0, 32),
        containerRuntimeVersion: NODE_SPEC.containerRuntimeVersion,
        kernelVersion: NODE_SPEC.kernelVersion,
        kubeProxyVersion: NODE_SPEC.kubeletVersion,
        kubeletVersion: NODE_SPEC.kubeletVersion,
        machineID: createHash('sha256').update(`machine:${n.instanceId}`).digest('hex').slice(0, 32),
        operatingSystem: 'linux',
        osImage: NODE_SPEC.osImage,
        systemUUID: `ec2${createHash('sha256').update(`uuid:${n.instanceId}`).digest('hex').slice(0, 5)}-0000-0000-0000-000000000000`,
      },
    },
  };
}

/**
 * The node's heartbeat Lease in `kube-node-lease` (what `kubectl describe node` shows under Lease),
 * as the kubelet creates it: named after the node, owned by it, 40 s duration. [simplification: the
 * sandbox does not renew it every 10 s as a kubelet does; renewTime stays the boot time.]
 */
export function nodeLease(node: KubeObject, bootMs: number): KubeObject {
  const micro = new Date(bootMs).toISOString().replace(/Z$/, '000Z');
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata.name,
      namespace: 'kube-node-lease',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }],
    },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: micro },
  };
}
