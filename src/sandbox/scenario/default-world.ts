import { loadBalancerArn, SANDBOX_ACCOUNT, SANDBOX_REGION } from '../ids.ts';
import type { ClusterDef, HealthCheckDef, Scenario, TargetGroupDef } from './types.ts';

/**
 * The default world (no `--scenario`); scenarios/default.yaml spells the same world and a test
 * keeps the two equal. Choices made for a brisk demo: health checks every 10 s with a healthy
 * threshold of 2 (a new target turns healthy ~20 s after registration; AWS defaults are 30 s / 5),
 * a 30 s deregistration delay (AWS default 300 s), pods ready 5 s after creation.
 */
export function defaultScenario(): Scenario {
  const hc: HealthCheckDef = {
    path: '/healthz',
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    matcher: '200',
  };
  const tg = (name: string, cluster: string): TargetGroupDef => ({
    name,
    targetType: 'ip',
    protocol: 'HTTP',
    port: 80,
    healthCheck: { ...hc },
    deregistrationDelaySeconds: 30,
    registered: { cluster, namespace: 'web', service: 'web' },
  });
  const cluster = (name: string, n: number): ClusterDef => ({
    name,
    podCidr: `10.${n}.0.0/16`,
    nodesPerZone: 1,
    outsideVpc: false,
    namespaces: ['web'],
    services: [
      {
        name: 'web',
        namespace: 'web',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    ],
    workloads: [
      {
        name: 'web',
        namespace: 'web',
        replicas: 4,
        labels: { app: 'web' },
        containerPorts: [{ name: 'http', containerPort: 80 }],
        readinessGates: [],
        errorRate: 0.001,
        latencyMs: 25,
        startDelayMs: 5000,
        terminationGracePeriodSeconds: 30,
      },
    ],
  });
  const arnCtx = { region: SANDBOX_REGION, account: SANDBOX_ACCOUNT };
  return {
    region: SANDBOX_REGION,
    account: SANDBOX_ACCOUNT,
    metrics: { lagMs: { min: 60_000, max: 120_000 }, stepMs: 1000 },
    loadBalancers: [
      {
        name: 'edge',
        listeners: [
          {
            port: 80,
            protocol: 'HTTP',
            forward: [
              { targetGroup: 'web-blue', weight: 100 },
              { targetGroup: 'web-green', weight: 0 },
            ],
            rules: [],
          },
        ],
      },
    ],
    targetGroups: [tg('web-blue', 'blue'), tg('web-green', 'green')],
    clusters: [cluster('blue', 1), cluster('green', 2)],
    traffic: [{ loadBalancer: 'edge', port: 80, rps: 200, rules: [] }],
    alarms: [
      {
        name: 'edge-p99-latency',
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        dimensions: [
          { name: 'LoadBalancer', value: loadBalancerArn(arnCtx, 'edge').split(':loadbalancer/')[1] as string },
        ],
        extendedStatistic: 'p99',
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        threshold: 1,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      },
    ],
    faults: [],
  };
}
