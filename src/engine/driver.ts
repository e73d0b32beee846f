import { createActor, toPromise } from 'xstate';
import type { Plan } from '../plan/plan-types.ts';
import { type Clock, toXStateClock } from '../util/clock.ts';
import type { DriverEvent, DriverPhase } from './events.ts';
import { createDriverMachine, type DriverOutput } from './machine.ts';
import type { DriverPorts, RecordedPhase, RouteWeights } from './ports.ts';
import { DEFAULT_OPTIONS, type DriverDeps, type DriverOptions, Recorder, rollback } from './services.ts';

export interface RunDriverInput {
  plan: Plan;
  specHash: string;
  ports: DriverPorts;
  clock: Clock;
  holder: string;
  options?: Partial<DriverOptions>;
  onEvent?: (e: DriverEvent) => void;
  /** Stops the driver where it is (Ctrl-C): the record and lease stay, `cutover run` resumes. */
  signal?: AbortSignal;
}

export type DriverResult = DriverOutput & { interrupted: boolean };

const FINAL_RECORD: Record<DriverOutput['outcome'], RecordedPhase> = {
  completed: 'completed',
  rolledBack: 'rolledBack',
  aborted: 'aborted',
  failed: 'failed',
};

/**
 * Runs a rollout to its end: completed, rolled back, aborted or failed. The machine runs on the
 * injected clock; when it ends, the final phase is recorded on the routes and the lease released.
 * An error while loading (no such listener, lease held, spec changed) is returned in `error`
 * with nothing written.
 */
export async function runDriver(input: RunDriverInput): Promise<DriverResult> {
  // The split on the routes as far as the driver knows, for phase events: what it last wrote, or
  // the split a rollback went back to (the machine's lastWritten is the step's, not a rollback's).
  let known: Record<string, Record<string, number>> | undefined;
  let seenWritten: RouteWeights | undefined;
  const onEvent = input.onEvent ?? (() => {});
  const deps = depsOf({
    ...input,
    onEvent: (e) => {
      if (e.type === 'rolledBackTo')
        known = Object.fromEntries(input.plan.routes.map((r) => [r.name, { ...e.weights }]));
      onEvent(e);
    },
  });
  const emit = deps.emit;
  const rec = new Recorder(deps);
  const machine = createDriverMachine(deps, rec);
  const actor = createActor(machine, { clock: toXStateClock(input.clock) });
  let lastPhase = '';
  let leftLoading = false;
  actor.subscribe((snap) => {
    const phase = topState(snap.value);
    if (phase !== 'loading' && !(phase === 'failed' && lastPhase === 'loading')) leftLoading = true;
    if (phase !== lastPhase) {
      lastPhase = phase;
      const c = snap.context;
      if (c.lastWritten !== seenWritten) {
        seenWritten = c.lastWritten;
        known = byCluster(input.plan, c.lastWritten) ?? known;
      }
      const routes = known;
      const bakeEndsAt = c.verifiedAt + (input.plan.steps[c.step]?.bakeMs ?? 0);
      emit({
        type: 'phase',
        phase: phase as DriverPhase,
        step: c.step,
        detail: c.reason,
        ...(routes ? { routes } : {}),
        ...(phase === 'baking' ? { nextTickAt: c.nextTickAt, bakeEndsAt } : {}),
        // Paused or awaiting approval with the gates still ticking: when the next tick is due.
        ...(snap.matches({ paused: 'watching' }) || snap.matches({ awaitingApproval: 'watching' })
          ? { nextTickAt: c.nextTickAt }
          : {}),
      });
    }
  });
  const done = toPromise(actor);
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (input.signal?.aborted) resolve('interrupted');
    input.signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  actor.start();
  const first = await Promise.race([done, interrupted]);
  if (first === 'interrupted') {
    const snap = actor.getSnapshot();
    actor.stop();
    // The record stays on the routes; the lease goes, so the next run (any process) resumes at once.
    await input.ports.state.releaseLease(input.holder).catch(() => undefined);
    return {
      outcome: 'failed',
      step: snap.context.step,
      cause: snap.context.cause,
      moved: snap.context.moved,
      reason: 'interrupted; run again to resume from the recorded step',
      error: undefined,
      message: undefined,
      interrupted: true,
    };
  }
  const out = first;
  // A load error means nothing was decided or written: the routes' record stays as it was. A
  // rollout found already completed was recorded by the run that completed it. The lease goes
  // either way — one this run took before refusing too, so the next run need not wait it out
  // (releaseLease lets go only of this holder's lease, never another driver's).
  if (leftLoading && out.message === undefined) {
    await rec
      .save({
        phase: FINAL_RECORD[out.outcome],
        // A completed rollout has moved past its last step; record the last one.
        step: Math.min(out.step, input.plan.steps.length - 1),
        weights: actor.getSnapshot().context.lastWritten,
        reason: out.reason ?? (out.error instanceof Error ? out.error.message : undefined),
      })
      .catch(() => undefined);
  }
  await input.ports.state.releaseLease(input.holder).catch(() => undefined);
  return { ...out, interrupted: false };
}

/** What the machine and its services need, with the default options filled in. */
function depsOf(input: Omit<RunDriverInput, 'signal'>): DriverDeps {
  return {
    plan: input.plan,
    specHash: input.specHash,
    ports: input.ports,
    clock: input.clock,
    holder: input.holder,
    options: { ...DEFAULT_OPTIONS, ...input.options },
    emit: input.onEvent ?? (() => {}),
  };
}

/** Route → cluster → weight of what the driver wrote (keyed by target group ARN), or undefined before it knows. */
function byCluster(plan: Plan, written: RouteWeights): Record<string, Record<string, number>> | undefined {
  if (Object.keys(written).length === 0) return undefined;
  return Object.fromEntries(
    plan.routes.map((r) => [
      r.name,
      Object.fromEntries(Object.entries(r.targetGroups).map(([c, tg]) => [c, written[r.name]?.[tg] ?? 0])),
    ]),
  );
}

function topState(value: unknown): string {
  return typeof value === 'string' ? value : (Object.keys(value as object)[0] ?? '');
}

/**
 * Rolls a rollout back with no driver running (`cutover abort` after the driver died): takes the
 * lease, records `rollingBack`, writes the rollback splits from the recorded step (each read
 * back), records `aborted` and lets the lease go. The outcome is `aborted` (exit 4).
 */
export async function runAbort(input: Omit<RunDriverInput, 'signal'>): Promise<DriverResult> {
  const deps = depsOf(input);
  const emit = deps.emit;
  const { state } = input.ports;
  await state.acquireLease(input.holder, input.clock.now(), deps.options.leaseTtlMs);
  try {
    const record = await state.load();
    const step = record?.step ?? -1;
    const rec = new Recorder(deps);
    const reason = 'aborted by an operator';
    emit({ type: 'phase', phase: 'rollingBack', step, detail: reason });
    await rollback(deps, rec, Math.min(step, input.plan.steps.length - 1), {
      weights: record?.weights ?? {},
      reason,
    });
    await rec.save({ phase: 'aborted', step: rec.current.step, weights: rec.current.weights, reason });
    await state.takeCommands().catch(() => []);
    return {
      outcome: 'aborted',
      step,
      cause: 'operator',
      moved: true,
      reason,
      error: undefined,
      message: undefined,
      interrupted: false,
    };
  } finally {
    await state.releaseLease(input.holder).catch(() => undefined);
  }
}
