import { CutoverError, ExitCode, isCutoverError, NETWORK_ERROR_CODES, systemErrorCode } from '../errors.ts';

/**
 * AWS SDK errors → CutoverError, in one place. The SDK names a modelled error after its shape
 * (`ListenerNotFoundException`) and an unmodelled one after its wire code (`Throttling`,
 * `AccessDenied`); both are reduced to the wire code. By the time an error reaches here the SDK's
 * retry strategy has already retried what it could (throttling, 5xx, network).
 */
export interface AwsCallContext {
  /** The API operation, e.g. `ModifyListener`. */
  operation: string;
  /** The resource the call was about (shown as the offending value). */
  arn?: string;
  /** The rollout route the call was for, when there is one. */
  route?: string;
}

interface Mapping {
  code: string;
  what: string;
  hint: string;
  exitCode?: ExitCode;
  /** Whether the resource is the offending value (not for credentials: any call fails alike). */
  aboutResource?: false;
  /** No answer at all: the system error says it (`connect ECONNREFUSED 127.0.0.1:37777`), no AWS code. */
  network?: true;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'PriorRequestNotComplete',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthFailure']);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
]);
const INVALID = new Set([
  'ValidationError',
  'ValidationException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidParameterCombinationException',
  'MissingParameter',
  'MissingRequiredParameterException',
  'InvalidLoadBalancerAction',
  'InvalidConfigurationRequest',
  'OperationNotPermitted',
  'TooManyTags',
  'DuplicateTagKeys',
]);

const NOT_FOUND: Record<string, Mapping> = {
  ListenerNotFound: {
    code: 'E_AWS_LISTENER_NOT_FOUND',
    what: 'the listener does not exist',
    hint: 'check the listenerArn in the rollout (region and account included) and that the listener was not deleted',
  },
  RuleNotFound: {
    code: 'E_AWS_RULE_NOT_FOUND',
    what: 'the listener rule does not exist',
    hint: 'check the ruleArn in the rollout and that the rule was not deleted or recreated (a new rule has a new ARN)',
  },
  TargetGroupNotFound: {
    code: 'E_AWS_TARGET_GROUP_NOT_FOUND',
    what: 'a target group does not exist',
    hint: 'check the targetGroups ARNs in the rollout and that the groups were not deleted',
  },
  LoadBalancerNotFound: {
    code: 'E_AWS_LOAD_BALANCER_NOT_FOUND',
    what: 'the load balancer does not exist',
    hint: 'check the ARNs in the rollout (region and account included)',
  },
};

/** The wire error code of an SDK error (`ListenerNotFoundException` → `ListenerNotFound`). */
export function awsErrorCode(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const err = e as { name?: unknown; Code?: unknown };
  const raw = typeof err.Code === 'string' ? err.Code : typeof err.name === 'string' ? err.name : undefined;
  if (raw === undefined || !raw.endsWith('Exception')) return raw;
  // Modelled SDK exceptions carry the suffix; codes AWS itself spells with it are kept.
  const base = raw.slice(0, -'Exception'.length);
  const known = (c: string) =>
    Object.hasOwn(NOT_FOUND, c) || THROTTLING.has(c) || ACCESS_DENIED.has(c) || INVALID.has(c);
  return known(raw) || !known(base) ? raw : base;
}

/** The IAM action of an operation, for hints (`elasticloadbalancing:ModifyListener`). */
export function iamAction(operation: string): string {
  const prefix = ['GetMetricData', 'DescribeAlarms', 'DescribeAlarmHistory'].includes(operation)
    ? 'cloudwatch'
    : ['GetCallerIdentity', 'AssumeRole'].includes(operation)
      ? 'sts'
      : 'elasticloadbalancing';
  return `${prefix}:${operation}`;
}

/** The variable naming each service's endpoint, as the SDK reads it (AWS_ENDPOINT_URL_<service id>). */
const ENDPOINT_VARIABLES: Record<string, string> = {
  elasticloadbalancing: 'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
  cloudwatch: 'AWS_ENDPOINT_URL_CLOUDWATCH',
  sts: 'AWS_ENDPOINT_URL_STS',
};

/**
 * The endpoint the SDK sends an operation to when the environment overrides AWS's own — the
 * service's AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true — with the variable it came from.
 */
export function configuredEndpoint(
  operation: string,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; variable: string } | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  const service = iamAction(operation).split(':')[0]!;
  for (const variable of [ENDPOINT_VARIABLES[service], 'AWS_ENDPOINT_URL']) {
    const url = variable ? env[variable] : undefined;
    if (variable && url) return { url, variable };
  }
  return undefined;
}

function mappingFor(code: string | undefined, e: unknown, ctx: AwsCallContext, env: NodeJS.ProcessEnv): Mapping {
  const net = systemErrorCode(e);
  if ((net && NETWORK_ERROR_CODES.has(net)) || (e as { name?: unknown })?.name === 'TimeoutError') {
    const custom = configuredEndpoint(ctx.operation, env);
    return custom
      ? {
          code: 'E_AWS_UNREACHABLE',
          what: `cannot reach the AWS endpoint ${custom.url} from ${custom.variable} — is it running?`,
          hint: `start what serves ${custom.url} (for the sandbox: \`cutover sandbox\`, then \`source .sandbox/env\` again — its ports change at every start), or unset ${custom.variable} to call AWS itself`,
          exitCode: ExitCode.internal,
          aboutResource: false,
          network: true,
        }
      : {
          code: 'E_AWS_UNREACHABLE',
          what: 'cannot reach AWS',
          hint: "check the network connection and proxy settings (HTTPS_PROXY), and that spec.region is the listener's region; if it persists, check the AWS Health Dashboard for the region",
          exitCode: ExitCode.internal,
          aboutResource: false,
          network: true,
        };
  }
  if (code && Object.hasOwn(NOT_FOUND, code)) return NOT_FOUND[code]!;
  if (code && THROTTLING.has(code)) {
    return {
      code: 'E_AWS_THROTTLED',
      what: 'AWS kept throttling the call after every retry',
      hint: 'another tool may be using the same account and region heavily; wait and run again (the driver resumes from its state tags)',
      exitCode: ExitCode.internal,
    };
  }
  if (code && ACCESS_DENIED.has(code)) {
    return {
      code: 'E_AWS_ACCESS_DENIED',
      what: 'the credentials are not allowed to make this call',
      hint:
        ctx.operation === 'AssumeRole'
          ? `the trust policy of ${ctx.arn ?? 'the role'} must let the identity in use assume it, and the cluster's assumeRole.externalId must match its sts:ExternalId condition`
          : `allow ${iamAction(ctx.operation)}${ctx.arn ? ` on ${ctx.arn}` : ''} for the identity in use (check AWS_PROFILE and the cluster's assumeRole), or use another profile or role`,
    };
  }
  if (code && BAD_CREDENTIALS.has(code)) {
    return {
      code: 'E_AWS_BAD_CREDENTIALS',
      what: 'AWS rejected the credentials (unknown, expired or malformed)',
      hint: 'refresh them (e.g. `aws sso login`) or check AWS_PROFILE / AWS_ACCESS_KEY_ID',
      aboutResource: false,
    };
  }
  if (code === 'CredentialsProviderError' || (e as { name?: string })?.name === 'CredentialsProviderError') {
    return {
      code: 'E_AWS_NO_CREDENTIALS',
      what: 'no AWS credentials were found',
      hint: 'set AWS_PROFILE (then `aws sso login` for SSO profiles), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance or pod role is available',
      aboutResource: false,
    };
  }
  if (code && INVALID.has(code)) {
    return {
      code: 'E_AWS_INVALID_REQUEST',
      what: 'AWS rejected the request as invalid',
      hint: 'the message above says which value; fix the rollout or the resource it names',
    };
  }
  const custom = configuredEndpoint(ctx.operation, env);
  return {
    code: 'E_AWS_CALL_FAILED',
    what: 'the AWS call failed',
    hint: custom
      ? `retry later; the call went to ${custom.url} (${custom.variable}), not AWS: if it persists, look there`
      : 'retry later; if it persists, check the AWS Health Dashboard for the region',
    exitCode: ExitCode.internal,
  };
}

/**
 * The CutoverError for an AWS SDK failure (a CutoverError passes through unchanged). `env` is
 * where the SDK found its endpoints (process.env: it reads no other).
 */
export function toCutoverError(e: unknown, ctx: AwsCallContext, env: NodeJS.ProcessEnv = process.env): CutoverError {
  if (isCutoverError(e)) return e;
  const code = awsErrorCode(e);
  const m = mappingFor(code, e, ctx, env);
  const detail = e instanceof Error && e.message ? e.message : String(e);
  const where = ctx.route ? ` for route "${ctx.route}"` : '';
  const why = m.network ? detail : `${code ?? 'error'}: ${detail}`;
  return new CutoverError(m.code, `${ctx.operation}${where} failed: ${m.what} (${why})`, {
    value: m.aboutResource === false ? undefined : ctx.arn,
    hint: m.hint,
    exitCode: m.exitCode ?? ExitCode.invalid,
    cause: e,
  });
}

/** Runs one AWS call, mapping its failure with {@link toCutoverError}. */
export async function awsCall<T>(ctx: AwsCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toCutoverError(e, ctx);
  }
}
