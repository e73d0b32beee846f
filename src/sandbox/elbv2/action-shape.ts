import { markQueryMap } from '../aws/query.ts';
import { type Action, type AuthSession, CONDITION_CONFIG_MEMBER, type Condition } from './action-types.ts';

/**
 * Typed actions and conditions → the SDK shapes Describe*, Create* and Modify* return.
 *
 * - A forward always shows `ForwardConfig` with every group's `Weight` and
 *   `TargetGroupStickinessConfig`; with exactly one group `TargetGroupArn` is shown too [U: moto
 *   does this; real responses typically show both].
 * - `AuthenticateOidcConfig.ClientSecret` is never returned (the API reference: it is only
 *   "required if you are creating a rule"; Describe* leaves it out), nor `UseExistingClientSecret`.
 * - `Order` appears only when it was given.
 */
export function actionShape(a: Action): Record<string, unknown> {
  const out: Record<string, unknown> = { Type: a.type };
  switch (a.type) {
    case 'forward': {
      if (a.targetGroups.length === 1) out.TargetGroupArn = a.targetGroups[0]!.targetGroupArn;
      const sticky: Record<string, unknown> = { Enabled: a.stickiness.enabled };
      if (a.stickiness.durationSeconds !== undefined) sticky.DurationSeconds = a.stickiness.durationSeconds;
      out.ForwardConfig = {
        TargetGroups: a.targetGroups.map((g) => ({ TargetGroupArn: g.targetGroupArn, Weight: g.weight })),
        TargetGroupStickinessConfig: sticky,
      };
      break;
    }
    case 'redirect': {
      const c = a.config;
      out.RedirectConfig = {
        Protocol: c.protocol,
        Port: c.port,
        Host: c.host,
        Path: c.path,
        Query: c.query,
        StatusCode: c.statusCode,
      };
      break;
    }
    case 'fixed-response': {
      const c = a.config;
      const fr: Record<string, unknown> = { StatusCode: c.statusCode };
      if (c.contentType !== undefined) fr.ContentType = c.contentType;
      if (c.messageBody !== undefined) fr.MessageBody = c.messageBody;
      out.FixedResponseConfig = fr;
      break;
    }
    case 'authenticate-oidc': {
      const c = a.config;
      out.AuthenticateOidcConfig = {
        Issuer: c.issuer,
        AuthorizationEndpoint: c.authorizationEndpoint,
        TokenEndpoint: c.tokenEndpoint,
        UserInfoEndpoint: c.userInfoEndpoint,
        ClientId: c.clientId,
        ...sessionShape(c),
      };
      break;
    }
    case 'authenticate-cognito': {
      const c = a.config;
      out.AuthenticateCognitoConfig = {
        UserPoolArn: c.userPoolArn,
        UserPoolClientId: c.userPoolClientId,
        UserPoolDomain: c.userPoolDomain,
        ...sessionShape(c),
      };
      break;
    }
    case 'jwt-validation':
      out.JwtValidationConfig = structuredClone(a.config);
      break;
  }
  if (a.order !== undefined) out.Order = a.order;
  return out;
}

function sessionShape(s: AuthSession): Record<string, unknown> {
  const out: Record<string, unknown> = {
    SessionCookieName: s.sessionCookieName,
    Scope: s.scope,
    SessionTimeout: s.sessionTimeout,
    OnUnauthenticatedRequest: s.onUnauthenticatedRequest,
  };
  if (s.extraParams) out.AuthenticationRequestExtraParams = markQueryMap({ ...s.extraParams });
  return out;
}

/**
 * A condition as DescribeRules returns it: the typed `*Config`, and for host-header and
 * path-pattern also the legacy `Values` (the API reference: `Values` applies only to those two).
 */
export function conditionShape(c: Condition): Record<string, unknown> {
  const out: Record<string, unknown> = { Field: c.field };
  const member = CONDITION_CONFIG_MEMBER[c.field];
  if (c.field === 'query-string') {
    out[member] = {
      Values: c.pairs.map((p) => (p.key === undefined ? { Value: p.value } : { Key: p.key, Value: p.value })),
    };
  } else if (c.field === 'http-header') {
    out[member] = { HttpHeaderName: c.headerName, Values: [...c.values] };
  } else {
    if (c.field === 'host-header' || c.field === 'path-pattern') out.Values = [...c.values];
    out[member] = { Values: [...c.values] };
  }
  return out;
}
