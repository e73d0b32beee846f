/**
 * The typed model of listener/rule actions and rule conditions. Requests are read into it once
 * (`action-read.ts`, `conditions.ts`) and Describe* writes it back out (`action-shape.ts`), so the
 * model, the world and the traffic model never see awsQuery strings or wire shapes.
 */

export interface WeightedGroup {
  targetGroupArn: string;
  /** 0–999; 1 when the request gave none (single group). */
  weight: number;
}

export interface ForwardAction {
  type: 'forward';
  order?: number;
  targetGroups: WeightedGroup[];
  stickiness: { enabled: boolean; durationSeconds?: number };
}

export interface RedirectConfig {
  protocol?: string;
  port?: string;
  host?: string;
  path?: string;
  query?: string;
  statusCode: 'HTTP_301' | 'HTTP_302';
}

export interface RedirectAction {
  type: 'redirect';
  order?: number;
  config: RedirectConfig;
}

export interface FixedResponseConfig {
  statusCode: string;
  contentType?: string;
  messageBody?: string;
}

export interface FixedResponseAction {
  type: 'fixed-response';
  order?: number;
  config: FixedResponseConfig;
}

export type UnauthenticatedBehaviour = 'deny' | 'allow' | 'authenticate';

/** Settings both authenticate actions share, with AWS's documented defaults filled in. */
export interface AuthSession {
  sessionCookieName: string;
  scope: string;
  sessionTimeout: number;
  onUnauthenticatedRequest: UnauthenticatedBehaviour;
  extraParams?: Record<string, string>;
}

export interface OidcConfig extends AuthSession {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint: string;
  clientId: string;
  /** Stored, never returned by Describe* (AWS hides it). */
  clientSecret: string;
}

export interface CognitoConfig extends AuthSession {
  userPoolArn: string;
  userPoolClientId: string;
  userPoolDomain: string;
}

export interface AuthenticateOidcAction {
  type: 'authenticate-oidc';
  order?: number;
  config: OidcConfig;
}

export interface AuthenticateCognitoAction {
  type: 'authenticate-cognito';
  order?: number;
  config: CognitoConfig;
}

/** jwt-validation is accepted and echoed back as given (not otherwise emulated). */
export interface JwtValidationAction {
  type: 'jwt-validation';
  order?: number;
  config: Readonly<Record<string, unknown>>;
}

export type Action =
  | ForwardAction
  | RedirectAction
  | FixedResponseAction
  | AuthenticateOidcAction
  | AuthenticateCognitoAction
  | JwtValidationAction;

export type ActionType = Action['type'];

// ---- conditions ---------------------------------------------------------------------------------

export type ConditionField =
  | 'host-header'
  | 'path-pattern'
  | 'http-header'
  | 'http-request-method'
  | 'query-string'
  | 'source-ip';

/** The typed config member of each condition field (API `RuleCondition`). */
export const CONDITION_CONFIG_MEMBER = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig',
} as const satisfies Record<ConditionField, string>;

export type Condition =
  | { field: 'host-header' | 'path-pattern' | 'http-request-method' | 'source-ip'; values: string[] }
  | { field: 'http-header'; headerName: string; values: string[] }
  | { field: 'query-string'; pairs: Array<{ key?: string; value: string }> };
