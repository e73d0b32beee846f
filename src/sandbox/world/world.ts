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
import { FaultEffects, faultFields } from './fault-effects.ts';
import { FaultScheduler } from './fault-scheduler.ts';
import { AwsFaults } from './faults.ts';
import { registeredServicePort } from './initial-registration.ts';
import { NodeInstances } from './instances.ts';
import { REF, selectorMatches } from './kube-objects.ts';
import { addCounts, type Counts, LbMinute, minuteDatapoints, sampleHealth, zeroCounts } from './metrics.ts';
import { healthByZone } from './metrics-zones.ts';
import type { NodeInfo } from './nodes.ts';
import { NOISE_PERIOD_MS, WorkloadNoise } from './noise.ts';
import { createRandom, multinomial, poisson, type Random } from './prng.ts';
import { type GroupPlan, groupPlan, routeRequests } from './traffic.ts';
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
  private readonly faults: FaultScheduler;
  private readonly noise: WorkloadNoise[] = [];
  /** Traffic plans per target group, valid while `plansVersion` matches the clusters' versions. */
  private readonly plans = new Map<string, GroupPlan>();
  private plansVersion = -1;
  /** `10.N.` → the cluster whose pods have addresses in 10.N.0.0/16. */
  private readonly ipPrefixes: [string, ClusterSim][] = [];
  private readonly rngTraffic: Random;
  private readonly rngLag: Random;
  private readonly serverFaultListeners = new Set<(f: ServerFault) => void>();
  private advancing = false;
  private readonly log: SandboxLog;
  private readonly effects: FaultEffects;

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
    this.faults = new FaultScheduler(
      s,
      this.startedAt,
      this.elbv2,
      () => this.clock.now(),
      (f, dueAt) =>
        this.log.info(
          { ...faultFields(f), startsAt: new Date(dueAt).toISOString(), virtualTime: this.virtualTime() },
          `fault ${f.kind} triggered`,
        ),
    );
    this.effects = new FaultEffects({
      scenario: s,
      elbv2: this.elbv2,
      cloudwatch: this.cloudwatch,
      awsFaults: this.awsFaults,
      log: this.log,
      now: () => this.clock.now(),
      cluster: (name) => this.cluster(name),
      setRps: (lb, port, rps) => {
        const arn = this.listenerArn(lb, port);
        const lt = this.traffic.find((x) => x.listenerArn === arn);
        if (lt) lt.rps = rps;
        else this.traffic.push(this.trafficOf({ loadBalancer: lb, port, rps, rules: [] }));
      },
      serverFault: (f) => {
        for (const fn of this.serverFaultListeners) fn(f);
      },
    });
    // What targetsOf shows changed: that group's plan (or every plan) is stale.
    this.elbv2.onChange((e) => {
      if (e.type === 'health' || e.type === 'targets') this.plans.delete(e.targetGroupArn);
      else if (e.type === 'resources') this.plans.clear();
    });
    this.elbv2.setProbe(({ id, port, at }) =>
      id.startsWith('i-')
        ? this.instances.probe(id, port, at)
        : (this.clusterOfIp(id)?.probe(id, port, at) ?? 'timeout'),
    );
    this.clock.at(this.time, () => {
      for (const c of s.clusters) {
        const store = new ClusterStore({ name: c.name, clock: this.clock });
        const rng = root.fork(`cluster:${c.name}`);
        const sim = new ClusterSim(c, store, rng, s.region, o.maxEndpointsPerSlice ?? 100, this.log);
        this.clusters.push(sim);
        this.ipPrefixes.push([`${c.podCidr.split('.').slice(0, 2).join('.')}.`, sim]);
        sim.init(this.time, registrationsFrom(s, c.name));
        for (const w of c.workloads) {
          if (!w.noise) continue;
          const n = new WorkloadNoise(c.name, w, root.fork(`noise:${c.name}/${w.namespace}/${w.name}`));
          this.noise.push(n);
          sim.addBaseline(n.override);
        }
      }
      this.buildLoadBalancing();
      for (const a of s.alarms) this.cloudwatch.putMetricAlarm(parseMetricAlarm(alarmInput(a)));
    });
    this.advanceTo(this.startedAt);
    this.faults.arm();
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

  /** A cluster's nodes (`{name, zone, instanceId, internalIp}`), for instance targets. */
  nodes(cluster: string): readonly NodeInfo[] {
    return this.cluster(cluster).nodes();
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
      if (this.noise.length && to % NOISE_PERIOD_MS === 0) this.moveNoise();
      this.settle(to);
    });
  }

  private settle(t: number): void {
    // A fault may fire another's trigger (modifyWeights → weightChange): take until none is due.
    for (let due = this.faults.takeDue(t); due.length; due = this.faults.takeDue(t))
      for (const { f, start } of due) this.effects.apply(f, start);
    this.effects.endFaults(t);
    for (const c of this.clusters) {
      c.expireFaults(t);
      c.settle(t);
    }
    this.elbv2.advanceTo(t);
    // Pods may react to health changes only through clients (the agent), so one pass suffices.
    this.cloudwatch.advanceTo(t);
    this.effects.forceAlarms(t);
  }

  private minute(lbArn: string): LbMinute {
    let m = this.minutes.get(lbArn);
    if (!m) {
      m = new LbMinute();
      this.minutes.set(lbArn, m);
    }
    return m;
  }

  /** Moves every workload's noise one period on (the pods' behaviour follows). */
  private moveNoise(): void {
    for (const n of this.noise) n.step();
    for (const c of this.clusters) if (this.noise.some((n) => n.cluster === c.name)) c.refreshBehaviour();
  }

  /**
   * The cluster whose pod range (`10.N.0.0/16`, distinct per cluster) holds an address: health
   * checks ask for every target every interval, so this is a prefix test, not a lookup per cluster.
   */
  private clusterOfIp(ip: string): ClusterSim | undefined {
    for (const [prefix, c] of this.ipPrefixes) if (ip.startsWith(prefix)) return c;
    return undefined;
  }

  /** A target group's plan for traffic and host counts, rebuilt only when targets, health or pods changed. */
  private plan(tgArn: string): GroupPlan {
    let version = 0;
    for (const c of this.clusters) version += c.version;
    if (version !== this.plansVersion) {
      this.plans.clear();
      this.plansVersion = version;
    }
    let p = this.plans.get(tgArn);
    if (!p) {
      p = groupPlan(this.elbv2.targetsOf(tgArn), (ip, port) =>
        ip.startsWith('i-')
          ? this.instances.backend(ip, port)
          : (this.clusterOfIp(ip)?.backend(ip, port) ?? { kind: 'gone' }),
      );
      this.plans.set(tgArn, p);
    }
    return p;
  }

  private runTraffic(): void {
    const plan = (arn: string) => this.plan(arn);
    const stepSeconds = this.stepMs / 1000;
    for (const lt of this.traffic) {
      if (!this.elbv2.listeners.has(lt.listenerArn)) continue;
      const ctx = { rng: this.rngTraffic, plan, minute: this.minute(lt.loadBalancerArn), stepSeconds };
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
      const p = this.plan(tg.arn);
      const zones = this.elbv2.loadBalancers.get(lbArn)?.zones.map((z) => z.ZoneName) ?? [];
      sampleHealth(
        this.minute(lbArn).group(tg.arn),
        p.healthy,
        p.unhealthy,
        p.registered,
        healthByZone(this.elbv2.targetsOf(tg.arn), zones),
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

  /** When a scenario fault started (undefined: not yet, e.g. its trigger has not fired). */
  faultStart(f: FaultDef): number | undefined {
    return this.faults.startOf(f);
  }

  private virtualTime(): string {
    return new Date(this.clock.now()).toISOString();
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
