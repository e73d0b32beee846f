/**
 * The agent's view of Kubernetes objects: only the fields target selection reads, as plain
 * records. The kube adapter (src/kube/) fills them from informers; the pure code in this folder
 * never sees client-node types, so it is tested with plain data.
 */

export type TargetType = 'ip' | 'instance';

export interface BindingSpec {
  namespace: string;
  name: string;
  serviceRef: { name: string; port: number | string };
  targetGroupARN: string;
  targetType: TargetType;
  /** instance mode: which nodes to register (matchLabels and matchExpressions). */
  nodeSelector?: LabelSelector;
  ipAddressType?: 'ipv4' | 'ipv6';
  multiClusterTargetGroup?: boolean;
  /** Cross-account: every ELBv2 call of this binding is made as this role (STS AssumeRole). */
  assumeRole?: { roleArn: string; externalId?: string };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceInfo {
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  ports: ServicePort[];
}

export interface EndpointInfo {
  addresses: string[];
  /** Absent means unknown, which EndpointSlice consumers read as ready. */
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  nodeName?: string;
  zone?: string;
  /** The pod behind the endpoint, when the slice names one. */
  pod?: string;
}

export interface EndpointSliceInfo {
  name: string;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  ports: Array<{ name?: string; port?: number; protocol?: string }>;
  endpoints: EndpointInfo[];
}

export interface PodInfo {
  name: string;
  deleting: boolean;
  /** Condition type → status ('True' | 'False' | 'Unknown'). */
  conditions: Record<string, string>;
  readinessGates: string[];
  /** When ContainersReady last turned True (epoch ms), for the ready → registered latency. */
  containersReadyAt?: number;
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  /** `aws:///<zone>/<instance-id>`; nodes without it cannot be registered. */
  providerID?: string;
  ready: boolean;
  unschedulable: boolean;
  deleting: boolean;
}

/** A target as ELBv2 registers it: an IP or instance id and a port. */
export interface Target {
  id: string;
  port: number;
  /** `all` for IPs outside the load balancer's VPC. */
  availabilityZone?: string;
}

export const targetKey = (t: Pick<Target, 'id' | 'port'>) => `${t.id}:${t.port}`;
