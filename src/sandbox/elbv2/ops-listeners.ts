import { asInt, asList, asString, checkRange, requireParam } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { listenerArn, ruleArn } from '../ids.ts';
import { checkListenerProtocol, readActions } from './actions.ts';
import { checkForwardTargets } from './forward-checks.ts';
import { paginate } from './pagination.ts';
import { listenerShape } from './shapes.ts';
import type { Elbv2State } from './state.ts';
import { applyTags, readTags } from './tags.ts';
import type { ListenerRecord } from './types.ts';

const MAX_LISTENERS = 50;
const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

function readProtocol(v: unknown): 'HTTP' | 'HTTPS' {
  const p = asString(v);
  if (p !== 'HTTP' && p !== 'HTTPS') {
    throw new AwsError('UnsupportedProtocol', `Protocol '${p}' is not supported by application load balancers`);
  }
  return p;
}

function readPort(v: unknown): number {
  return checkRange('port', requireParam(asInt(v, 'port'), 'port'), 1, 65535);
}

function readCertificates(v: unknown): Array<{ CertificateArn: string }> | undefined {
  const certs = asList(v).map((c: any) => ({ CertificateArn: String(c.CertificateArn) }));
  return certs.length ? certs : undefined;
}

export function createListener(s: Elbv2State, input: Record<string, any>) {
  const lb = s.lb(requireParam(asString(input.LoadBalancerArn), 'loadBalancerArn'));
  const protocol = readProtocol(input.Protocol ?? 'HTTP');
  const port = readPort(input.Port);
  const actions = readActions(input.DefaultActions, 'defaultActions', { listenerProtocol: protocol });
  const certificates = readCertificates(input.Certificates);
  if (protocol === 'HTTPS' && !certificates) {
    throw new AwsError('ValidationError', 'A certificate must be specified for HTTPS listeners');
  }
  const arn = listenerArn(lb.arn, port);
  const existing = s.listeners.get(arn);
  if (existing) {
    // CreateListener is idempotent: the same settings return the existing listener.
    const same =
      existing.protocol === protocol && JSON.stringify(s.defaultRule(arn).actions) === JSON.stringify(actions);
    if (!same) throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of '${lb.arn}'`);
    return { Listeners: [listenerShape(s, existing)] };
  }
  if ([...s.listeners.values()].filter((l) => l.loadBalancerArn === lb.arn).length >= MAX_LISTENERS) {
    throw new AwsError(
      'TooManyListeners',
      `You've reached the limit on the number of listeners per load balancer (${MAX_LISTENERS})`,
    );
  }
  checkForwardTargets(s, actions, lb.arn);
  const tags = readTags(input.Tags);
  const listener: ListenerRecord = { arn, loadBalancerArn: lb.arn, port, protocol, tags: new Map() };
  if (protocol === 'HTTPS') {
    listener.certificates = certificates;
    listener.sslPolicy = asString(input.SslPolicy) ?? DEFAULT_SSL_POLICY;
  }
  applyTags(listener.tags, tags, arn);
  s.listeners.set(arn, listener);
  const defaultArn = ruleArn(arn, 'default');
  s.rules.set(defaultArn, {
    arn: defaultArn,
    listenerArn: arn,
    priority: 'default',
    conditions: [],
    actions,
    tags: new Map(),
  });
  s.refreshUsage();
  s.emit({ type: 'actions', arn });
  return { Listeners: [listenerShape(s, listener)] };
}

export function describeListeners(s: Elbv2State, input: Record<string, any>) {
  const lbArn = asString(input.LoadBalancerArn);
  const arns = asList<string>(input.ListenerArns).map(String);
  if (!lbArn && arns.length === 0) {
    throw new AwsError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
  }
  let listeners: ListenerRecord[];
  if (arns.length) {
    listeners = arns.map((a) => s.listener(a));
  } else {
    s.lb(lbArn!);
    listeners = [...s.listeners.values()].filter((l) => l.loadBalancerArn === lbArn).sort((a, b) => a.port - b.port);
  }
  const { page, NextMarker } = paginate(listeners, input);
  return { Listeners: page.map((l) => listenerShape(s, l)), NextMarker };
}

/**
 * ModifyListener: every property given replaces the old one whole (lists included); properties
 * left out stay unchanged (SDK `ModifyListenerCommand`).
 */
export function modifyListener(s: Elbv2State, input: Record<string, any>) {
  const listener = s.listener(requireParam(asString(input.ListenerArn), 'listenerArn'));
  const protocol = input.Protocol !== undefined ? readProtocol(input.Protocol) : listener.protocol;
  const port = input.Port !== undefined ? readPort(input.Port) : listener.port;
  const certificates = input.Certificates !== undefined ? readCertificates(input.Certificates) : listener.certificates;
  const defaultRule = s.defaultRule(listener.arn);
  const actions =
    input.DefaultActions !== undefined
      ? readActions(input.DefaultActions, 'defaultActions', {
          listenerProtocol: protocol,
          replacing: defaultRule.actions,
        })
      : undefined;
  // A listener turned from HTTPS to HTTP cannot keep authenticate actions, in any of its rules.
  for (const r of s.rulesOfListener(listener.arn)) {
    if (!(r === defaultRule && actions)) checkListenerProtocol(r.actions, protocol);
  }
  if (port !== listener.port) {
    const clash = [...s.listeners.values()].some(
      (l) => l.loadBalancerArn === listener.loadBalancerArn && l.port === port,
    );
    if (clash)
      throw new AwsError(
        'DuplicateListener',
        `A listener already exists on port ${port} of '${listener.loadBalancerArn}'`,
      );
  }
  if (protocol === 'HTTPS' && !certificates) {
    throw new AwsError('ValidationError', 'A certificate must be specified for HTTPS listeners');
  }
  if (actions) checkForwardTargets(s, actions, listener.loadBalancerArn, defaultRule.arn);
  // All checks passed: apply everything at once so a rejected call changes nothing.
  listener.port = port;
  listener.protocol = protocol;
  if (protocol === 'HTTPS') {
    listener.certificates = certificates;
    listener.sslPolicy = asString(input.SslPolicy) ?? listener.sslPolicy ?? DEFAULT_SSL_POLICY;
  } else {
    listener.certificates = undefined;
    listener.sslPolicy = undefined;
  }
  if (actions) {
    defaultRule.actions = actions;
    s.refreshUsage();
    // Announced for the default rule and for its listener, whichever a subscriber follows.
    s.emit({ type: 'actions', arn: defaultRule.arn });
    s.emit({ type: 'actions', arn: listener.arn });
  }
  return { Listeners: [listenerShape(s, listener)] };
}

export function deleteListener(s: Elbv2State, input: Record<string, any>) {
  const listener = s.listener(requireParam(asString(input.ListenerArn), 'listenerArn'));
  for (const r of s.rulesOfListener(listener.arn)) s.rules.delete(r.arn);
  s.listeners.delete(listener.arn);
  s.refreshUsage();
  s.emit({ type: 'resources' });
  return {};
}
