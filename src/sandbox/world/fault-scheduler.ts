import type { Elbv2Model } from '../elbv2/model.ts';
import { listenerArn, loadBalancerArn, ruleArn } from '../ids.ts';
import type { ActionRef, FaultDef, FaultTrigger, Scenario } from '../scenario/types.ts';

/** A fault waiting for its trigger, or for its time once the trigger fired. */
interface Pending {
  f: FaultDef;
  /** File order: ties between faults due at the same time start in this order. */
  index: number;
  /** When it starts; undefined while its trigger has not fired. */
  dueAt?: number;
  /** For weight-change triggers: changes seen so far and the weights last seen. */
  changes: number;
  lastWeights?: string;
}

/**
 * When each scenario fault starts (behaviour spec: src/sandbox/README.md, Faults). A fault starts
 * `at` after the world's start, or — with a trigger — `after` (`atMs`) once its trigger fired:
 * - `share`: the share of the action's total weight going to a cluster (the target groups
 *   registered from it) or to one target group first reaches `reaches` — checked once when the
 *   world starts and at every change of the action's weights;
 * - `weightChange`: the action's forward weights changed for the `count`-th time (a change that
 *   leaves every weight as it was does not count; changes by clients and by `modifyWeights` faults
 *   alike).
 * A trigger fires at the virtual time of the change itself (the API call's), and the fault is
 * applied in the first settle at or after its due time. Everything here runs on the world's clock
 * and its event callbacks, so a run with the same seed and the same client calls starts the same
 * faults at the same times.
 */
export class FaultScheduler {
  private readonly pending: Pending[];
  private readonly started = new Map<FaultDef, number>();
  private armed = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly startedAt: number,
    private readonly elbv2: Elbv2Model,
    private readonly now: () => number,
    /** Told when a trigger fires (the fault starts at `dueAt`). */
    private readonly onFire: (f: FaultDef, dueAt: number) => void = () => {},
  ) {
    this.pending = scenario.faults.map((f, index) => ({
      f,
      index,
      changes: 0,
      ...(f.trigger ? {} : { dueAt: startedAt + f.atMs }),
    }));
  }

  /** When a fault started (undefined: not yet). */
  startOf(f: FaultDef): number | undefined {
    return this.started.get(f);
  }

  /**
   * Arms the triggers (at the world's start): records the weights as they are, checks share
   * triggers against them, and follows every change of forward weights from now on.
   */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    for (const p of this.pending) {
      const t = p.f.trigger;
      if (!t) continue;
      if (t.kind === 'weightChange') p.lastWeights = this.weightsKey(t);
      else this.checkShare(p, t);
    }
    this.elbv2.onChange((e) => {
      if (e.type === 'actions') this.onActions(e.arn);
    });
  }

  /**
   * The faults due at or before `t`, in start order (time, then file order), each taken once,
   * with its start time. Call again after applying them: a fault may have fired another's trigger.
   */
  takeDue(t: number): { f: FaultDef; start: number }[] {
    const due = this.pending.filter((p) => p.dueAt !== undefined && p.dueAt <= t);
    if (due.length === 0) return [];
    due.sort((a, b) => (a.dueAt as number) - (b.dueAt as number) || a.index - b.index);
    for (const p of due) this.pending.splice(this.pending.indexOf(p), 1);
    return due.map((p) => {
      const start = p.dueAt as number;
      this.started.set(p.f, start);
      return { f: p.f, start };
    });
  }

  /** The earliest time a fault is due (undefined: none is, for now). */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending) if (p.dueAt !== undefined && (next === undefined || p.dueAt < next)) next = p.dueAt;
    return next;
  }

  private onActions(arn: string): void {
    for (const p of this.pending) {
      const t = p.f.trigger;
      if (!t || p.dueAt !== undefined || actionArn(this.scenario, t) !== arn) continue;
      if (t.kind === 'share') {
        this.checkShare(p, t);
        continue;
      }
      const key = this.weightsKey(t);
      if (key === undefined || key === p.lastWeights) continue;
      p.lastWeights = key;
      if (++p.changes >= t.count) this.fire(p);
    }
  }

  private checkShare(p: Pending, t: Extract<FaultTrigger, { kind: 'share' }>): void {
    const weights = this.weights(t);
    if (!weights) return;
    const groups = new Set(
      t.targetGroup !== undefined
        ? [t.targetGroup]
        : this.scenario.targetGroups.filter((g) => g.registered?.cluster === t.cluster).map((g) => g.name),
    );
    let total = 0;
    let mine = 0;
    for (const w of weights) {
      total += w.weight;
      if (groups.has(w.name)) mine += w.weight;
    }
    if (total > 0 && mine / total >= t.reaches - 1e-12) this.fire(p);
  }

  private fire(p: Pending): void {
    p.dueAt = Math.max(this.now(), this.startedAt) + p.f.atMs;
    this.onFire(p.f, p.dueAt);
  }

  /** The action's forward weights by target group name (undefined: the listener or rule is gone). */
  private weights(ref: ActionRef): { name: string; weight: number }[] | undefined {
    try {
      return this.elbv2.forwardTargets(actionArn(this.scenario, ref)).map((w) => ({
        name: this.elbv2.targetGroups.get(w.targetGroupArn)?.name ?? w.targetGroupArn,
        weight: w.weight,
      }));
    } catch {
      return undefined;
    }
  }

  private weightsKey(ref: ActionRef): string | undefined {
    const w = this.weights(ref);
    return w && JSON.stringify(w);
  }
}

/** The ARN a change of this action is announced under: the listener's, or its rule's. */
export function actionArn(s: Scenario, ref: ActionRef): string {
  const l = listenerArn(loadBalancerArn(s, ref.loadBalancer), ref.port);
  return ref.rule === undefined ? l : ruleArn(l, ref.rule);
}
