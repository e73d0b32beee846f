import { formatDuration } from '../../spec/duration.ts';
import type { Clock } from '../../util/clock.ts';
import type { AwsError } from '../aws/errors.ts';
import { parseMetricAlarm } from '../cloudwatch/alarm-config.ts';
import { CloudWatchModel } from '../cloudwatch/model.ts';
import { Elbv2Model } from '../elbv2/model.ts';
import { listenerArn, loadBalancerArn, ruleArn, targetGroupArn } from '../ids.ts';
import { ClusterStore } from '../kube/store.ts';
import { type SandboxLog, silentLog } from '../log.ts';
import type {
  AlarmDef,
  FaultDef,
  InitialRegistration,
  Scenario,
  TargetGroupDef,
  TrafficDef,
} from '../scenario/types.ts';
import { ClusterSim } from './cluster-sim.ts';
import { targetPortOf } from './endpoint-slices.ts';
import { AwsFaults } from './faults.ts';
import { registeredServicePort } from './initial-registration.ts';
import { NodeInstances } from './instances.ts';
import { REF, selectorMatches } from './kube-objects.ts';
import { addCounts, type Counts, LbMinute, minuteDatapoints, sampleHealth, zeroCounts } from './metrics.ts';
import { healthByZone } from './metrics-zones.ts';
import { createRandom, multinomial, poisson, type Random } from './prng.ts';
import { routeRequests } from './traffic.ts';
import { WorldClock } from './world-clock.ts';

export interface WorldOptions {
  scenario: Scenario;
  /** The base clock (ManualClock in tests, ScaledClock in the sandbox). */
  clock: Clock;
  /** Overrides the scenario's seed; default 1. */
  seed?: number;
  /** How long the world has been running before "now" (pods up, targets healthy, metric history). Default 5 min. */
  warmupMs?: number;
  /** Endpoints per EndpointSlice (Kubernetes' default --max-endpoints-per-slice is 100; at most 1000). */
  maxEndpointsPerSlice?: number;
  /** Where the world tells what it does: faults applied and ended, pods killed and created (info), weight changes (debug). */
  log?: SandboxLog;
}

/** A fault the world cannot carry out itself (it concerns the servers); the sandbox subscribes. */
export type ServerFault = { kind: 'watchDisconnect' | 'apiServerRestart'; cluster: string };

export interface ListenerTraffic {
  listenerArn: string;
  loadBalancerArn: string;
  rps: number;
  rules: { ruleArn: string; share: number }[];
}

const MINUTE = 60_000;

/**
 * The one simulated world behind the sandbox's endpoints (behaviour spec: src/sandbox/README.md).
 * It owns the ELBv2 and CloudWatch models and one ClusterStore + ClusterSim per cluster, all on one
 * WorldClock, and moves them forward together in discrete sub-steps with `advanceTo(t)`:
 * traffic of the sub-step (weights as they are at its start) → minute publication → faults due →
 * kubelets/controllers → ELB health checks → alarm evaluation. Deterministic for a seed.
 */
export class World {
  readonly clock: WorldClock;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly elbv2: Elbv2Model;
  readonly cloudwatch: CloudWatchModel;
  readonly clusters: ClusterSim[] = [];
  /** The clusters' nodes as EC2 instances, for instance target groups. */
  readonly instances = new NodeInstances(() => this.clusters);
  /** Virtual time the world calls "start" (faults' `at` counts from here). */
  readonly startedAt: number;
  /** Ground truth: cumulative counts per load balancer ARN and per target group ARN. */
  readonly truth = new Map<string, Counts>();
  /** The last published minute per load balancer (for status lines). */
  readonly lastMinute = new Map<string, { start: number; counts: Counts; groups: Map<string, Counts> }>();
  readonly awsFaults: AwsFaults;
  readonly traffic: ListenerTraffic[] = [];
  private readonly stepMs: number;
  private time: number;
  private readonly minutes = new Map<string, LbMinute>();
  private readonly faults: FaultDef[];
  private nextFault = 0;
  private readonly rngTraffic: Random;
  private readonly rngLag: Random;
  private readonly serverFaultListeners = new Set<(f: ServerFault) => void>();
  private advancing = false;
  private readonly log: SandboxLog;
  /** Faults with a duration that are under way, to log when each ends. */
  private running: { f: FaultDef; until: number }[] = [];
  private forcedAlarms: {
    alarm: string;
    state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    reason: string;
    until?: number;
  }[] = [];

  constructor(o: WorldOptions) {
    this.scenario = o.scenario;
    this.seed = o.seed ?? o.scenario.seed ?? 1;
    const root = createRandom(this.seed);
    this.rngTraffic = root.fork('traffic');
    this.rngLag = root.fork('metric-lag');
    this.clock = new WorldClock(o.clock);
    this.log = o.log ?? silentLog;
    this.stepMs = o.scenario.metrics.stepMs;
    this.startedAt = o.clock.now();
    const warmup = o.warmupMs ?? 5 * MINUTE;
    this.time = Math.floor((this.startedAt - warmup) / this.stepMs) * this.stepMs;
    this.faults = [...o.scenario.faults].sort((a, b) => a.atMs - b.atMs);
    const s = o.scenario;
    this.awsFaults = new AwsFaults(root.fork('aws-faults'), () => this.clock.now());

    this.elbv2 = this.clock.at(
      this.time,
      () =>
        new Elbv2Model({
          clock: this.clock,
          account: s.account,
          region: s.region,
          vpcCidrs: vpcCidrsOf(s),
          // A pod's zone is its node's; instances are the nodes (world/instances.ts).
          zoneOfIp: (ip) => this.clusters.find((c) => c.podsByIp.has(ip))?.podsByIp.get(ip)?.zone,
          instances: this.instances,
        }),
    );
    this.cloudwatch = this.clock.at(
      this.time,
      () => new CloudWatchModel({ clock: this.clock, account: s.account, region: s.region }),
    );
    this.elbv2.setProbe(({ id, port, at }) => {
      if (id.startsWith('i-')) return this.instances.probe(id, port, at);
      for (const c of this.clusters) {
        const r = c.probe(id, port, at);
        if (r) return r;
      }
      return 'timeout';
    });
    this.clock.at(this.time, () => {
      for (const c of s.clusters) {
        const store = new ClusterStore({ name: c.name, clock: this.clock });
        const rng = root.fork(`cluster:${c.name}`);
        const sim = new ClusterSim(c, store, rng, s.region, o.maxEndpointsPerSlice ?? 100, this.log);
        this.clusters.push(sim);
        sim.init(this.time, registrationsFrom(s, c.name));
      }
      this.buildLoadBalancing();
      for (const a of s.alarms) this.cloudwatch.putMetricAlarm(parseMetricAlarm(alarmInput(a)));
    });
    this.advanceTo(this.startedAt);
    // After the warm-up: the scenario's own listeners are not news, a client's change is.
    this.elbv2.onChange((e) => {
      if (e.type === 'actions') this.logWeights(e.arn);
    });
  }

  // ---------------------------------------------------------------- building

  private buildLoadBalancing(): void {
    const s = this.scenario;
    const tgArn = (name: string) => targetGroupArn(s, name);
    for (const tg of s.targetGroups) {
      this.elbv2.createTargetGroup({
        Name: tg.name,
        Protocol: tg.protocol,
        Port: tg.port,
        TargetType: tg.targetType,
        HealthCheckProtocol: tg.protocol,
        HealthCheckPath: tg.healthCheck.path,
        HealthCheckIntervalSeconds: tg.healthCheck.intervalSeconds,
        HealthCheckTimeoutSeconds: tg.healthCheck.timeoutSeconds,
        HealthyThresholdCount: tg.healthCheck.healthyThreshold,
        UnhealthyThresholdCount: tg.healthCheck.unhealthyThreshold,
        Matcher: { HttpCode: tg.healthCheck.matcher },
      });
      this.elbv2.call('ModifyTargetGroupAttributes', {
        TargetGroupArn: tgArn(tg.name),
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) }],
      });
    }
    const forward = (fw: { targetGroup: string; weight: number }[]) => [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: fw.map((w) => ({ TargetGroupArn: tgArn(w.targetGroup), Weight: w.weight })),
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ];
    for (const lb of s.loadBalancers) {
      const { arn } = this.elbv2.createLoadBalancer({ Name: lb.name, Type: 'application', Scheme: 'internet-facing' });
      for (const l of lb.listeners) {
        const { arn: lArn } = this.elbv2.createListener({
          LoadBalancerArn: arn,
          Port: l.port,
          Protocol: l.protocol,
          ...(l.certificateArn ? { Certificates: [{ CertificateArn: l.certificateArn }] } : {}),
          DefaultActions: forward(l.forward),
        });
        for (const r of l.rules) {
          this.elbv2.createRule({
            ListenerArn: lArn,
            Priority: r.priority,
            Conditions: r.conditions.map((c) =>
              c.field === 'path-pattern'
                ? { Field: 'path-pattern', PathPatternConfig: { Values: c.values } }
                : { Field: 'host-header', HostHeaderConfig: { Values: c.values } },
            ),
            Actions: forward(r.forward),
          });
        }
      }
    }
    for (const t of s.traffic) this.traffic.push(this.trafficOf(t));
    for (const tg of s.targetGroups) this.registerInitial(tg);
  }

  private trafficOf(t: TrafficDef): ListenerTraffic {
    const lbArn = loadBalancerArn(this.scenario, t.loadBalancer);
    const lArn = listenerArn(lbArn, t.port);
    return {
      listenerArn: lArn,
      loadBalancerArn: lbArn,
      rps: t.rps,
      rules: t.rules.map((r) => ({ ruleArn: ruleArn(lArn, r.priority), share: r.share })),
    };
  }

  /** Registers a cluster's ready endpoints of one Service port, once, as an existing controller left them. */
  private registerInitial(tg: TargetGroupDef): void {
    const reg = tg.registered;
    if (!reg) return;
    const cluster = this.cluster(reg.cluster);
    const svc = cluster.store.get(REF.services, reg.namespace, reg.service);
    const sp = registeredServicePort<{ port: number; name?: string; targetPort?: number | string }>(
      svc?.spec?.ports ?? [],
      reg.port,
    );
    if (!svc || !sp) return;
    const targets: { Id: string; Port: number }[] = [];
    for (const p of cluster.pods.values()) {
      if (p.namespace !== reg.namespace || !p.ready || p.terminating || !selectorMatches(svc.spec.selector, p.labels))
        continue;
      const port = targetPortOf(sp, p.containerPorts);
      if (port !== undefined) targets.push({ Id: p.ip, Port: port });
    }
    // Pods outside the load balancer's VPC are registered for every enabled zone.
    const zone = this.scenario.clusters.find((c) => c.name === reg.cluster)?.outsideVpc
      ? { AvailabilityZone: 'all' }
      : {};
    targets.sort((a, b) => (a.Id < b.Id ? -1 : 1));
    for (let i = 0; i < targets.length; i += 200) {
      const batch = targets.slice(i, i + 200).map((t) => ({ ...t, ...zone }));
      this.elbv2.registerTargets(targetGroupArn(this.scenario, tg.name), batch);
    }
  }

  // ---------------------------------------------------------------- lookups

  cluster(name: string): ClusterSim {
    const c = this.clusters.find((x) => x.name === name);
    if (!c) throw new RangeError(`no cluster named ${name}`);
    return c;
  }

  loadBalancerArn(name: string): string {
    return loadBalancerArn(this.scenario, name);
  }

  listenerArn(lbName: string, port: number): string {
    return listenerArn(this.loadBalancerArn(lbName), port);
  }

  targetGroupArn(name: string): string {
    return targetGroupArn(this.scenario, name);
  }

  /** The world's own virtual time (the end of the last processed sub-step). */
  get now(): number {
    return this.time;
  }

  onServerFault(fn: (f: ServerFault) => void): () => void {
    this.serverFaultListeners.add(fn);
    return () => this.serverFaultListeners.delete(fn);
  }

  /** For the AWS server: the error a scheduled fault makes this call return, if any. */
  awsFault(service: string, op: string): AwsError | undefined {
    return this.awsFaults.before(service, op);
  }

  // ---------------------------------------------------------------- time

  /**
   * Brings the world to virtual time `t`: every whole sub-step up to `t`, then the models to `t`
   * itself (so API answers reflect `t`). Times in the past are no-ops. Re-entrant calls (a model
   * callback asking the world to catch up while it is stepping) return at once.
   */
  advanceTo(t: number): void {
    if (this.advancing) return;
    this.advancing = true;
    try {
      while (this.time + this.stepMs <= t) this.step();
      this.clock.at(Math.max(t, this.time), () => this.settle(Math.max(t, this.time)));
    } finally {
      this.advancing = false;
    }
  }

  private step(): void {
    const from = this.time;
    const to = from + this.stepMs;
    // Traffic of [from, to) sees the listener weights and target health as they are at `from`.
    this.clock.at(from, () => this.runTraffic());
    this.time = to;
    this.clock.at(to, () => {
      if (to % MINUTE === 0) this.publishMinute(to - MINUTE);
      this.settle(to);
    });
  }

  private settle(t: number): void {
    while (
      this.nextFault < this.faults.length &&
      this.startedAt + (this.faults[this.nextFault] as FaultDef).atMs <= t
    ) {
      this.applyFault(this.faults[this.nextFault++] as FaultDef);
    }
    if (this.running.length && this.running.some((r) => r.until <= t)) this.endFaults(t);
    for (const c of this.clusters) {
      c.expireFaults(t);
      c.settle(t);
    }
    this.elbv2.advanceTo(t);
    // Pods may react to health changes only through clients (the agent), so one pass suffices.
    this.cloudwatch.advanceTo(t);
    // After evaluation, so a forced state is what clients see until the next evaluation (as after
    // SetAlarmState); a forced state with a duration is re-asserted after every evaluation until it ends.
    this.forcedAlarms = this.forcedAlarms.filter((f) => f.until === undefined || f.until > t);
    for (const f of this.forcedAlarms) {
      const a = this.cloudwatch.getAlarm(f.alarm);
      if (a && a.state.value !== f.state) this.cloudwatch.setAlarmState(f.alarm, f.state, f.reason);
    }
    this.forcedAlarms = this.forcedAlarms.filter((f) => f.until !== undefined);
  }

  private minute(lbArn: string): LbMinute {
    let m = this.minutes.get(lbArn);
    if (!m) {
      m = new LbMinute();
      this.minutes.set(lbArn, m);
    }
    return m;
  }

  private runTraffic(): void {
    const cache = new Map<string, ReturnType<Elbv2Model['targetsOf']>>();
    const targetsOf = (arn: string) => {
      let ts = cache.get(arn);
      if (!ts) {
        ts = this.elbv2.targetsOf(arn);
        cache.set(arn, ts);
      }
      return ts;
    };
    const backend = (ip: string, port: number) => {
      if (ip.startsWith('i-')) return this.instances.backend(ip, port);
      for (const c of this.clusters) if (c.podsByIp.has(ip)) return c.backend(ip, port);
      return { kind: 'gone' } as const;
    };
    for (const lt of this.traffic) {
      if (!this.elbv2.listeners.has(lt.listenerArn)) continue;
      const ctx = { rng: this.rngTraffic, targetsOf, backend, minute: this.minute(lt.loadBalancerArn) };
      const n = poisson(this.rngTraffic, (lt.rps * this.stepMs) / 1000);
      const rules = lt.rules.filter((r) => this.elbv2.rules.has(r.ruleArn));
      const shares = rules.map((r) => r.share);
      const split = multinomial(this.rngTraffic, n, [...shares, Math.max(0, 1 - shares.reduce((a, b) => a + b, 0))]);
      for (const [i, r] of rules.entries())
        routeRequests(ctx, split[i] as number, this.elbv2.forwardTargets(r.ruleArn));
      routeRequests(ctx, split[rules.length] as number, this.elbv2.forwardTargets(lt.listenerArn));
    }
    // Host counts: every group a listener of the load balancer uses, sampled each sub-step.
    for (const tg of this.elbv2.targetGroups.values()) {
      const lbArn = this.elbv2.loadBalancerOf(tg.arn);
      if (!lbArn) continue;
      let healthy = 0;
      let unhealthy = 0;
      let registered = 0;
      for (const t of targetsOf(tg.arn)) {
        if (t.state === 'healthy') healthy++;
        else if (t.state === 'unhealthy') unhealthy++;
        if (t.state !== 'draining') registered++;
      }
      const zones = this.elbv2.loadBalancers.get(lbArn)?.zones.map((z) => z.ZoneName) ?? [];
      sampleHealth(
        this.minute(lbArn).group(tg.arn),
        healthy,
        unhealthy,
        registered,
        healthByZone(targetsOf(tg.arn), zones),
      );
    }
  }

  private publishMinute(start: number): void {
    for (const [lbArn, m] of this.minutes) {
      const { min, max } = this.scenario.metrics.lagMs;
      const lag = Math.round((min + this.rngLag.next() * (max - min)) / 1000) * 1000;
      const zones = this.elbv2.loadBalancers.get(lbArn)?.zones.map((z) => z.ZoneName);
      for (const d of minuteDatapoints(lbArn, m, start, start + MINUTE + lag, zones)) this.cloudwatch.putDatum(d);
      const groups = new Map<string, Counts>();
      addCounts(this.truthOf(lbArn), m.counts);
      for (const [tgArn, g] of m.groups) {
        addCounts(this.truthOf(tgArn), g.counts);
        groups.set(tgArn, { ...g.counts });
      }
      this.lastMinute.set(lbArn, { start, counts: { ...m.counts }, groups });
    }
    this.minutes.clear();
  }

  private truthOf(arn: string): Counts {
    let c = this.truth.get(arn);
    if (!c) {
      c = zeroCounts();
      this.truth.set(arn, c);
    }
    return c;
  }

  // ---------------------------------------------------------------- faults

  private applyFault(f: FaultDef): void {
    const until = 'forMs' in f && f.forMs !== undefined ? this.startedAt + f.atMs + f.forMs : undefined;
    this.log.info({ ...faultFields(f), virtualTime: this.virtualTime() }, `fault ${f.kind} started`);
    if (until !== undefined) this.running.push({ f, until });
    switch (f.kind) {
      case 'errorRate':
        this.cluster(f.cluster).addOverride({ scope: f, errorRate: f.errorRate, ...(until ? { until } : {}) });
        return;
      case 'latency':
        this.cluster(f.cluster).addOverride({ scope: f, latencyMs: f.latencyMs, ...(until ? { until } : {}) });
        return;
      case 'failHealthChecks':
        for (const p of this.cluster(f.cluster).podsIn(f).slice(0, f.pods))
          p.healthFault = { mode: f.mode, ...(until ? { until } : {}) };
        return;
      case 'killPods':
        this.cluster(f.cluster).killPods(f, f.pods);
        return;
      case 'awsThrottle':
      case 'awsError':
        this.awsFaults.add(f, this.startedAt + f.atMs);
        return;
      case 'watchDisconnect':
      case 'apiServerRestart':
        for (const fn of this.serverFaultListeners) fn({ kind: f.kind, cluster: f.cluster });
        return;
      case 'alarmState':
        if (!this.cloudwatch.getAlarm(f.alarm)) {
          this.log.warn(
            { ...faultFields(f), virtualTime: this.virtualTime() },
            `fault alarmState names alarm "${f.alarm}", which does not exist (neither in the scenario nor created by a client); nothing to force until it does`,
          );
        }
        this.forcedAlarms.push({ alarm: f.alarm, state: f.state, reason: f.reason, ...(until ? { until } : {}) });
        return;
      case 'traffic': {
        const arn = this.listenerArn(f.loadBalancer, f.port);
        const lt = this.traffic.find((x) => x.listenerArn === arn);
        if (lt) lt.rps = f.rps;
        else this.traffic.push(this.trafficOf({ loadBalancer: f.loadBalancer, port: f.port, rps: f.rps, rules: [] }));
        return;
      }
    }
  }

  private virtualTime(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Logs the end of faults whose duration is over (their effects end in their own places). */
  private endFaults(t: number): void {
    for (const r of this.running) {
      if (r.until > t) continue;
      this.log.info({ ...faultFields(r.f), virtualTime: this.virtualTime() }, `fault ${r.f.kind} ended`);
    }
    this.running = this.running.filter((r) => r.until > t);
  }

  /** Debug: the forward weights of a listener or rule a client changed (traffic uses them from the next sub-step). */
  private logWeights(arn: string): void {
    // A listener's default rule changes under the listener's ARN too: one line, the listener's.
    if (this.elbv2.rules.get(arn)?.priority === 'default') return;
    const name = (tgArn: string) => this.elbv2.targetGroups.get(tgArn)?.name ?? tgArn;
    let weights: Record<string, number>;
    try {
      weights = Object.fromEntries(this.elbv2.forwardTargets(arn).map((w) => [name(w.targetGroupArn), w.weight]));
    } catch {
      return; // deleted since
    }
    this.log.debug(
      { arn, weights, virtualTime: this.virtualTime() },
      'forward weights changed; traffic follows from the next sub-step',
    );
  }

  close(): void {
    for (const c of this.clusters) c.close();
  }
}

/**
 * The load balancer VPC's CIDRs: by default 10.0.0.0/8, so every cluster is inside; with a cluster
 * `outsideVpc`, the default VPC range 172.31.0.0/16 plus the pod ranges of the clusters inside.
 */
function vpcCidrsOf(s: Scenario): string[] | undefined {
  if (!s.clusters.some((c) => c.outsideVpc)) return undefined;
  return ['172.31.0.0/16', ...s.clusters.filter((c) => !c.outsideVpc).map((c) => c.podCidr)];
}

/** A scenario's initial registrations whose pods come from one cluster. */
function registrationsFrom(s: Scenario, cluster: string): InitialRegistration[] {
  return s.targetGroups.flatMap((tg) => (tg.registered?.cluster === cluster ? [tg.registered] : []));
}

/** A fault as a log line shows it: its fields as the scenario file names them, durations readable. */
function faultFields(f: FaultDef): Record<string, unknown> {
  const { atMs, ...rest } = f;
  const out: Record<string, unknown> = { ...rest, at: formatDuration(atMs) };
  if ('forMs' in f && f.forMs !== undefined) {
    delete out.forMs;
    out.for = formatDuration(f.forMs);
  }
  if (f.kind === 'latency') {
    delete out.latencyMs;
    out.latency = formatDuration(f.latencyMs);
  }
  return out;
}

/** A scenario alarm as PutMetricAlarm input. */
function alarmInput(a: AlarmDef): Record<string, any> {
  return {
    AlarmName: a.name,
    Namespace: a.namespace,
    MetricName: a.metricName,
    Dimensions: a.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    ...(a.statistic ? { Statistic: a.statistic } : { ExtendedStatistic: a.extendedStatistic }),
    Period: a.periodSeconds,
    EvaluationPeriods: a.evaluationPeriods,
    ...(a.datapointsToAlarm ? { DatapointsToAlarm: a.datapointsToAlarm } : {}),
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    TreatMissingData: a.treatMissingData,
  };
}
