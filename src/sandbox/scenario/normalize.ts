import { certificateArn, loadBalancerArn, targetGroupArn } from '../ids.ts';
import type {
  AlarmDef,
  ClusterDef,
  FaultDef,
  FaultTrigger,
  InitialRegistration,
  NoiseDef,
  Scenario,
  ServicePortDef,
  WeightedTargetGroup,
} from './types.ts';

/**
 * The checked document (durations in ms, percentages as fractions, static defaults filled in by
 * check-shape) as the world's `Scenario`: defaults that depend on other fields, renamed fields,
 * alarm dimensions by ARN suffix. No checking here; only called on a document without errors.
 */
export function normalize(raw: any): Scenario {
  const lag = raw.metrics.lag ?? { min: 60_000, max: 120_000 };
  const s: Scenario = {
    region: raw.region,
    account: raw.account,
    metrics: { lagMs: typeof lag === 'number' ? { min: lag, max: lag } : lag, stepMs: raw.metrics.step },
    loadBalancers: raw.loadBalancers.map((lb: any) => ({
      name: lb.name,
      listeners: lb.listeners.map((l: any) => ({
        port: l.port,
        protocol: l.protocol,
        ...(l.protocol === 'HTTPS'
          ? { certificateArn: l.certificateArn ?? certificateArn(raw, `${lb.name}:${l.port}`) }
          : {}),
        forward: forward(l.forward),
        rules: l.rules.map((r: any) => ({
          priority: r.priority,
          conditions: [
            ...(r.pathPattern?.length ? [{ field: 'path-pattern' as const, values: r.pathPattern }] : []),
            ...(r.hostHeader?.length ? [{ field: 'host-header' as const, values: r.hostHeader }] : []),
          ],
          forward: forward(r.forward),
        })),
      })),
    })),
    targetGroups: raw.targetGroups.map((tg: any) => ({
      name: tg.name,
      targetType: tg.targetType,
      protocol: tg.protocol,
      port: tg.port,
      healthCheck: {
        path: tg.healthCheck.path,
        intervalSeconds: tg.healthCheck.interval / 1000,
        timeoutSeconds: tg.healthCheck.timeout / 1000,
        healthyThreshold: tg.healthCheck.healthyThreshold,
        unhealthyThreshold: tg.healthCheck.unhealthyThreshold,
        matcher: tg.healthCheck.matcher,
      },
      deregistrationDelaySeconds: tg.deregistrationDelay / 1000,
      registered: raw.preRegister === false ? null : registration(tg.registered),
    })),
    clusters: raw.clusters.map(cluster),
    traffic: raw.traffic.map((t: any) => ({ loadBalancer: t.loadBalancer, port: t.port, rps: t.rps, rules: t.rules })),
    alarms: [],
    faults: raw.faults.map(fault),
  };
  s.alarms = raw.alarms.map((a: any) => alarm(a, s));
  if (raw.seed !== undefined) s.seed = raw.seed;
  return s;
}

const forward = (m: Record<string, number>): WeightedTargetGroup[] =>
  Object.entries(m).map(([targetGroup, weight]) => ({ targetGroup, weight }));

function registration(r: any): InitialRegistration | null {
  if (r === 'none') return null;
  const out: InitialRegistration = { cluster: r.fromCluster, namespace: r.namespace, service: r.service };
  if (r.port !== undefined) out.port = r.port;
  return out;
}

function cluster(c: any, index: number): ClusterDef {
  const namespaces: string[] = [...c.namespaces];
  for (const o of [...c.services, ...c.workloads]) if (!namespaces.includes(o.namespace)) namespaces.push(o.namespace);
  return {
    name: c.name,
    podCidr: c.podCidr ?? `10.${index + 1}.0.0/16`,
    nodesPerZone: c.nodesPerZone,
    outsideVpc: c.outsideVpc ?? false,
    namespaces,
    services: c.services.map((svc: any) => ({
      name: svc.name,
      namespace: svc.namespace,
      selector: svc.selector,
      ports: svc.ports.map((p: any) => {
        const out: ServicePortDef = { port: p.port, targetPort: p.targetPort ?? p.port, protocol: 'TCP' };
        if (p.name !== undefined) out.name = p.name;
        return out;
      }),
    })),
    workloads: c.workloads.map((w: any) => ({
      name: w.name,
      namespace: w.namespace,
      replicas: w.replicas,
      labels: w.labels,
      containerPorts: w.containerPorts,
      readinessGates: w.readinessGates,
      errorRate: w.errorRate,
      latencyMs: w.latency,
      ...(w.capacity !== undefined ? { capacityRps: w.capacity } : {}),
      ...(w.noise ? { noise: noiseOf(w) } : {}),
      startDelayMs: w.startDelay,
      terminationGracePeriodSeconds: Math.round(w.terminationGracePeriod / 1000),
    })),
  };
}

function alarm(a: any, s: Scenario): AlarmDef {
  // Dimension values are what ALB publishes: the ARN suffixes `app/<name>/<id>` and `targetgroup/<name>/<id>`.
  const dimensions: AlarmDef['dimensions'] = [];
  if (a.loadBalancer !== undefined)
    dimensions.push({ name: 'LoadBalancer', value: loadBalancerArn(s, a.loadBalancer).split(':loadbalancer/')[1]! });
  if (a.targetGroup !== undefined)
    dimensions.push({
      name: 'TargetGroup',
      value: `targetgroup/${targetGroupArn(s, a.targetGroup).split(':targetgroup/')[1]}`,
    });
  for (const [name, value] of Object.entries(a.dimensions ?? {})) dimensions.push({ name, value: value as string });
  const out: AlarmDef = {
    name: a.name,
    namespace: a.namespace,
    metricName: a.metricName,
    dimensions,
    periodSeconds: a.period / 1000,
    evaluationPeriods: a.evaluationPeriods,
    threshold: a.threshold,
    comparisonOperator: a.comparisonOperator,
    treatMissingData: a.treatMissingData,
  };
  if (a.statistic !== undefined) out.statistic = a.statistic;
  if (a.extendedStatistic !== undefined) out.extendedStatistic = a.extendedStatistic;
  if (a.datapointsToAlarm !== undefined) out.datapointsToAlarm = a.datapointsToAlarm;
  return out;
}

/** A workload's noise with its means filled in from the workload's own error rate and latency. */
function noiseOf(w: any): NoiseDef {
  const out: NoiseDef = {};
  const { errorRate, latency } = w.noise;
  if (errorRate) out.errorRate = { mean: errorRate.mean ?? w.errorRate, band: errorRate.band };
  if (latency) out.latencyMs = { mean: latency.mean ?? w.latency, band: latency.band };
  return out;
}

/** The trigger of `when:`, its listener port defaulted. */
function trigger(when: any): FaultTrigger {
  const [kind, t] = when.share ? (['share', when.share] as const) : (['weightChange', when.weightChange] as const);
  return { kind, ...t };
}

/**
 * Fault fields as the file names them, renamed where the type says `…Ms`: `at`/`for` →
 * `atMs`/`forMs`; with `when`, its trigger and `after` as `atMs`.
 */
function fault(f: any): FaultDef {
  const { at, when, after, for: forMs, latency, ...rest } = f;
  return {
    atMs: when ? (after ?? 0) : at,
    ...(when ? { trigger: trigger(when) } : {}),
    ...rest,
    ...(forMs !== undefined ? { forMs } : {}),
    ...(latency !== undefined ? { latencyMs: latency } : {}),
  } as FaultDef;
}
