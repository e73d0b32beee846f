import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AssumeRole } from '../spec/types.ts';
import type { Clock } from '../util/clock.ts';
import { toCutoverError } from './errors.ts';

/**
 * Credentials for the driver's clients. Without a role the SDK's own default chain is used
 * (environment, shared config/credentials files and profiles incl. SSO, web identity, ECS/EKS
 * container credentials, IMDS), by leaving `credentials` unset on the clients. With a cluster's
 * `assumeRole`, STS AssumeRole is called with the chain's credentials (or `base`), through an STS
 * client that honours AWS_ENDPOINT_URL_STS like any other.
 */

/** Refresh this long before expiry (the SDK's own margin for temporary credentials is 5 minutes). */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Caches credentials until `REFRESH_BEFORE_MS` before they expire, sharing one fetch among
 * concurrent callers, so all clients of a role make one AssumeRole call per session, not one each.
 * A failed fetch is not cached (the next call tries again).
 */
export function cachedCredentials(
  provider: AwsCredentialIdentityProvider,
  clock: Pick<Clock, 'now'>,
  refreshBeforeMs = REFRESH_BEFORE_MS,
): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) =>
    c.expiration === undefined || c.expiration.getTime() - refreshBeforeMs > clock.now();
  return async () => {
    if (current && fresh(current)) return current;
    pending ??= provider().then(
      (c) => {
        current = c;
        pending = undefined;
        return c;
      },
      (e: unknown) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
}

export interface RoleCredentialsOptions {
  role: AssumeRole;
  region: string;
  clock: Pick<Clock, 'now'>;
  /** Credentials that assume the role; default: the SDK's default chain. */
  base?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Shown in CloudTrail as the session name (2–64 chars of `[\w+=,.@-]`). */
  sessionName?: string;
  /** Only for tests: an explicit STS endpoint (otherwise AWS_ENDPOINT_URL_STS or AWS's). */
  stsEndpoint?: string;
  /** Requested session length, 900–43200 s (role chaining is capped at 3600 by STS). */
  durationSeconds?: number;
}

/** Cached, refreshed credentials of an assumed role. */
export function roleCredentials(o: RoleCredentialsOptions): AwsCredentialIdentityProvider {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: o.role.roleArn,
      RoleSessionName: o.sessionName ?? defaultSessionName(),
      DurationSeconds: o.durationSeconds ?? 3600,
      ...(o.role.externalId === undefined ? {} : { ExternalId: o.role.externalId }),
    },
    ...(o.base === undefined ? {} : { masterCredentials: o.base }),
    clientConfig: { region: o.region, ...(o.stsEndpoint ? { endpoint: o.stsEndpoint } : {}) },
  });
  // A refusal by STS is reported as the AssumeRole it is, not as the call that needed credentials.
  const assume = () =>
    provider().catch((e: unknown) => {
      throw toCutoverError(e, { operation: 'AssumeRole', arn: o.role.roleArn });
    });
  return cachedCredentials(assume, o.clock);
}

/** `cutover-<pid>`: names the process in CloudTrail without leaking the user name. */
export function defaultSessionName(): string {
  return `cutover-${process.pid}`;
}
