/** The worlds the sandbox benchmark simulates, built from the default world. */
import { defaultScenario } from '../src/sandbox/scenario/default-world.ts';
import type { HealthCheckDef, Scenario } from '../src/sandbox/scenario/types.ts';

/** ELBv2's default health check settings for an HTTP target group (CreateTargetGroup API reference). */
export const AWS_DEFAULT_HEALTH_CHECK: Partial<HealthCheckDef> = {
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThreshold: 5,
  unhealthyThreshold: 2,
};

/**
 * `apps` copies of the default world's web app side by side: app i has a Service and a workload of
 * `podsPerWorkload` pods in each cluster, target groups `app<i>-blue`/`app<i>-green` (a target group
 * holds at most 1,000 targets) and its own listener on port 8000+i at 50/50, with `rpsPerApp`
 * requests per second; health checks as in the default world unless `healthCheck` changes them.
 */
export function big(
  apps: number,
  podsPerWorkload: number,
  rpsPerApp: number,
  healthCheck: Partial<HealthCheckDef> = {},
): Scenario {
  const s = defaultScenario();
  const first = s.targetGroups[0]!;
  const tgTemplate = { ...first, healthCheck: { ...first.healthCheck, ...healthCheck } };
  const svcTemplate = s.clusters[0]!.services[0]!;
  const wlTemplate = s.clusters[0]!.workloads[0]!;
  const names = [...Array(apps).keys()].map((i) => `app${i}`);
  s.targetGroups = names.flatMap((app) =>
    s.clusters.map((c) => ({
      ...tgTemplate,
      name: `${app}-${c.name}`,
      registered: { cluster: c.name, namespace: 'web', service: app },
    })),
  );
  for (const c of s.clusters) {
    c.services = names.map((app) => ({ ...svcTemplate, name: app, selector: { app } }));
    c.workloads = names.map((app) => ({ ...wlTemplate, name: app, labels: { app }, replicas: podsPerWorkload }));
  }
  s.loadBalancers[0]!.listeners = names.map((app, i) => ({
    port: 8000 + i,
    protocol: 'HTTP',
    forward: s.clusters.map((c) => ({ targetGroup: `${app}-${c.name}`, weight: 50 })),
    rules: [],
  }));
  s.traffic = names.map((_, i) => ({ loadBalancer: 'edge', port: 8000 + i, rps: rpsPerApp, rules: [] }));
  s.alarms = [];
  return s;
}
