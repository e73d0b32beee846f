/** Internal state of the ELBv2 fake: typed records (actions and conditions: `action-types.ts`). */
import type { Action, Condition } from './action-types.ts';

export type TagMap = Map<string, string>;

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  dnsName: string;
  createdTime: Date;
  scheme: 'internet-facing' | 'internal';
  vpcId: string;
  zones: Array<{ ZoneName: string; SubnetId: string }>;
  securityGroups: string[];
  tags: TagMap;
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  certificates?: Array<{ CertificateArn: string }>;
  sslPolicy?: string;
  tags: TagMap;
}

export interface RuleRecord {
  arn: string;
  listenerArn: string;
  /** 'default' for the listener's default rule, whose actions are the listener's DefaultActions. */
  priority: number | 'default';
  conditions: Condition[];
  actions: Action[];
  tags: TagMap;
}

export type TargetType = 'ip' | 'instance';

export interface HealthCheckSettings {
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: string;
  enabled: boolean;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher: string;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: TargetType;
  healthCheck: HealthCheckSettings;
  attributes: Map<string, string>;
  tags: TagMap;
  createdAt: number;
  /** Creation order within the model (ties between health events at the same instant). */
  seq: number;
  /** Keyed by `id:port`; in registration order. */
  targets: Map<string, TargetRecord>;
}

export type HealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

export type ProbeResult = 'pass' | 'fail' | 'timeout' | 'mismatch';

export interface TargetRecord {
  /** Registration order within the model (ties between health events at the same instant). */
  seq: number;
  id: string;
  port: number;
  availabilityZone: string;
  registeredAt: number;
  state: HealthState;
  reason?: string;
  description?: string;
  /** Consecutive results of the current streak (reset when the result flips). */
  passes: number;
  failures: number;
  /** Next time something happens to this target: a health check, end of registration or drain. */
  nextEventAt?: number;
  /** While `initial` with Elb.RegistrationInProgress, when registration completes. */
  registeringUntil?: number;
  drainingUntil?: number;
  /** Set when the target entered slow start on turning healthy. */
  slowStartUntil?: number;
}

/** What the world's traffic model reads about a target. */
export interface TargetView {
  id: string;
  port: number;
  state: HealthState;
  reason?: string;
  description?: string;
  availabilityZone: string;
  registeredAt: number;
  slowStartUntil?: number;
  drainingUntil?: number;
}

export interface WeightedTargetGroup {
  targetGroupArn: string;
  weight: number;
}

export type Elbv2Change =
  | { type: 'actions'; arn: string }
  | { type: 'targets'; targetGroupArn: string }
  | { type: 'health'; targetGroupArn: string; id: string; port: number; state: HealthState; reason?: string }
  | { type: 'resources' }
  | { type: 'attributes'; targetGroupArn: string }
  | { type: 'tags'; arn: string };

export type Probe = (t: { targetGroupArn: string; id: string; port: number; at: number }) => ProbeResult;
