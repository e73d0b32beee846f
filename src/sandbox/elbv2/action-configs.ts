import { asString, stringViolations, type Violation, validationError } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import type { FixedResponseConfig, RedirectConfig } from './action-types.ts';

/**
 * The configs of redirect and fixed-response actions (authenticate ones: `action-auth.ts`), read
 * and checked against the botocore model (required members, patterns, lengths, enums: Coral
 * `ValidationError`s) and the documented rules the model cannot express.
 */
export type Raw = Record<string, unknown> | undefined;

/** What AWS says when an action's config is missing (aws-sdk-js #2204 quotes it for redirect). */
export function missingConfig(type: string, member: string): AwsError {
  return new AwsError(
    'InvalidLoadBalancerAction',
    `For actions of type '${type}', you must specify the following fields: '${member}'`,
  );
}

const lower = (member: string) => member[0]!.toLowerCase() + member.slice(1);

/** Required string members: every absent one is a `Member must not be null` violation. */
export function required(raw: Record<string, unknown>, at: string, members: readonly string[]): Violation[] {
  return members
    .filter((m) => asString(raw[m]) === undefined || asString(raw[m]) === '')
    .map((m) => ({ field: `${at}.${lower(m)}`, value: null, constraint: 'Member must not be null' }));
}

export function throwIfAny(violations: Violation[]): void {
  if (violations.length) throw validationError(violations);
}

// ---- redirect ------------------------------------------------------------------------------------

const REDIRECT_DEFAULTS = {
  protocol: '#{protocol}',
  port: '#{port}',
  host: '#{host}',
  path: '/#{path}',
  query: '#{query}',
} as const;

/**
 * RedirectConfig: StatusCode HTTP_301|HTTP_302; Protocol HTTP, HTTPS or #{protocol}; Host and Path
 * 1–128, Query 0–128; port 1–65535 or #{port}. Components left out keep the request's own
 * (`#{…}`), and are returned that way. A redirect that changes nothing is a loop (ALBC #487 quotes
 * AWS: "The redirect configuration is not valid because it creates a loop."); HTTPS cannot be
 * redirected to HTTP (API: "You can't redirect HTTPS to HTTP") [U: code].
 */
export function readRedirect(raw: Raw, at: string, listenerProtocol: 'HTTP' | 'HTTPS'): RedirectConfig {
  if (!raw) throw missingConfig('redirect', 'RedirectConfig');
  const c = {
    protocol: asString(raw.Protocol),
    port: asString(raw.Port),
    host: asString(raw.Host),
    path: asString(raw.Path),
    query: asString(raw.Query),
    statusCode: asString(raw.StatusCode),
  };
  const v: Violation[] = [];
  if (c.statusCode === undefined)
    v.push({ field: `${at}.statusCode`, value: null, constraint: 'Member must not be null' });
  else if (c.statusCode !== 'HTTP_301' && c.statusCode !== 'HTTP_302') {
    v.push({
      field: `${at}.statusCode`,
      value: c.statusCode,
      constraint: 'Member must satisfy enum value set: [HTTP_301, HTTP_302]',
    });
  }
  if (c.protocol !== undefined)
    v.push(...stringViolations(`${at}.protocol`, c.protocol, { pattern: /^(HTTPS?|#\{protocol\})$/ }));
  if (c.host !== undefined) v.push(...stringViolations(`${at}.host`, c.host, { min: 1, max: 128 }));
  if (c.path !== undefined) v.push(...stringViolations(`${at}.path`, c.path, { min: 1, max: 128 }));
  if (c.query !== undefined) v.push(...stringViolations(`${at}.query`, c.query, { min: 0, max: 128 }));
  throwIfAny(v);
  if (c.port !== undefined && c.port !== '#{port}') {
    const n = Number(c.port);
    if (!/^\d+$/.test(c.port) || n < 1 || n > 65535) {
      throw new AwsError('ValidationError', `Redirect port '${c.port}' must be a number from 1 to 65535 or #{port}`);
    }
  }
  if (c.path !== undefined && !c.path.startsWith('/')) {
    throw new AwsError('ValidationError', `Redirect path '${c.path}' must start with '/'`);
  }
  if (listenerProtocol === 'HTTPS' && c.protocol === 'HTTP') {
    throw new AwsError('InvalidLoadBalancerAction', 'You cannot redirect HTTPS to HTTP');
  }
  const out: RedirectConfig = {
    protocol: c.protocol ?? REDIRECT_DEFAULTS.protocol,
    port: c.port ?? REDIRECT_DEFAULTS.port,
    host: c.host ?? REDIRECT_DEFAULTS.host,
    path: c.path ?? REDIRECT_DEFAULTS.path,
    query: c.query ?? REDIRECT_DEFAULTS.query,
    statusCode: c.statusCode as RedirectConfig['statusCode'],
  };
  const changes =
    (out.protocol !== REDIRECT_DEFAULTS.protocol && out.protocol !== listenerProtocol) ||
    out.port !== REDIRECT_DEFAULTS.port ||
    out.host !== REDIRECT_DEFAULTS.host ||
    out.path !== REDIRECT_DEFAULTS.path ||
    out.query !== REDIRECT_DEFAULTS.query;
  if (!changes) {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'The redirect configuration is not valid because it creates a loop.',
    );
  }
  return out;
}

// ---- fixed-response ------------------------------------------------------------------------------

export const FIXED_RESPONSE_CONTENT_TYPES = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json',
];

/**
 * FixedResponseConfig: StatusCode `^(2|4|5)\d\d$`, MessageBody ≤ 1024 characters (model), ContentType
 * one of the five the API lists (the model only bounds its length; `ValidationError` [U]).
 */
export function readFixedResponse(raw: Raw, at: string): FixedResponseConfig {
  if (!raw) throw missingConfig('fixed-response', 'FixedResponseConfig');
  const statusCode = asString(raw.StatusCode);
  const contentType = asString(raw.ContentType);
  const messageBody = asString(raw.MessageBody);
  const v: Violation[] = [];
  if (statusCode === undefined)
    v.push({ field: `${at}.statusCode`, value: null, constraint: 'Member must not be null' });
  else v.push(...stringViolations(`${at}.statusCode`, statusCode, { pattern: /^(2|4|5)\d\d$/ }));
  if (contentType !== undefined) v.push(...stringViolations(`${at}.contentType`, contentType, { max: 32 }));
  if (messageBody !== undefined) v.push(...stringViolations(`${at}.messageBody`, messageBody, { max: 1024 }));
  throwIfAny(v);
  if (contentType !== undefined && !FIXED_RESPONSE_CONTENT_TYPES.includes(contentType)) {
    throw new AwsError(
      'ValidationError',
      `Content type '${contentType}' is not valid; valid values are: ${FIXED_RESPONSE_CONTENT_TYPES.join(', ')}`,
    );
  }
  const out: FixedResponseConfig = { statusCode: statusCode! };
  if (contentType !== undefined) out.contentType = contentType;
  if (messageBody !== undefined) out.messageBody = messageBody;
  return out;
}
