import type { AwsProtocol } from '../../../src/sandbox/aws/errors.ts';
import { createCloudWatchHandler } from '../../../src/sandbox/cloudwatch/handler.ts';
import { CloudWatchModel } from '../../../src/sandbox/cloudwatch/model.ts';
import { ManualClock } from '../../../src/util/clock.ts';

export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
export const MIN = 60_000;
export const LB = { Name: 'LoadBalancer', Value: 'app/edge/0123456789abcdef' };
export const TG = { Name: 'TargetGroup', Value: 'targetgroup/web-green/fedcba9876543210' };

/** A model on a ManualClock at T0 plus a direct caller of its handler (no HTTP). */
export function setup(start = T0) {
  const clock = new ManualClock(start);
  const model = new CloudWatchModel({ clock });
  const handler = createCloudWatchHandler(model);
  const call = async (op: string, input: Record<string, any>, protocol: AwsProtocol = 'json') =>
    (await handler(op, input, { requestId: 'test', protocol, service: 'cloudwatch', op })) as Record<string, any>;
  return { clock, model, call };
}

/** Publishes an ALB-style per-minute Sum for minute index `m` (minutes after T0). */
export function publish(
  model: CloudWatchModel,
  metricName: string,
  m: number,
  value: number,
  dims = [LB, TG],
  lagMin = 0,
): void {
  model.putDatum({
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: dims,
    timestamp: T0 + m * MIN,
    value,
    unit: 'Count',
    visibleAt: T0 + (m + 1 + lagMin) * MIN,
  });
}

export function metricStat(id: string, metricName: string, stat = 'Sum', period = 60, dims = [LB, TG]) {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metricName, Dimensions: dims },
      Period: period,
      Stat: stat,
    },
  };
}

/** Awaits `p` and returns the AwsError it rejects with (fails if it resolves). */
export async function errorOf(
  p: Promise<unknown> | (() => unknown),
): Promise<{ code: string; message: string; status: number }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e: any) {
    return e;
  }
  throw new Error('expected an error, got a result');
}
