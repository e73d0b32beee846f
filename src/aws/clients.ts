import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CutoverError } from '../errors.ts';
import type { AssumeRole } from '../spec/types.ts';
import type { Clock } from '../util/clock.ts';
import { roleCredentials } from './credentials.ts';
import { awsCall } from './errors.ts';

/**
 * The SDK clients of one identity (the default chain, or an assumed role) in one region.
 *
 * - Region: always the rollout's `spec.region`, never guessed from the environment, so a stray
 *   AWS_REGION cannot point the driver at another region's listeners.
 * - Endpoints: not set here. The SDK itself honours `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`,
 *   `AWS_ENDPOINT_URL_CLOUDWATCH`, `AWS_ENDPOINT_URL_STS` (and `AWS_ENDPOINT_URL`) — that is how
 *   the sandbox is reached (test/aws/clients.test.ts checks it).
 * - Retries: SDK `adaptive` mode (standard retries plus a client-side rate limiter that slows
 *   down after throttling), `DEFAULT_MAX_ATTEMPTS` attempts per call.
 */
export const DEFAULT_MAX_ATTEMPTS = 6;

export interface AwsClientOptions {
  region: string;
  clock: Pick<Clock, 'now'>;
  /** A cluster's role to assume (cached, refreshed credentials). */
  assumeRole?: AssumeRole;
  /** Credentials to use instead of the default chain (and to assume the role with). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts?: number;
  /** Only for tests that cannot set the environment: one endpoint for every service. */
  endpoint?: string;
}

export interface AwsClients {
  region: string;
  elbv2: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  sts: STSClient;
  /** Fails with E_AWS_REGION_MISMATCH unless every ARN is in this region. */
  checkRegion(arns: readonly string[]): void;
  /** GetCallerIdentity: proves the credentials work, before anything else is called. */
  whoAmI(): Promise<{ account: string; arn: string }>;
  destroy(): void;
}

export function createAwsClients(o: AwsClientOptions): AwsClients {
  const credentials = o.assumeRole
    ? roleCredentials({
        role: o.assumeRole,
        region: o.region,
        clock: o.clock,
        ...(o.credentials ? { base: o.credentials } : {}),
        ...(o.endpoint ? { stsEndpoint: o.endpoint } : {}),
      })
    : o.credentials;
  const config = {
    region: o.region,
    retryMode: 'adaptive',
    maxAttempts: o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(credentials ? { credentials } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  } as const;
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const cloudwatch = new CloudWatchClient(config);
  const sts = new STSClient(config);
  return {
    region: o.region,
    elbv2,
    cloudwatch,
    sts,
    checkRegion: (arns) => checkRegion(o.region, arns),
    whoAmI: async () => {
      const out = await awsCall({ operation: 'GetCallerIdentity', arn: o.assumeRole?.roleArn }, () =>
        sts.send(new GetCallerIdentityCommand({})),
      );
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },
    destroy: () => {
      elbv2.destroy();
      cloudwatch.destroy();
      sts.destroy();
    },
  };
}

/**
 * Every ELBv2 ARN must be in the clients' region: a call with another region's ARN fails at AWS
 * with a confusing not-found or validation error, so it is refused up front with both regions named.
 */
export function checkRegion(region: string, arns: readonly string[]): void {
  for (const arn of arns) {
    const arnRegion = /^arn:[^:]*:[^:]*:([^:]*):/.exec(arn)?.[1];
    if (arnRegion !== undefined && arnRegion !== region) {
      throw new CutoverError(
        'E_AWS_REGION_MISMATCH',
        `${arn} is in region ${arnRegion}, but the clients use ${region}`,
        {
          value: arn,
          hint: `set spec.region to ${arnRegion}, or use the ARNs of the ${region} resources`,
        },
      );
    }
  }
}

/**
 * The region the SDK would pick by itself — AWS_REGION, else the profile's `region` in the shared
 * config file — or undefined when neither is set. The driver's clients never use it (they take
 * `spec.region`); it is read only to tell a user whose shell points elsewhere where cutover works.
 */
export async function environmentRegion(): Promise<string | undefined> {
  const sts = new STSClient({});
  try {
    const r = sts.config.region;
    const region = typeof r === 'function' ? await r() : r;
    return typeof region === 'string' && region !== '' ? region : undefined;
  } catch {
    // "Region is missing": nothing set.
    return undefined;
  } finally {
    sts.destroy();
  }
}

/** {@link checkRegion} against the region an SDK client is configured with (no call is made). */
export async function checkClientRegion(client: { config: { region: unknown } }, arns: readonly string[]) {
  const r = client.config.region;
  const region = typeof r === 'function' ? await r() : r;
  if (typeof region === 'string') checkRegion(region, arns);
}
