import { asBool, asInt, asString, violation } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { missingConfig, type Raw, required, throwIfAny } from './action-configs.ts';
import type { AuthSession, CognitoConfig, OidcConfig, UnauthenticatedBehaviour } from './action-types.ts';

/**
 * The configs of authenticate-oidc and authenticate-cognito actions (API
 * `AuthenticateOidcActionConfig`, `AuthenticateCognitoActionConfig`; botocore required members).
 */
const BEHAVIOURS: UnauthenticatedBehaviour[] = ['deny', 'allow', 'authenticate'];

/** The session settings, with the documented defaults (cookie, `openid`, 604800 s, `authenticate`). */
function readSession(raw: Record<string, unknown>, at: string): AuthSession {
  const behaviour = asString(raw.OnUnauthenticatedRequest) ?? 'authenticate';
  if (!BEHAVIOURS.includes(behaviour as UnauthenticatedBehaviour)) {
    throw violation(
      `${at}.onUnauthenticatedRequest`,
      behaviour,
      `Member must satisfy enum value set: [${BEHAVIOURS.join(', ')}]`,
    );
  }
  const timeout = asInt(raw.SessionTimeout, `${at}.sessionTimeout`) ?? 604800;
  if (timeout < 1 || timeout > 604800) {
    // API: "The maximum duration of the authentication session … The default is 604800 seconds (7 days)." [U: code]
    throw new AwsError('ValidationError', `Session timeout '${timeout}' must be between 1 and 604800 seconds`);
  }
  const session: AuthSession = {
    sessionCookieName: asString(raw.SessionCookieName) ?? 'AWSELBAuthSessionCookie',
    scope: asString(raw.Scope) ?? 'openid',
    sessionTimeout: timeout,
    onUnauthenticatedRequest: behaviour as UnauthenticatedBehaviour,
  };
  const extra = raw.AuthenticationRequestExtraParams;
  if (extra && typeof extra === 'object') {
    const entries = Object.entries(extra as Record<string, unknown>).map(([k, x]) => [k, String(x)] as const);
    if (entries.length > 10) {
      // API: "The query parameters (up to 10)". [U: code]
      throw new AwsError(
        'ValidationError',
        `At most 10 authentication request extra parameters are allowed, got ${entries.length}`,
      );
    }
    if (entries.length) session.extraParams = Object.fromEntries(entries);
  }
  return session;
}

const OIDC_REQUIRED = ['Issuer', 'AuthorizationEndpoint', 'TokenEndpoint', 'UserInfoEndpoint', 'ClientId'];
const OIDC_URLS = ['Issuer', 'AuthorizationEndpoint', 'TokenEndpoint', 'UserInfoEndpoint'];

/**
 * AuthenticateOidcConfig. The API: ClientSecret "is required if you are creating a rule. If you are
 * modifying a rule, you can omit this parameter if you set UseExistingClientSecret to true", and
 * UseExistingClientSecret may be omitted or false on create. `existingSecret` is the secret of the
 * action being replaced (modify only). The four endpoints "must be a full URL, including the HTTPS
 * protocol" [U: code/text].
 */
export function readOidc(raw: Raw, at: string, o: { modifying: boolean; existingSecret?: string }): OidcConfig {
  if (!raw) throw missingConfig('authenticate-oidc', 'AuthenticateOidcConfig');
  throwIfAny(required(raw, at, OIDC_REQUIRED));
  for (const m of OIDC_URLS) {
    const url = asString(raw[m])!;
    if (!/^https:\/\/[^/\s]+/.test(url)) {
      throw new AwsError('ValidationError', `The ${m} '${url}' must be a full URL beginning with 'https://'`);
    }
  }
  const useExisting = asBool(raw.UseExistingClientSecret, `${at}.useExistingClientSecret`) ?? false;
  let secret = asString(raw.ClientSecret) || undefined;
  if (useExisting && !o.modifying) {
    // amazon.aws #1877 quotes AWS for CreateRule with both; without a secret [U: code/text].
    if (secret) {
      throw new AwsError(
        'InvalidLoadBalancerAction',
        'You cannot both specify a client secret and set UseExistingClientSecret to true',
      );
    }
    throw new AwsError('ValidationError', 'UseExistingClientSecret can only be true when modifying a rule or listener');
  }
  if (!secret && useExisting) secret = o.existingSecret;
  if (!secret) {
    throw new AwsError(
      'ValidationError',
      useExisting
        ? 'UseExistingClientSecret is true but the rule has no existing authenticate-oidc client secret; specify ClientSecret'
        : 'A ClientSecret must be specified for an authenticate-oidc action (or, when modifying, set UseExistingClientSecret to true)',
    );
  }
  return {
    issuer: asString(raw.Issuer)!,
    authorizationEndpoint: asString(raw.AuthorizationEndpoint)!,
    tokenEndpoint: asString(raw.TokenEndpoint)!,
    userInfoEndpoint: asString(raw.UserInfoEndpoint)!,
    clientId: asString(raw.ClientId)!,
    clientSecret: secret,
    ...readSession(raw, at),
  };
}

/** AuthenticateCognitoConfig: UserPoolArn, UserPoolClientId and UserPoolDomain are required. */
export function readCognito(raw: Raw, at: string): CognitoConfig {
  if (!raw) throw missingConfig('authenticate-cognito', 'AuthenticateCognitoConfig');
  throwIfAny(required(raw, at, ['UserPoolArn', 'UserPoolClientId', 'UserPoolDomain']));
  const arn = asString(raw.UserPoolArn)!;
  if (!/^arn:aws[\w-]*:cognito-idp:[\w-]+:\d{12}:userpool\/\S+$/.test(arn)) {
    throw new AwsError('ValidationError', `The user pool ARN '${arn}' is not a valid Amazon Cognito user pool ARN`);
  }
  return {
    userPoolArn: arn,
    userPoolClientId: asString(raw.UserPoolClientId)!,
    userPoolDomain: asString(raw.UserPoolDomain)!,
    ...readSession(raw, at),
  };
}
