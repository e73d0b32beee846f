import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TargetGroupPort } from './ports.ts';

/**
 * The agent's Prometheus metrics (served on /metrics by `cutover agent`):
 * - cutover_agent_reconciles_total{result}        reconciles, by Ready reason
 * - cutover_agent_aws_calls_total{operation,result} ELBv2 calls, by operation and ok/error code
 * - cutover_agent_pod_ready_to_registered_seconds  from a pod's containers turning ready to its
 *                                                  target being registered
 * - cutover_agent_targets{binding,state}           targets by ELB state after the last pass
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'cutover_agent_reconciles_total',
    help: 'Reconciles of TargetGroupBindings, by result (the Ready condition reason)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly awsCalls = new Counter({
    name: 'cutover_agent_aws_calls_total',
    help: 'ELBv2 API calls, by operation and result',
    labelNames: ['operation', 'result'] as const,
    registers: [this.registry],
  });
  readonly readyToRegistered = new Histogram({
    name: 'cutover_agent_pod_ready_to_registered_seconds',
    help: "Seconds from a pod's containers turning ready to its target being registered",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly targets = new Gauge({
    name: 'cutover_agent_targets',
    help: 'Targets of each binding by ELB target state after the last pass',
    labelNames: ['binding', 'state'] as const,
    registers: [this.registry],
  });

  /** Wraps a target-group port so every call is counted by operation and result. */
  instrument(port: TargetGroupPort): TargetGroupPort {
    const count =
      <A extends unknown[], R>(operation: string, fn: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        try {
          const r = await fn(...a);
          this.awsCalls.inc({ operation, result: 'ok' });
          return r;
        } catch (e) {
          this.awsCalls.inc({
            operation,
            result: ((e as { name?: string })?.name ?? 'error').replace(/Exception$/, ''),
          });
          throw e;
        }
      };
    return {
      describeTargets: count('DescribeTargetHealth', (arn: string) => port.describeTargets(arn)),
      register: count('RegisterTargets', (arn: string, t: Parameters<TargetGroupPort['register']>[1]) =>
        port.register(arn, t),
      ),
      deregister: count('DeregisterTargets', (arn: string, t: Parameters<TargetGroupPort['deregister']>[1]) =>
        port.deregister(arn, t),
      ),
      tags: count('DescribeTags', (arn: string) => port.tags(arn)),
      describeGroup: count('DescribeTargetGroups', (ref: Parameters<TargetGroupPort['describeGroup']>[0]) =>
        port.describeGroup(ref),
      ),
    };
  }
}
