import type { BindingObject } from './binding-spec.ts';
import type { RegisteredTarget } from './target-diff.ts';
import type { EndpointSliceInfo, NodeInfo, PodInfo, ServiceInfo, Target } from './types.ts';

/**
 * What the reconciler needs from AWS and Kubernetes, shaped around its tasks. Adapters in
 * src/aws/ and src/kube/ implement them over the SDKs; tests use in-memory worlds.
 */
export interface TargetGroupPort {
  /** DescribeTargetHealth: every registered target with its state. */
  describeTargets(targetGroupArn: string): Promise<RegisteredTarget[]>;
  /** RegisterTargets of at most 200 targets. Registering a registered target is a no-op. */
  register(targetGroupArn: string, targets: Target[]): Promise<void>;
  /** DeregisterTargets of at most 200 targets. */
  deregister(targetGroupArn: string, targets: Target[]): Promise<void>;
  /** Tags of the target group (for the guard rail's `cutover.dev/cluster` tag). */
  tags(targetGroupArn: string): Promise<Record<string, string>>;
  /** DescribeTargetGroups of one group, by ARN or by name; undefined when there is none. */
  describeGroup(ref: { arn: string } | { name: string }): Promise<TargetGroupInfo | undefined>;
}

export interface TargetGroupInfo {
  arn: string;
  name: string;
  targetType: string;
  vpcId?: string;
}

/**
 * Which targets this cluster registered in a shared target group, kept in the cluster (a
 * ConfigMap per binding) so it survives agent restarts.
 */
export interface OwnershipStore {
  load(binding: string): Promise<Set<string>>;
  save(binding: string, owned: Set<string>): Promise<void>;
}

/** The cluster as the controller reads and writes it (informer caches and a few writes). */
export interface ClusterView {
  bindings(): BindingObject[];
  binding(namespace: string, name: string): BindingObject | undefined;
  service(namespace: string, name: string): ServiceInfo | undefined;
  slicesOf(namespace: string, service: string): EndpointSliceInfo[];
  /** Pods of a namespace by name. */
  podsIn(namespace: string): ReadonlyMap<string, PodInfo>;
  nodes(): NodeInfo[];
  patchBindingStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  setFinalizers(namespace: string, name: string, finalizers: string[]): Promise<void>;
  setPodCondition(
    namespace: string,
    pod: string,
    c: { type: string; status: string; reason: string; message: string },
  ): Promise<void>;
  event(binding: BindingObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  ownership(namespace: string): OwnershipStore;
}
