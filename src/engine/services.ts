import { CutoverError, ExitCode, plural } from '../errors.ts';
import { checkCapacity } from '../plan/capacity.ts';
import type { Plan } from '../plan/plan-types.ts';
import { rollbackFrom } from '../plan/rollback.ts';
import type { Clock } from '../util/clock.ts';
import type { DriverEvent } from './events.ts';
import type { DriverPorts, RecordedPhase, RolloutRecord, RouteWeights, TargetGroupWeights } from './ports.ts';
import {
  decideStart,
  describeDrift,
  type StartOptions,
  type StartPoint,
  sameShares,
  sameSplit,
  splitOf,
} from './resume.ts';

/**
 * The work behind each state of the driver machine, as plain async functions over the ports.
 * Each one that changes AWS is idempotent (a resumed driver runs it again) and reads back what it
 * wrote. The machine (machine.ts) only decides which runs when.
 */
export interface DriverDeps {
  plan: Plan;
  specHash: string;
  ports: DriverPorts;
  clock: Clock;
  /** Who holds the lease: `user@host/pid`. */
  holder: string;
  options: DriverOptions;
  emit: (e: DriverEvent) => void;
}

export interface DriverOptions extends StartOptions {
  leaseTtlMs: number;
  /** How often operator commands (tags) and alarms are polled. */
  pollMs: number;
  /** Read-backs that may still show the old weights before a write counts as failed. */
  verifyAttempts: number;
}

export const DEFAULT_OPTIONS: DriverOptions = {
  takeOver: false,
  forceSpec: false,
  leaseTtlMs: 60_000,
  pollMs: 5_000,
  verifyAttempts: 5,
};

/** Live weights of every route. */
export async function readSplit(d: DriverDeps, signal?: AbortSignal): Promise<RouteWeights> {
  const out: RouteWeights = {};
  for (const r of d.plan.routes) out[r.name] = await d.ports.traffic.readWeights(r, signal);
  return out;
}

/**
 * Takes the lease, reads the record and the live weights, and decides where to start.
 *
 * The same reads and decision are made once before the lease, read-only: a rollout that cannot
 * start (no such listener or rule, no forward action, a target group missing from it, routes
 * off the starting split, no credentials) is refused with nothing written — not even a lease tag
 * a later run would have to wait out. The decision that counts is the one made under the lease.
 */
export async function load(d: DriverDeps, signal?: AbortSignal): Promise<StartPoint> {
  decideStart(d.plan, d.specHash, ...(await readStart(d, signal)), d.options);
  await d.ports.state.acquireLease(d.holder, d.clock.now(), d.options.leaseTtlMs, signal);
  const start = decideStart(d.plan, d.specHash, ...(await readStart(d, signal)), d.options);
  if (start.kind !== 'done' && start.note) d.emit({ type: 'start', step: start.step, detail: start.note });
  if (start.kind === 'resume') {
    d.emit({
      type: 'resumed',
      step: start.step,
      from: start.phase,
      ...(start.verifiedAt === undefined ? {} : { verifiedAt: start.verifiedAt }),
    });
  }
  return start;
}

/** The record and the live weights; the weights first, so a missing route is named as one. */
async function readStart(d: DriverDeps, signal?: AbortSignal): Promise<[RolloutRecord | undefined, RouteWeights]> {
  const live = await readSplit(d, signal);
  return [await d.ports.state.load(signal), live];
}

/** Saves the record; serialised so a later save never lands before an earlier one. */
export class Recorder {
  private chain: Promise<void> = Promise.resolve();
  private last: RolloutRecord;
  constructor(private readonly d: DriverDeps) {
    this.last = { rollout: d.plan.name, specHash: d.specHash, step: -1, phase: 'starting', weights: {} };
  }
  save(patch: Partial<RolloutRecord> & { phase: RecordedPhase }): Promise<void> {
    const record: RolloutRecord = { ...this.last, target: undefined, reason: undefined, ...patch };
    this.last = record;
    const next = this.chain.then(() => this.d.ports.state.save(record));
    // A failed save is reported by whoever awaits it; the chain goes on for later saves.
    this.chain = next.catch(() => undefined);
    return next;
  }
  get current(): RolloutRecord {
    return this.last;
  }
}

export class DriftError extends CutoverError {
  constructor(detail: string) {
    super('E_DRIFT', `someone else changed the weights: ${detail}`, {
      hint: 'nothing was written; `cutover resume` adopts the live weights and goes on, `cutover abort` rolls back',
    });
  }
}

export class CapacityError extends CutoverError {
  constructor(message: string) {
    super('E_CAPACITY', message, { exitCode: ExitCode.rolledBack });
  }
}

const uncheckedSaid = new WeakSet<DriverDeps>();

/**
 * Waits (bounded by capacity.waitMs) until every cluster whose share rises at `step` has enough
 * healthy targets on every route. `baseline` is the source's healthy count per route at its
 * initial share, measured once (src/plan/capacity.ts explains why).
 */
export async function preflight(
  d: DriverDeps,
  step: number,
  baseline: Record<string, number>,
  signal?: AbortSignal,
): Promise<void> {
  const s = d.plan.steps[step];
  if (!s) return;
  const { minHealthyTargets, headroom, waitMs } = d.plan.capacity;
  const deadline = d.clock.now() + waitMs;
  for (;;) {
    const short: string[] = [];
    const unchecked: string[] = [];
    for (const r of d.plan.routes) {
      for (const [cluster, rise] of Object.entries(s.increases)) {
        const tg = r.targetGroups[cluster];
        if (!tg) continue;
        const binding = (await d.ports.bindings?.check(r.name, cluster, signal)) ?? { kind: 'none' as const };
        if (binding.kind === 'missing' || binding.kind === 'notReady') {
          short.push(`cluster ${cluster} on route ${r.name}: ${binding.detail}`);
        } else if (binding.kind === 'unchecked') {
          unchecked.push(`cluster ${cluster} on route ${r.name}: ${binding.detail}`);
        }
        const counts = await d.ports.health.targetCounts(tg, signal);
        const v = checkCapacity({
          share: rise.to,
          headroom,
          minHealthyTargets,
          sourceHealthy: baseline[r.name] ?? 0,
          receivingHealthy: counts.healthy,
        });
        if (!v.ok) {
          short.push(
            `cluster ${cluster} on route ${r.name} has ${plural(v.healthy, 'healthy target')}, needs ${v.required} for ${rise.to}%`,
          );
        }
      }
    }
    // Said once per run: the binding could not be asked, target health alone decides.
    if (unchecked.length && !uncheckedSaid.has(d)) {
      uncheckedSaid.add(d);
      d.emit({ type: 'preflight', step, ok: true, detail: `binding status not checked (${unchecked.join('; ')})` });
    }
    if (short.length === 0) return;
    d.emit({ type: 'preflight', step, ok: false, detail: short.join('; ') });
    const left = deadline - d.clock.now();
    if (left <= 0) {
      throw new CapacityError(`preflight of step ${step + 1} failed: ${short.join('; ')}`);
    }
    await d.clock.sleep(Math.min(left, d.options.pollMs), signal);
  }
}

/** The source cluster's healthy targets per route (capacity baseline). */
export async function measureBaseline(d: DriverDeps, signal?: AbortSignal): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of d.plan.routes) {
    const tg = r.targetGroups[d.plan.from];
    out[r.name] = tg ? (await d.ports.health.targetCounts(tg, signal)).healthy : 0;
  }
  return out;
}

/**
 * Writes step `step`'s split to every route. First compares the live weights with `lastWritten`:
 * a difference is drift and nothing is written. The record says `shifting` with the target split
 * before the first write, so a driver killed mid-write can tell whether it landed.
 */
export async function shift(
  d: DriverDeps,
  rec: Recorder,
  step: number,
  lastWritten: RouteWeights,
  signal?: AbortSignal,
): Promise<{ lastWritten: RouteWeights; verifiedAt: number }> {
  const s = d.plan.steps[step];
  if (!s) throw new RangeError(`no step ${step}`);
  const live = await readSplit(d, signal);
  if (!sameSplit(d.plan.routes, live, lastWritten)) {
    throw new DriftError(describeDrift(d.plan.routes, lastWritten, live));
  }
  const target = splitOf(d.plan, s.state.routes);
  await rec.save({ phase: 'shifting', step, weights: lastWritten, target });
  await writeSplit(d, target, signal);
  const verifiedAt = d.clock.now();
  d.emit({ type: 'shifted', step, weights: s.state.weights, effective: s.state.effective });
  await rec.save({ phase: 'baking', step, weights: target, verifiedAt });
  return { lastWritten: target, verifiedAt };
}

/**
 * Writes a split to every route and reads each back until it shows the split. With
 * `keepSameShares` (rollback) a route whose live weights already send the same shares is left as
 * it is — a rollout stopped before its first write does not turn Terraform's `100/0` into `1/0` —
 * and the weights really in place are returned, so the record matches the listener.
 */
export async function writeSplit(
  d: DriverDeps,
  split: RouteWeights,
  signal?: AbortSignal,
  keepSameShares = false,
): Promise<RouteWeights> {
  const inPlace: RouteWeights = {};
  for (const r of d.plan.routes) {
    const want = split[r.name] ?? {};
    if (keepSameShares) {
      // A failed read is no reason not to roll back: write as usual.
      const live = await d.ports.traffic.readWeights(r, signal).catch(() => undefined);
      if (live && sameShares([r], { [r.name]: live }, { [r.name]: want })) {
        inPlace[r.name] = live;
        continue;
      }
    }
    inPlace[r.name] = want;
    let seen = await d.ports.traffic.writeWeights(r, want, signal);
    for (let i = 1; !sameWeights(want, seen); i++) {
      if (i >= d.options.verifyAttempts) {
        throw new CutoverError('E_VERIFY', `route ${r.name}: the weights read back differ from those written`, {
          value: seen,
          hint: `wrote ${JSON.stringify(want)}; another writer may be changing the listener or rule`,
          exitCode: ExitCode.internal,
        });
      }
      await d.clock.sleep(1_000, signal);
      seen = await d.ports.traffic.readWeights(r, signal);
    }
  }
  return inPlace;
}

function sameWeights(want: TargetGroupWeights, seen: TargetGroupWeights): boolean {
  return Object.entries(want).every(([tg, w]) => (seen[tg] ?? 0) === w);
}

/**
 * Re-reads the live split for a step that writes nothing (an approval or a repeated split) or a
 * resumed bake: it must still be what the driver last wrote.
 */
export async function verify(d: DriverDeps, lastWritten: RouteWeights, signal?: AbortSignal): Promise<number> {
  const live = await readSplit(d, signal);
  if (!sameSplit(d.plan.routes, live, lastWritten)) {
    throw new DriftError(describeDrift(d.plan.routes, lastWritten, live));
  }
  return d.clock.now();
}

/**
 * Rolls back from step `step` (−1: nothing of the plan was written yet): `instant` writes the
 * initial split at once; `gradual` walks back through earlier splits, baking between writes.
 * Resolves with the weights in place at the end (what the final record must say).
 * Needs nothing but the ELBv2 API, so it works while CloudWatch is failing.
 *
 * The decision is recorded before the first write (`from`: the split live now, and why), like
 * every other weight change: a driver that dies before its rollback lands leaves `rollingBack`,
 * and the next run rolls back at once — not resume the step whose gate failed, sending it
 * traffic until its gates fail again.
 */
export async function rollback(
  d: DriverDeps,
  rec: Recorder,
  step: number,
  from: { weights: RouteWeights; reason: string | undefined },
  signal?: AbortSignal,
): Promise<RouteWeights> {
  await rec.save({ phase: 'rollingBack', step, weights: from.weights, reason: from.reason });
  const path = step >= 0 ? rollbackFrom(d.plan, step) : [{ returnsTo: null, state: d.plan.initial }];
  const writes = path.length ? path : [{ returnsTo: null, state: d.plan.initial }];
  let split: RouteWeights = {};
  for (const [i, w] of writes.entries()) {
    split = await writeSplit(d, splitOf(d.plan, w.state.routes), signal, true);
    d.emit({ type: 'rolledBackTo', step: w.returnsTo, weights: w.state.weights });
    await rec.save({ phase: 'rollingBack', step: w.returnsTo ?? -1, weights: split, reason: from.reason });
    if (i < writes.length - 1 && d.plan.rollback.stepBakeMs > 0)
      await d.clock.sleep(d.plan.rollback.stepBakeMs, signal);
  }
  return split;
}

export type { StartPoint };
