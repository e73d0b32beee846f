import type { RegisteredTarget } from './target-diff.ts';
import type { Target } from './types.ts';

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
}

/**
 * Which targets this cluster registered in a shared target group, kept in the cluster (a
 * ConfigMap per binding) so it survives agent restarts.
 */
export interface OwnershipStore {
  load(binding: string): Promise<Set<string>>;
  save(binding: string, owned: Set<string>): Promise<void>;
}
