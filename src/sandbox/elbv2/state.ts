import type { Clock } from '../../util/clock.ts';
import { AwsError } from '../aws/errors.ts';
import { id16, SANDBOX_ACCOUNT, SANDBOX_REGION } from '../ids.ts';
import { forwardTargetGroups } from './actions.ts';
import { DueQueue } from './due-queue.ts';
import { beginDraining, beginRegistration, markNotInUse, step } from './health.ts';
import { DEFAULT_QUOTAS, type Elbv2Quotas } from './quotas.ts';
import { type AddressPolicy, type InstanceZones, parseCidr } from './target-address.ts';
import type {
  Elbv2Change,
  ListenerRecord,
  LoadBalancerRecord,
  Probe,
  RuleRecord,
  TargetGroupRecord,
  TargetRecord,
  TargetView,
} from './types.ts';

export interface Elbv2ModelOptions {
  clock: Clock;
  account?: string;
  region?: string;
  /** The sandbox VPC. Its CIDRs default to 10.0.0.0/8 so both clusters' pod IPs are "in the VPC". */
  vpcId?: string;
  vpcCidrs?: string[];
  /** Availability Zones of the VPC (default: <region>a, b, c), one subnet each. */
  zones?: string[];
  /** The zone of an in-VPC IP (the world: a pod's node's zone); default: by its third octet. */
  zoneOfIp?: (ip: string) => string | undefined;
  /** Which instances exist and where (the world's nodes); default: any well-formed id, zone by hash. */
  instances?: InstanceZones;
  /** How long a target shows Elb.RegistrationInProgress before its first health check [U]. */
  registrationDelayMs?: number;
  probe?: Probe;
  /** Adjustable quotas (default: AWS's, 1,000 targets per load balancer and per target group). */
  quotas?: Partial<Elbv2Quotas>;
}

/**
 * The ELBv2 world's state: resources, which target groups are in use, the target health engine
 * and change notifications. Operations live in `ops-*.ts`, which also use the mutators below;
 * `model.ts` puts them together.
 */
export class Elbv2State {
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  readonly vpcId: string;
  readonly zones: string[];
  /** One subnet per zone, `subnet-…` ids derived from the zone. */
  readonly subnets: ReadonlyArray<{ id: string; zone: string }>;
  readonly addressPolicy: AddressPolicy;
  readonly registrationDelayMs: number;
  readonly quotas: Elbv2Quotas;
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  readonly listeners = new Map<string, ListenerRecord>();
  readonly rules = new Map<string, RuleRecord>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  /** Target group ARN → the load balancer whose listeners/rules forward to it. */
  usage = new Map<string, string>();
  probe: Probe;
  private readonly subscribers = new Set<(e: Elbv2Change) => void>();
  /** Every target's next event (registration end, health check, drain end), earliest first. */
  private readonly due = new DueQueue<DueEvent>();
  private seq = 0;
  private readonly views = new Map<string, TargetView[]>();
  private processedUpTo: number;
  private advancing = false;

  constructor(o: Elbv2ModelOptions) {
    this.clock = o.clock;
    this.account = o.account ?? SANDBOX_ACCOUNT;
    this.region = o.region ?? SANDBOX_REGION;
    this.vpcId = o.vpcId ?? `vpc-${id16(`vpc:${this.account}:${this.region}`).slice(0, 17)}`;
    this.zones = o.zones ?? ['a', 'b', 'c'].map((z) => `${this.region}${z}`);
    this.subnets = this.zones.map((zone) => ({ id: `subnet-${id16(`subnet:${zone}`).slice(0, 17)}`, zone }));
    this.addressPolicy = {
      vpcCidrs: (o.vpcCidrs ?? ['10.0.0.0/8']).map(parseCidr),
      zones: this.zones,
      zoneOfIp: o.zoneOfIp,
      instances: o.instances,
    };
    this.registrationDelayMs = o.registrationDelayMs ?? 10_000;
    this.probe = o.probe ?? (() => 'pass');
    this.quotas = { ...DEFAULT_QUOTAS, ...o.quotas };
    this.processedUpTo = this.clock.now();
  }

  get arnContext() {
    return { account: this.account, region: this.region };
  }

  /** Subscribes to changes (weights, targets, health, resources); returns an unsubscribe function. */
  onChange(fn: (e: Elbv2Change) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  emit(e: Elbv2Change): void {
    // Every change of what targetsOf shows is announced, so this is where its cache is dropped.
    if (e.type === 'health' || e.type === 'targets') this.views.delete(e.targetGroupArn);
    else if (e.type === 'resources') this.views.clear();
    for (const fn of this.subscribers) fn(e);
  }

  /**
   * The targets of a group as the world reads them, rebuilt only after a change to them (the
   * world reads every group on every sub-step, and most checks change nothing). Views are frozen:
   * they are shared between calls.
   */
  targetViews(tg: TargetGroupRecord): TargetView[] {
    let views = this.views.get(tg.arn);
    if (!views) {
      views = [...tg.targets.values()].map((t) =>
        Object.freeze({
          id: t.id,
          port: t.port,
          state: t.state,
          reason: t.reason,
          description: t.description,
          availabilityZone: t.availabilityZone,
          registeredAt: t.registeredAt,
          slowStartUntil: t.slowStartUntil,
          drainingUntil: t.drainingUntil,
        }),
      );
      this.views.set(tg.arn, views);
    }
    return views.slice();
  }

  setProbe(fn: Probe): void {
    this.probe = fn;
  }

  /** A fresh creation-order number for a target group or a target (ties between due events). */
  nextSeq(): number {
    return ++this.seq;
  }

  // ---- lookups ----------------------------------------------------------------------------------

  lb(arn: string): LoadBalancerRecord {
    const lb = this.loadBalancers.get(arn);
    if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  listener(arn: string): ListenerRecord {
    const l = this.listeners.get(arn);
    if (!l) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`);
    return l;
  }

  rule(arn: string): RuleRecord {
    const r = this.rules.get(arn);
    if (!r) throw new AwsError('RuleNotFound', `Rule '${arn}' not found`);
    return r;
  }

  tg(arn: string): TargetGroupRecord {
    const t = this.targetGroups.get(arn);
    if (!t) throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
    return t;
  }

  rulesOfListener(listenerArn: string): RuleRecord[] {
    return [...this.rules.values()]
      .filter((r) => r.listenerArn === listenerArn)
      .sort((a, b) => (a.priority === 'default' ? 1 : b.priority === 'default' ? -1 : a.priority - b.priority));
  }

  defaultRule(listenerArn: string): RuleRecord {
    return this.rulesOfListener(listenerArn).find((r) => r.priority === 'default')!;
  }

  loadBalancerOf(tgArn: string): string | undefined {
    return this.usage.get(tgArn);
  }

  isInUse(tgArn: string): boolean {
    return this.usage.has(tgArn);
  }

  /**
   * Whether the load balancer `lbArn` sends traffic to a target in `zone`: one in a zone it has
   * not enabled is `unused`/`Target.NotInUse` (ALB-guide: "the target is in an Availability Zone
   * that is not enabled for the load balancer"); an `all` target is served from every enabled zone.
   */
  servesZone(lbArn: string | undefined, zone: string): boolean {
    if (lbArn === undefined) return false;
    if (zone === 'all') return true;
    return this.loadBalancers.get(lbArn)?.zones.some((z) => z.ZoneName === zone) ?? false;
  }

  /** The target groups a load balancer's listeners and rules forward to. */
  groupsOf(lbArn: string): TargetGroupRecord[] {
    const out: TargetGroupRecord[] = [];
    for (const [tgArn, lb] of this.usage) {
      const tg = this.targetGroups.get(tgArn);
      if (lb === lbArn && tg) out.push(tg);
    }
    return out;
  }

  // ---- usage ------------------------------------------------------------------------------------

  /**
   * Recomputes which target groups listeners/rules forward to (with any weight, 0 included [U])
   * and moves targets of groups that became used/unused. Call after every action change.
   */
  refreshUsage(): void {
    const next = new Map<string, string>();
    for (const r of this.rules.values()) {
      const l = this.listeners.get(r.listenerArn);
      if (!l) continue;
      for (const g of forwardTargetGroups(r.actions)) next.set(g.targetGroupArn, l.loadBalancerArn);
    }
    const now = this.clock.now();
    for (const tg of this.targetGroups.values()) {
      const was = this.usage.has(tg.arn);
      const is = next.has(tg.arn);
      if (was === is) continue;
      for (const t of tg.targets.values()) {
        if (t.state === 'draining') continue;
        if (is && !this.servesZone(next.get(tg.arn), t.availabilityZone)) continue;
        if (is) {
          beginRegistration(t, now, this.registrationDelayMs);
          this.schedule(tg, t);
        } else markNotInUse(t);
        this.emitHealth(tg, t);
      }
    }
    this.usage = next;
  }

  emitHealth(tg: TargetGroupRecord, t: TargetRecord): void {
    this.emit({ type: 'health', targetGroupArn: tg.arn, id: t.id, port: t.port, state: t.state, reason: t.reason });
  }

  /** Starts a target's life in `tg`: health checks when the group is used, `unused` otherwise. */
  startTarget(tg: TargetGroupRecord, t: TargetRecord): void {
    if (this.servesZone(this.usage.get(tg.arn), t.availabilityZone)) {
      beginRegistration(t, this.clock.now(), this.registrationDelayMs);
      this.schedule(tg, t);
    } else markNotInUse(t);
  }

  /** Deregisters: draining for the group's deregistration delay, or gone at once when nothing drains. */
  stopTarget(tg: TargetGroupRecord, key: string, t: TargetRecord): void {
    const delayMs = Number(tg.attributes.get('deregistration_delay.timeout_seconds') ?? 300) * 1000;
    // [U] An unused target (its group unused, or its zone not enabled) has no connections to
    // drain: it is removed at once.
    if (t.state === 'unused' || delayMs === 0) {
      tg.targets.delete(key);
      return;
    }
    beginDraining(t, this.clock.now(), delayMs);
    this.schedule(tg, t);
    this.emitHealth(tg, t);
  }

  /**
   * Queues the target's next event; call after every change of `nextEventAt`. An older queued
   * event of the target is left in place and skipped when it surfaces (its time no longer matches).
   */
  private schedule(tg: TargetGroupRecord, rec: TargetRecord): void {
    if (rec.nextEventAt === undefined) return;
    this.due.push({ at: rec.nextEventAt, order: [tg.seq, rec.seq], tg, key: `${rec.id}:${rec.port}`, rec });
  }

  // ---- time -------------------------------------------------------------------------------------

  /**
   * Runs every registration completion, health check and drain end due at or before `t`, in time
   * order across all targets (ties: target groups, then targets, in creation order). Idempotent;
   * times before the last processed instant are ignored.
   */
  advanceTo(t: number): void {
    // Re-entry (a subscriber reading the model while health events are emitted) sees the state
    // as of the event being processed rather than running the same events twice.
    if (t < this.processedUpTo || this.advancing) return;
    this.advancing = true;
    try {
      this.runDueEvents(t);
    } finally {
      this.advancing = false;
    }
    this.processedUpTo = t;
  }

  /**
   * Pops only the events that are due, so the cost follows the checks that run, not the number of
   * targets. Ties run in (group, target) creation order, which is also the order of the record maps.
   */
  private runDueEvents(t: number): void {
    for (let next = this.due.nextAt(); next !== undefined && next <= t; next = this.due.nextAt()) {
      for (const e of this.due.popBatch()) {
        const { tg, key, rec, at } = e;
        // Skip events made stale by a later change (removed, re-registered, rescheduled, unused).
        if (tg.targets.get(key) !== rec || rec.nextEventAt !== at || this.targetGroups.get(tg.arn) !== tg) continue;
        const outcome = step(rec, tg.healthCheck, () =>
          this.probe({ targetGroupArn: tg.arn, id: rec.id, port: rec.port, at }),
        );
        if (outcome === 'removed') {
          tg.targets.delete(key);
          this.emit({ type: 'targets', targetGroupArn: tg.arn });
          continue;
        }
        // Queued before subscribers hear of the change, so a re-entrant call sees a consistent queue.
        this.schedule(tg, rec);
        if (outcome === 'changed') {
          if (rec.state === 'healthy') this.maybeSlowStart(tg, rec, at);
          this.emitHealth(tg, rec);
        }
      }
    }
  }

  /** Brings health up to the clock; every operation calls it first. */
  sync(): void {
    this.advanceTo(this.clock.now());
  }

  /**
   * Slow start applies when a target turns healthy and at least one other healthy target of the
   * group is not itself in slow start (ALB-guide).
   */
  private maybeSlowStart(tg: TargetGroupRecord, rec: TargetRecord, at: number): void {
    const seconds = Number(tg.attributes.get('slow_start.duration_seconds') ?? 0);
    if (seconds <= 0) return;
    const anchor = [...tg.targets.values()].some(
      (o) => o !== rec && o.state === 'healthy' && (o.slowStartUntil === undefined || o.slowStartUntil <= at),
    );
    if (anchor) rec.slowStartUntil = at + seconds * 1000;
  }
}

interface DueEvent {
  at: number;
  order: readonly [number, number];
  tg: TargetGroupRecord;
  key: string;
  rec: TargetRecord;
}
