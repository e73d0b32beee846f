import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AwsError } from '../../../src/sandbox/aws/errors.ts';
import { startAwsServer } from '../../../src/sandbox/aws/server.ts';
import { createCloudWatchHandler } from '../../../src/sandbox/cloudwatch/handler.ts';
import type { CloudWatchModel } from '../../../src/sandbox/cloudwatch/model.ts';
import { awsClientConfig } from '../../helpers/aws-env.ts';

const notServed = () => {
  throw new AwsError('InvalidAction', 'not served in this test', 400);
};

/**
 * GIVEN-helper: `model` served alone on the sandbox endpoint (ephemeral loopback port), with a
 * real JS SDK client pointed at it. `close()` destroys the client and stops the server.
 */
export async function serveCloudWatch(
  model: CloudWatchModel,
): Promise<{ url: string; cw: CloudWatchClient; close(): Promise<void> }> {
  const server = await startAwsServer({
    services: { elbv2: notServed, cloudwatch: createCloudWatchHandler(model), sts: notServed },
  });
  const cw = new CloudWatchClient({ ...awsClientConfig(server.url), maxAttempts: 1 });
  return {
    url: server.url,
    cw,
    close: async () => {
      cw.destroy();
      await server.close();
    },
  };
}
