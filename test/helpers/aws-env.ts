/**
 * SDK client configuration pointing a real AWS SDK v3 client at the sandbox endpoint, with dummy
 * credentials (the emulator accepts any). Example:
 * `new ElasticLoadBalancingV2Client(awsClientConfig(server.url))`.
 */
export function awsClientConfig(url: string): {
  endpoint: string;
  region: 'us-east-1';
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
}

/** Environment for AWS CLI child processes run against the sandbox (pass `--endpoint-url` too). */
export function awsCliEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}
