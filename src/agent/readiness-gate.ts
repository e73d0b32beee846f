/**
 * The readiness gate `target-health.cutover.dev/<binding>` of a pod (pure). True when the pod's
 * target is healthy — and also when its target group carries no traffic: targets of a group that
 * no forward action sends traffic to are `unused` (`Target.NotInUse`) and never turn healthy, so
 * a gate that waited for `healthy` would stall every rolling update of the inactive cluster of a
 * blue/green pair (the AWS Load Balancer Controller's issue #3753).
 */
export const GATE_PREFIX = 'target-health.cutover.dev/';
/**
 * The AWS Load Balancer Controller's gate, `target-health.elbv2.k8s.aws/<binding>`, which its
 * webhook injects into pods of namespaces labelled `elbv2.k8s.aws/pod-readiness-gate-inject:
 * enabled` (ALBC docs, "Pod readiness gate"): an elbv2.k8s.aws binding manages that one, so pods
 * made for the AWS controller become Ready under the agent too.
 */
export const ALBC_GATE_PREFIX = 'target-health.elbv2.k8s.aws/';

/** The gate of a binding; `apiVersion` is the binding object's (cutover.dev's when absent). */
export const gateConditionType = (binding: string, apiVersion?: string) =>
  `${apiVersion?.startsWith('elbv2.k8s.aws/') ? ALBC_GATE_PREFIX : GATE_PREFIX}${binding}`;

export interface GateStatus {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export function gateStatus(
  health: { state: string; reason?: string; description?: string } | undefined,
  groupCarriesTraffic: boolean,
): GateStatus {
  if (health?.state === 'healthy') return { status: 'True', reason: 'TargetHealthy', message: 'target is healthy' };
  if (health?.state === 'unused' && health.reason === 'Target.NotInUse') {
    return {
      status: 'True',
      reason: 'TargetGroupNotInUse',
      message: 'target group takes no traffic (Target.NotInUse)',
    };
  }
  if (health && !groupCarriesTraffic) {
    return {
      status: 'True',
      reason: 'TargetGroupCarriesNoTraffic',
      message: 'target group has weight 0 in every forward action',
    };
  }
  if (!health) return { status: 'False', reason: 'NotRegistered', message: 'target not registered yet' };
  return {
    status: 'False',
    reason: health.reason ?? `Target.${health.state}`,
    message: health.description ?? `target is ${health.state}`,
  };
}
