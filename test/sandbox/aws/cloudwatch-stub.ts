import { AwsError, type AwsServiceHandler, invalidAction } from '../../../src/sandbox/aws/errors.ts';

/** A trivial CloudWatch handler for protocol tests: fixed results, one error, inputs recorded. */
export const ALARM_TIME = new Date(Date.UTC(2026, 0, 1, 12, 30, 15));

export function cloudWatchStub(): {
  handler: AwsServiceHandler;
  inputs: Array<{ op: string; input: any; protocol: string }>;
} {
  const inputs: Array<{ op: string; input: any; protocol: string }> = [];
  const handler: AwsServiceHandler = (op, input, ctx) => {
    inputs.push({ op, input, protocol: ctx.protocol });
    switch (op) {
      case 'ListMetrics':
        if (input.Namespace === 'Bad/Namespace')
          throw new AwsError('InvalidParameterValue', 'The namespace Bad/Namespace is not valid');
        return {
          Metrics: [
            {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCount',
              Dimensions: [{ Name: 'LoadBalancer', Value: 'app/edge/1330ec75395d8e31' }],
            },
          ],
        };
      case 'DescribeAlarms':
        return {
          MetricAlarms: [
            {
              AlarmName: 'edge-p99-latency',
              StateValue: 'ALARM',
              StateUpdatedTimestamp: ALARM_TIME,
              Threshold: 0.5,
              ActionsEnabled: true,
            },
          ],
          CompositeAlarms: [],
        };
      case 'GetMetricData':
        return { MetricDataResults: [], Messages: [] };
      default:
        throw invalidAction(op);
    }
  };
  return { handler, inputs };
}
