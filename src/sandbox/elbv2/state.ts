import type { Clock } from '../../util/clock.ts';
import { AwsError } from '../aws/errors.ts';
import { id16, SANDBOX_ACCOUNT, SANDBOX_REGION } from '../ids.ts';
import { forwardTargetGroups } from './actions.ts';
import { beginDraining, beginRegistration, markNotInUse, step } from './health.ts';
import { type AddressPolicy, parseCidr } from './target-address.ts';
import type {
  Elbv2Change,
  ListenerRecord,
  LoadBalancerRecord,
  Probe,
  RuleRecord,
  TargetGroupRecord,
  TargetRecord,
} from './types.ts';

export interface Elbv2ModelOptions {
  clock: Clock;
  account?: string;
  region?: string;
  /** The sandbox VPC. Its CIDRs default to 10.0.0.0/8 so both clusters' pod IPs are "in the VPC". */
  vpcId?: string;
  vpcCidrs?: string[];
  /** Availability Zones of the VPC (default: <region>a, b, c). */
  zones?: string[];
  /** How long a target shows Elb.RegistrationInProgress before its first health check [U]. */
  registrationDelayMs?: number;
  probe?: Probe;
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
  readonly addressPolicy: AddressPolicy;
  readonly registrationDelayMs: number;
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  readonly listeners = new Map<string, ListenerRecord>();
  readonly rules = new Map<string, RuleRecord>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  /** Target group ARN → the load balancer whose listeners/rules forward to it. */
  usage = new Map<string, string>();
  probe: Probe;
  private readonly subscribers = new Set<(e: Elbv2Change) => void>();
  private processedUpTo: number;
  private advancing = false;

  constructor(o: Elbv2ModelOptions) {
    this.clock = o.clock;
    this.account = o.account ?? SANDBOX_ACCOUNT;
    this.region = o.region ?? SANDBOX_REGION;
    this.vpcId = o.vpcId ?? `vpc-${id16(`vpc:${this.account}:${this.region}`).slice(0, 17)}`;
    this.zones = o.zones ?? ['a', 'b', 'c'].map((z) => `${this.region}${z}`);
    this.addressPolicy = { vpcCidrs: (o.vpcCidrs ?? ['10.0.0.0/8']).map(parseCidr), zones: this.zones };
    this.registrationDelayMs = o.registrationDelayMs ?? 10_000;
    this.probe = o.probe ?? (() => 'pass');
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
    for (const fn of this.subscribers) fn(e);
  }

  setProbe(fn: Probe): void {
    this.probe = fn;
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
        if (is) beginRegistration(t, now, this.registrationDelayMs);
        else markNotInUse(t);
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
    if (this.usage.has(tg.arn)) beginRegistration(t, this.clock.now(), this.registrationDelayMs);
    else markNotInUse(t);
  }

  /** Deregisters: draining for the group's deregistration delay, or gone at once when nothing drains. */
  stopTarget(tg: TargetGroupRecord, key: string, t: TargetRecord): void {
    const delayMs = Number(tg.attributes.get('deregistration_delay.timeout_seconds') ?? 300) * 1000;
    // [U] An unused group has no connections to drain: the target is removed at once.
    if (!this.usage.has(tg.arn) || delayMs === 0) {
      tg.targets.delete(key);
      return;
    }
    beginDraining(t, this.clock.now(), delayMs);
    this.emitHealth(tg, t);
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

  private runDueEvents(t: number): void {
    // A heap of due events, ordered by time, then by (group, target) creation order.
    const heap = new EventHeap();
    let seq = 0;
    for (const tg of this.targetGroups.values()) {
      for (const [key, rec] of tg.targets) {
        if (rec.nextEventAt !== undefined && rec.nextEventAt <= t)
          heap.push({ at: rec.nextEventAt, seq: seq++, tg, key, rec });
      }
    }
    for (let e = heap.pop(); e; e = heap.pop()) {
      const { tg, key, rec, at } = e;
      // Skip events made stale by an earlier one (e.g. the target was removed).
      if (tg.targets.get(key) !== rec || rec.nextEventAt !== at || this.targetGroups.get(tg.arn) !== tg) continue;
      const outcome = step(rec, tg.healthCheck, () =>
        this.probe({ targetGroupArn: tg.arn, id: rec.id, port: rec.port, at }),
      );
      if (outcome === 'removed') {
        tg.targets.delete(key);
        this.emit({ type: 'targets', targetGroupArn: tg.arn });
        continue;
      }
      if (outcome === 'changed') {
        if (rec.state === 'healthy') this.maybeSlowStart(tg, rec, at);
        this.emitHealth(tg, rec);
      }
      if (rec.nextEventAt !== undefined && rec.nextEventAt <= t) heap.push({ ...e, at: rec.nextEventAt });
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
  seq: number;
  tg: TargetGroupRecord;
  key: string;
  rec: TargetRecord;
}

/** Binary min-heap on (at, seq). */
class EventHeap {
  private readonly items: DueEvent[] = [];

  private less(a: DueEvent, b: DueEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  push(e: DueEvent): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): DueEvent | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
