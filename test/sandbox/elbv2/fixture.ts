import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import { type AwsServer, startAwsServer } from '../../../src/sandbox/aws/server.ts';
import { createElbv2Handler } from '../../../src/sandbox/elbv2/handler.ts';
import { Elbv2Model } from '../../../src/sandbox/elbv2/model.ts';
import type { Elbv2ModelOptions } from '../../../src/sandbox/elbv2/state.ts';
import { createStsHandler, StsModel } from '../../../src/sandbox/sts/sts.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { awsClientConfig } from '../../helpers/aws-env.ts';

export interface ElbWorld {
  clock: ManualClock;
  model: Elbv2Model;
  sts: StsModel;
  server: AwsServer;
  elb: ElasticLoadBalancingV2Client;
  stsClient: STSClient;
  lbArn: string;
  listenerArn: string;
  blueArn: string;
  greenArn: string;
  close(): Promise<void>;
}

/**
 * GIVEN-helper: an ALB `edge` with an HTTP:80 listener forwarding to `web-blue`, an unattached
 * `web-green`, both ip target groups on port 8080, served over HTTP on an ephemeral port.
 */
export async function startElbWorld(
  o: { attachGreen?: boolean; model?: Omit<Elbv2ModelOptions, 'clock'> } = {},
): Promise<ElbWorld> {
  const clock = new ManualClock();
  const model = new Elbv2Model({ ...o.model, clock });
  const sts = new StsModel({ clock });
  const lbArn = model.createLoadBalancer({ Name: 'edge' }).arn;
  const blueArn = model.createTargetGroup({ Name: 'web-blue', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }).arn;
  const greenArn = model.createTargetGroup({ Name: 'web-green', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }).arn;
  const forward = o.attachGreen
    ? {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blueArn, Weight: 100 },
            { TargetGroupArn: greenArn, Weight: 0 },
          ],
        },
      }
    : { Type: 'forward', TargetGroupArn: blueArn };
  const listenerArn = model.createListener({
    LoadBalancerArn: lbArn,
    Protocol: 'HTTP',
    Port: 80,
    DefaultActions: [forward],
  }).arn;
  const server = await startAwsServer({
    services: { elbv2: createElbv2Handler(model), sts: createStsHandler(sts) },
    beforeRequest: () => model.sync(),
  });
  const elb = new ElasticLoadBalancingV2Client({ ...awsClientConfig(server.url), maxAttempts: 1 });
  const stsClient = new STSClient({ ...awsClientConfig(server.url), maxAttempts: 1 });
  return {
    clock,
    model,
    sts,
    server,
    elb,
    stsClient,
    lbArn,
    listenerArn,
    blueArn,
    greenArn,
    close: async () => {
      elb.destroy();
      stsClient.destroy();
      await server.close();
    },
  };
}

/** The error a rejected promise carries (fails when it resolves). */
export async function rejection(
  p: Promise<unknown>,
): Promise<Error & { Code?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as any;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** A forward action over `[arn, weight]` pairs, as a client writes it. */
export function weightedForward(groups: ReadonlyArray<readonly [string, number]>, order?: number) {
  return {
    Type: 'forward' as const,
    ...(order === undefined ? {} : { Order: order }),
    ForwardConfig: { TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) },
  };
}
