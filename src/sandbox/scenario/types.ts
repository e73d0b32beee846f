import type { HealthCheckSettings } from '../elbv2/types.ts';

/**
 * A sandbox scenario, validated and normalized (durations in milliseconds, rates as fractions).
 * The YAML surface form is ./scenario-shape.ts (documented in the README) and read by ./load.ts; the default
 * world (./default-world.ts) is one of these, and scenarios/default.yaml spells the same thing.
 */
export interface Scenario {
  region: string;
  account: string;
  /** Seed from the file; `--seed` overrides it. */
  seed?: number;
  metrics: MetricsDef;
  loadBalancers: LoadBalancerDef[];
  targetGroups: TargetGroupDef[];
  clusters: ClusterDef[];
  traffic: TrafficDef[];
  alarms: AlarmDef[];
  faults: FaultDef[];
}

export interface MetricsDef {
  /** Publication lag of each minute's datapoints after the minute ends, drawn per minute in [min, max]. */
  lagMs: { min: number; max: number };
  /** Traffic sub-step: requests are sampled in aggregate per sub-step (weights apply per sub-step). */
  stepMs: number;
}

export interface WeightedTargetGroup {
  targetGroup: string;
  weight: number;
}

export interface LoadBalancerDef {
  name: string;
  listeners: ListenerDef[];
}

export interface ListenerDef {
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  /** HTTPS only: the listener's certificate (the file's, else a deterministic ACM ARN). */
  certificateArn?: string;
  /** The default action: forward to these target groups with these weights. */
  forward: WeightedTargetGroup[];
  rules: RuleDef[];
}

export interface RuleCondition {
  field: 'path-pattern' | 'host-header';
  values: string[];
}

export interface RuleDef {
  priority: number;
  conditions: RuleCondition[];
  forward: WeightedTargetGroup[];
}

/** The health check settings a scenario sets: those of the ELBv2 model, less protocol/port/enabled. */
export type HealthCheckDef = Pick<
  HealthCheckSettings,
  'path' | 'intervalSeconds' | 'timeoutSeconds' | 'healthyThreshold' | 'unhealthyThreshold' | 'matcher'
>;

/** Which pods a target group holds at start: a cluster's ready endpoints of one Service port. */
export interface InitialRegistration {
  cluster: string;
  namespace: string;
  service: string;
  /** Service port by number or name; defaults to the Service's first port. */
  port?: number | string;
}

export interface TargetGroupDef {
  name: string;
  targetType: 'ip';
  protocol: 'HTTP' | 'HTTPS';
  port: number;
  healthCheck: HealthCheckDef;
  deregistrationDelaySeconds: number;
  registered: InitialRegistration | null;
}

export interface ServicePortDef {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol: 'TCP';
}

export interface ServiceDef {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  ports: ServicePortDef[];
}

export interface WorkloadDef {
  name: string;
  namespace: string;
  replicas: number;
  labels: Record<string, string>;
  containerPorts: { name: string; containerPort: number }[];
  readinessGates: string[];
  /** Fraction of requests a pod answers with a 5xx. */
  errorRate: number;
  /** Mean response time of a pod. */
  latencyMs: number;
  /** Requests per second one pod serves before errors and latency climb (world/capacity.ts); none: unlimited. */
  capacityRps?: number;
  /** Random drift of the workload's error rate and latency around their means (world/noise.ts). */
  noise?: NoiseDef;
  /** From pod creation until its containers are ready. */
  startDelayMs: number;
  terminationGracePeriodSeconds: number;
}

/** A band around a mean: the value drifts within [mean − band, mean + band]. */
export interface NoiseBand {
  mean: number;
  band: number;
}

export interface NoiseDef {
  /** Error rate as a fraction; the mean defaults to the workload's `errorRate`. */
  errorRate?: NoiseBand;
  /** Latency in milliseconds; the mean defaults to the workload's `latency`. */
  latencyMs?: NoiseBand;
}

export interface ClusterDef {
  name: string;
  /** Pods get addresses from this /16 (`10.<n>.0.0/16`, n = 1 + the cluster's index, by default). */
  podCidr: string;
  /** Worker nodes in each of the three zones. */
  nodesPerZone: number;
  /** Pods are outside the load balancer's VPC: targets are registered with `AvailabilityZone: all`. */
  outsideVpc: boolean;
  namespaces: string[];
  services: ServiceDef[];
  workloads: WorkloadDef[];
}

export interface TrafficDef {
  loadBalancer: string;
  port: number;
  rps: number;
  /** Share of the listener's requests matching each rule (by priority); the default rule gets the rest. */
  rules: { priority: number; share: number }[];
}

export interface AlarmDef {
  name: string;
  namespace: string;
  metricName: string;
  /** Resolved dimension values (load balancer and target group names become ARN suffixes at build time). */
  dimensions: { name: string; value: string }[];
  statistic?: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
  extendedStatistic?: string;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator:
    | 'GreaterThanOrEqualToThreshold'
    | 'GreaterThanThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}

/** Where a workload fault applies: a whole cluster, optionally one workload of it. */
export interface PodScope {
  cluster: string;
  namespace?: string;
  workload?: string;
}

/** A listener's default action, or with `rule` the action of its rule of that priority. */
export interface ActionRef {
  loadBalancer: string;
  port: number;
  rule?: number;
}

/**
 * What starts a fault besides time: the share of an action's weights going to a cluster (the
 * groups registered from it) or to named target groups first reaching `reaches`, or the action's
 * weights changing for the `count`-th time (fault-scheduler.ts).
 */
export type FaultTrigger =
  | ({ kind: 'share'; cluster?: string; targetGroup?: string; reaches: number } & ActionRef)
  | ({ kind: 'weightChange'; count: number } & ActionRef);

/**
 * A scenario fault. Without `trigger` it starts `atMs` after the sandbox started; with one, `atMs`
 * after the trigger fired (the file's `after`).
 */
export type FaultDef = { atMs: number; trigger?: FaultTrigger } & (
  | ({ kind: 'errorRate'; errorRate: number; forMs?: number } & PodScope)
  | ({ kind: 'latency'; latencyMs: number; forMs?: number } & PodScope)
  | ({ kind: 'failHealthChecks'; pods: number; mode: 'fail' | 'timeout' | 'mismatch'; forMs?: number } & PodScope)
  | ({ kind: 'killPods'; pods: number } & PodScope)
  | {
      kind: 'awsThrottle' | 'awsError';
      service: 'elbv2' | 'cloudwatch' | 'sts' | '*';
      operations: string[];
      probability: number;
      forMs: number;
      code?: string;
      status?: number;
    }
  | {
      kind: 'kubeThrottle' | 'kubeError';
      cluster: string;
      /** Verbs as the API server names them (`list`, `watch`, …); empty means all. */
      verbs: string[];
      /** `pods`, or `endpointslices.discovery.k8s.io`; empty means all. */
      resources: string[];
      probability: number;
      forMs: number;
      /** kubeError only: the 5xx status. */
      status?: number;
    }
  | { kind: 'watchDisconnect' | 'apiServerRestart'; cluster: string }
  | { kind: 'alarmState'; alarm: string; state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; reason: string; forMs?: number }
  | { kind: 'traffic'; loadBalancer: string; port: number; rps: number }
  | ({
      kind: 'modifyWeights';
      /** Target group (name or ARN) or cluster name (the groups registered from it) → new weight. */
      weights: Record<string, number>;
    } & ActionRef)
);
