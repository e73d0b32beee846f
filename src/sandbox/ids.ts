import { createHash } from 'node:crypto';

/**
 * Deterministic resource ids for the sandbox world, so that `rollouts/` can hold a rollout whose
 * ARNs match the default world. An id depends only on what names the resource, never on the order
 * of creation. Real ALB ids are 16 lowercase hex digits; so are these.
 */
export function id16(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 16);
}

export const SANDBOX_ACCOUNT = '000000000000';
export const SANDBOX_REGION = 'us-east-1';

export interface ArnContext {
  partition?: string;
  region: string;
  account: string;
}

const base = (c: ArnContext) => `arn:${c.partition ?? 'aws'}:elasticloadbalancing:${c.region}:${c.account}`;

export function loadBalancerArn(c: ArnContext, name: string, type: 'app' | 'net' = 'app'): string {
  return `${base(c)}:loadbalancer/${type}/${name}/${id16(`lb:${name}`)}`;
}

export function targetGroupArn(c: ArnContext, name: string): string {
  return `${base(c)}:targetgroup/${name}/${id16(`tg:${name}`)}`;
}

/** `lbArn` is the load balancer's ARN; the listener id depends on the load balancer and port. */
export function listenerArn(lbArn: string, port: number): string {
  const [prefix, rest] = lbArn.split(':loadbalancer/');
  return `${prefix}:listener/${rest}/${id16(`listener:${lbArn}:${port}`)}`;
}

/** The rule id depends on the listener and the rule's priority ("default" for the default rule). */
export function ruleArn(lisArn: string, priority: number | 'default'): string {
  const [prefix, rest] = lisArn.split(':listener/');
  return `${prefix}:listener-rule/${rest}/${id16(`rule:${lisArn}:${priority}`)}`;
}

/**
 * A deterministic ACM certificate ARN for an HTTPS listener the scenario gives none:
 * `arn:aws:acm:<region>:<account>:certificate/<uuid-like id>` (ACM ids are UUIDs; this one is two
 * id16s laid out 8-4-4-4-12).
 */
export function certificateArn(c: ArnContext, name: string): string {
  const h = id16(`certificate:${name}`) + id16(`certificate:${name}:2`);
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return `arn:${c.partition ?? 'aws'}:acm:${c.region}:${c.account}:certificate/${uuid}`;
}
