import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.ts';
import type { RouteRef } from '../../src/aws/ports.ts';
import { AwsError } from '../../src/sandbox/aws/errors.ts';
import { type AwsServer, startAwsServer } from '../../src/sandbox/aws/server.ts';
import { CloudWatchModel, createCloudWatchHandler } from '../../src/sandbox/cloudwatch/index.ts';
import { createElbv2Handler } from '../../src/sandbox/elbv2/handler.ts';
import { Elbv2Model } from '../../src/sandbox/elbv2/model.ts';
import { createStsHandler, StsModel } from '../../src/sandbox/sts/sts.ts';
import { ManualClock } from '../../src/util/clock.ts';

export const T0 = Date.UTC(2026, 0, 1, 12);
export const DUMMY = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' };

/** Calls seen by the endpoint, and the faults to answer with (the sandbox server's fault hook). */
export class CallLog {
  readonly calls: Array<{ service: string; op: string; failed?: string }> = [];
  private readonly pending: Array<{ op: string; times: number; error: () => AwsError }> = [];

  /** The next `times` calls of `op` fail with `error` (AWS's Throttling by default). */
  failNext(op: string, times: number, error = () => new AwsError('Throttling', 'Rate exceeded', 400)): void {
    this.pending.push({ op, times, error });
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  before(service: string, op: string): AwsError | undefined {
    const fault = this.pending.find((f) => f.op === op && f.times > 0);
    const err = fault?.error();
    if (fault) fault.times -= 1;
    this.calls.push({ service, op, ...(err ? { failed: err.code } : {}) });
    return err;
  }
}

export interface AwsWorld {
  clock: ManualClock;
  elbModel: Elbv2Model;
  cwModel: CloudWatchModel;
  stsModel: StsModel;
  server: AwsServer;
  log: CallLog;
  clients: AwsClients;
  lbArn: string;
  listenerArn: string;
  blue: string;
  green: string;
  /** The default route: the listener, blue 100 / green 0. */
  route: RouteRef;
  close(): Promise<void>;
}

/**
 * GIVEN-helper: ELBv2, CloudWatch and STS emulators on one loopback endpoint, with an ALB `edge`
 * whose HTTP:80 listener forwards to `web-blue` (100) and `web-green` (0), and cutover's clients
 * pointed at it (adaptive retries, real SDK over HTTP).
 */
export async function startAwsWorld(): Promise<AwsWorld> {
  const clock = new ManualClock(T0);
  const elbModel = new Elbv2Model({ clock });
  const cwModel = new CloudWatchModel({ clock });
  const stsModel = new StsModel({ clock });
  const log = new CallLog();
  const lbArn = elbModel.createLoadBalancer({ Name: 'edge' }).arn;
  const tg = (Name: string) => elbModel.createTargetGroup({ Name, Protocol: 'HTTP', Port: 80, TargetType: 'ip' }).arn;
  const blue = tg('web-blue');
  const green = tg('web-green');
  const listenerArn = elbModel.createListener({
    LoadBalancerArn: lbArn,
    Protocol: 'HTTP',
    Port: 80,
    DefaultActions: [forwardTo({ [blue]: 100, [green]: 0 })],
  }).arn;
  const server = await startAwsServer({
    services: {
      elbv2: createElbv2Handler(elbModel),
      cloudwatch: createCloudWatchHandler(cwModel),
      sts: createStsHandler(stsModel),
    },
    faults: log,
    beforeRequest: () => elbModel.sync(),
  });
  const clients = createAwsClients({ region: 'us-east-1', clock, credentials: DUMMY, endpoint: server.url });
  const world: AwsWorld = {
    clock,
    elbModel,
    cwModel,
    stsModel,
    server,
    log,
    clients,
    lbArn,
    listenerArn,
    blue,
    green,
    route: { name: 'web', kind: 'listener', arn: listenerArn, targetGroups: { blue, green } },
    close: async () => {
      clients.destroy();
      await server.close();
    },
  };
  return world;
}

export function forwardTo(weights: Record<string, number>, extra: Partial<Action> = {}): Action {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: Object.entries(weights).map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
    },
    ...extra,
  } as Action;
}

/** The CutoverError (or any error) a promise rejects with; fails when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, the call succeeded');
}
