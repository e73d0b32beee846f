import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import { isCutoverError } from '../errors.ts';
import { type GateState, initialGateState, reduceGate, stepReady } from '../gates/step-rules.ts';
import { combineTick } from '../gates/tick.ts';
import type { Verdict } from '../gates/verdict.ts';
import { firstOwnVerdictAt, tickWindow } from '../gates/windows.ts';
import type { GateTick, OperatorCommand, RouteWeights } from './ports.ts';
import { sameShares, splitOf } from './resume.ts';
import { nextTickAt, replayTicks } from './schedule.ts';
import {
  DriftError,
  type DriverDeps,
  load,
  measureBaseline,
  preflight,
  type Recorder,
  rollback,
  type StartPoint,
  shift,
  verify,
} from './services.ts';

/**
 * The driver as a declarative xstate machine (ARCHITECTURE §2): this file holds only wiring; the
 * work is in services.ts, the gate rules in gates/step-rules.ts, and time comes from the injected
 * clock (createActor(…, { clock })).
 *
 * loading → nextStep → preflight → shifting → baking(waiting ⇄ ticking) → advance → nextStep …
 * → completed; approvals wait in awaitingApproval; drift and `cutover pause` wait in paused; a
 * failed gate, an alarm, a short preflight or `cutover abort` go through rollingBack.
 *
 * A bake resumed from the record (the previous driver died mid-bake) first replays what that
 * driver would have judged — the alarms' history since the verified write, then every tick due
 * since (baking.replayingAlarms → replaying ⇄ replayed) — so failures, inconclusive streaks,
 * passes and compare5xx evidence are not forgotten; then it goes on live.
 *
 * While paused or awaiting approval the driver keeps watching the split in place (`watching`): the
 * same gate ticks as a bake (its step rules: failures against failureLimit, inconclusive streaks
 * fail closed) and the alarm poller, whose history window runs on from the last poll with no gap
 * (context.alarmsReadTo), so an alarm that fired while paused rolls back even if it cleared. A
 * tick there never advances: only an operator's resume or promote does. Nothing is watched before
 * the rollout's first write (the start's split is in place: nothing to judge or roll back).
 *
 * Operator commands are taken off the tags whatever the driver is doing, and none is lost: where
 * the current state cannot act on one (loading, a write in flight, its read-back), it waits in
 * `pendingCommands` and is raised again, in order, once the driver bakes, awaits approval or is
 * paused. A preflight (which may wait minutes for capacity) stops at once for abort and pause.
 */

export type RollbackCause = 'gate' | 'alarm' | 'preflight' | 'operator' | 'error';

export interface DriverContext {
  step: number;
  lastWritten: RouteWeights;
  verifiedAt: number;
  /** When resuming a bake: the recorded verification time it keeps (0: none). */
  resumedVerifiedAt: number;
  nextTickAt: number;
  /**
   * A resumed bake's replay: the time of the next tick to replay (0: not a resumed bake) and how
   * many are left.
   */
  replayAt: number;
  replayLeft: number;
  /** The gates' state (failures, streaks, compare5xx accumulators, the step's own ticks). */
  gate: GateState;
  /** Healthy source targets per route at the start (capacity baseline); measured before step 0. */
  baseline: Record<string, number> | undefined;
  pausedFrom: 'bake' | 'approval' | 'preflight' | 'drift';
  /** Commands taken while no state could act on them, raised again in order (see above). */
  pendingCommands: OperatorCommand[];
  /**
   * Alarm history is read up to here (epoch ms; 0: not yet this run): each poller goes on from it,
   * so bake → pause → resume and approval → pause → resume leave no minute unread.
   */
  alarmsReadTo: number;
  cause: RollbackCause | undefined;
  reason: string | undefined;
  error: unknown;
  message: string | undefined;
  outcome: DriverOutcome;
  moved: boolean;
}

export type DriverMachineEvent =
  | { type: 'ALARM'; verdict: Verdict }
  /** `deferred`: raised again from pendingCommands; one no state acts on then is dropped. */
  | { type: 'COMMAND'; command: OperatorCommand; deferred?: true }
  | { type: 'LEASE_LOST'; reason: string }
  /** The alarm poller read the alarms and their history up to `at`, and none fired. */
  | { type: 'ALARMS_READ'; at: number };

export type DriverOutcome = 'completed' | 'rolledBack' | 'aborted' | 'failed';

export interface DriverOutput {
  outcome: DriverOutcome;
  step: number;
  /** Why a rollback started (gate, alarm, preflight, operator, error). */
  cause: RollbackCause | undefined;
  /** Whether any step's split was ever written (false: traffic never moved). */
  moved: boolean;
  reason: string | undefined;
  error: unknown;
  message: string | undefined;
}

type Resume = Extract<StartPoint, { kind: 'resume' }>;
const resumeIs = (phase: Resume['phase']) => (start: StartPoint) => start.kind === 'resume' && start.phase === phase;

export function createDriverMachine(d: DriverDeps, rec: Recorder) {
  const { plan } = d;
  const gates = plan.gates;
  const lastStep = plan.steps.length - 1;
  const isCommand = (event: DriverMachineEvent, ...commands: OperatorCommand[]) =>
    event.type === 'COMMAND' && commands.includes(event.command);

  /**
   * What a paused or awaiting-approval rollout runs while it holds: the alarm poller and the gate
   * ticks of the split last written (a tick never advances; a failure past the limit or an ALARM
   * rolls back). Nothing before the first write (`watches`).
   */
  const heldWatch = (hold: 'approval' | 'paused') =>
    ({
      initial: 'entered',
      states: {
        entered: { always: [{ guard: 'watches', target: 'watching' }, { target: 'idle' }] },
        idle: {},
        watching: {
          entry: 'startWatching',
          invoke: {
            src: 'alarms',
            input: ({ context }: { context: DriverContext }) => ({ step: context.step, since: context.alarmsReadTo }),
          },
          on: { ALARM: { target: '#driver.rollingBack', actions: 'alarmFired' } },
          initial: 'waiting',
          states: {
            waiting: { after: { untilTick: { target: 'ticking' } } },
            ticking: {
              invoke: {
                src: 'tick',
                input: ({ context }: { context: DriverContext }) => ({
                  step: watchedStep(context),
                  gate: context.gate,
                }),
                onDone: {
                  target: 'judged',
                  actions: { type: 'recordTick', params: { replayed: false, hold } },
                },
              },
            },
            judged: {
              always: [{ guard: 'rollingBack', target: '#driver.rollingBack' }, { target: 'waiting' }],
            },
          },
        },
      },
    }) as const;
  return setup({
    types: {
      context: {} as DriverContext,
      events: {} as DriverMachineEvent,
      output: {} as DriverOutput,
    },
    actors: {
      load: fromPromise<StartPoint>(({ signal }) => load(d, signal)),
      preflight: fromPromise<Record<string, number>, { step: number; baseline: Record<string, number> | undefined }>(
        async ({ input, signal }) => {
          const baseline = input.baseline ?? (await measureBaseline(d, signal));
          await preflight(d, input.step, baseline, signal);
          return baseline;
        },
      ),
      shift: fromPromise<
        { lastWritten: RouteWeights; verifiedAt: number },
        { step: number; lastWritten: RouteWeights }
      >(({ input, signal }) => shift(d, rec, input.step, input.lastWritten, signal)),
      verify: fromPromise<number, { step: number; lastWritten: RouteWeights }>(async ({ input, signal }) => {
        const at = await verify(d, input.lastWritten, signal);
        await rec.save({ phase: 'baking', step: input.step, weights: input.lastWritten, verifiedAt: at });
        return at;
      }),
      adopt: fromPromise<RouteWeights>(async ({ signal }) => {
        const out: RouteWeights = {};
        for (const r of plan.routes) out[r.name] = await d.ports.traffic.readWeights(r, signal);
        return out;
      }),
      /** One tick: live at now, or (replaying a resumed bake) the one a driver would have run `at`. */
      tick: fromPromise<GateTick, { step: number; gate: GateState; at?: number }>(async ({ input, signal }) => {
        const now = input.at ?? d.clock.now();
        try {
          return await d.ports.gates.tick({ stepIndex: input.step, now, compare: input.gate.compare }, signal);
        } catch (e) {
          // Unreadable data is inconclusive; a long streak of it fails closed (gates/step-rules.ts).
          const description = `gates unreadable (${errorText(e)}) inconclusive`;
          const window = tickWindow(now, gates.intervalMs, gates.lagMs);
          const verdict: Verdict = { check: -1, type: 'metrics', outcome: 'inconclusive', numbers: {}, description };
          return { tick: combineTick(window, [verdict]), compare: input.gate.compare };
        }
      }),
      /** The alarms now and their history since `since` (a resumed bake: its verified write). */
      alarmHistory: fromPromise<Verdict | undefined, { since: number }>(({ input, signal }) =>
        d.ports.gates.alarms({ since: input.since, now: d.clock.now() }, signal),
      ),
      rollback: fromPromise<RouteWeights, { step: number; lastWritten: RouteWeights; reason: string | undefined }>(
        ({ input, signal }) =>
          rollback(d, rec, input.step, { weights: input.lastWritten, reason: input.reason }, signal),
      ),
      persist: fromPromise<
        void,
        { phase: 'awaitingApproval' | 'paused' | 'starting'; step: number; weights: RouteWeights; reason?: string }
      >(({ input }) => rec.save(input)),
      alarms: fromCallback<DriverMachineEvent, { step: number; since: number }>(({ sendBack, input }) => {
        // Alarms are polled every few seconds, between ticks too: an ALARM rolls back at once. An
        // unreadable poll is not a verdict here; the tick's own alarm check turns it into an
        // inconclusive, and a streak of those fails closed (gates/step-rules.ts). The history is
        // read from where the last poller of this run left off (`since`), and only a poll that
        // read it moves that on: an alarm that fired and cleared in between is still seen.
        let since = input.since || d.clock.now();
        const controller = new AbortController();
        const poll = async () => {
          const now = d.clock.now();
          try {
            const verdict = await d.ports.gates.alarms({ since, now }, controller.signal);
            if (verdict?.outcome === 'fail') {
              d.emit({ type: 'alarm', step: input.step, detail: verdict.description });
              sendBack({ type: 'ALARM', verdict });
              return;
            }
            if (verdict?.outcome !== 'inconclusive' && !controller.signal.aborted) {
              since = now;
              sendBack({ type: 'ALARMS_READ', at: now });
            }
          } catch {
            if (controller.signal.aborted) return;
          }
          cancel = d.clock.setTimeout(() => void poll(), d.options.pollMs);
        };
        let cancel = d.clock.setTimeout(() => void poll(), d.options.pollMs);
        return () => {
          controller.abort();
          cancel();
        };
      }),
      commands: fromCallback<DriverMachineEvent>(({ sendBack }) => {
        const controller = new AbortController();
        let cancel = () => {};
        const poll = async () => {
          try {
            for (const command of await d.ports.state.takeCommands(controller.signal)) {
              d.emit({ type: 'command', command });
              sendBack({ type: 'COMMAND', command });
            }
          } catch {
            // Commands are read again at the next poll; a missed poll delays an operator, never traffic.
          }
          if (!controller.signal.aborted) cancel = d.clock.setTimeout(() => void poll(), d.options.pollMs);
        };
        cancel = d.clock.setTimeout(() => void poll(), d.options.pollMs);
        return () => {
          controller.abort();
          cancel();
        };
      }),
      lease: fromCallback<DriverMachineEvent>(({ sendBack }) => {
        let cancel = () => {};
        let stopped = false;
        const renew = async () => {
          try {
            await d.ports.state.acquireLease(d.holder, d.clock.now(), d.options.leaseTtlMs);
          } catch (e) {
            if (isCutoverError(e) && (e.code === 'E_LEASE_HELD' || e.code === 'E_LEASE_LOST')) {
              sendBack({ type: 'LEASE_LOST', reason: e.message });
              return;
            }
            // A failed renewal is tried again; the lease still has two thirds of its time.
          }
          if (!stopped) cancel = d.clock.setTimeout(() => void renew(), d.options.leaseTtlMs / 3);
        };
        cancel = d.clock.setTimeout(() => void renew(), d.options.leaseTtlMs / 3);
        return () => {
          stopped = true;
          cancel();
        };
      }),
    },
    actions: {
      adoptStart: assign(({ event }) => {
        const start = (event as unknown as { output: StartPoint }).output;
        if (start.kind === 'fresh') return { step: start.step, lastWritten: start.lastWritten };
        if (start.kind === 'resume') {
          return {
            moved: true,
            step: Math.max(0, start.step),
            lastWritten: start.lastWritten,
            resumedVerifiedAt: start.verifiedAt ?? 0,
            reason: start.reason,
          };
        }
        return {};
      }),
      failWith: assign(({ event }) => {
        const error = (event as unknown as { error: unknown }).error;
        const preflightShort = isCutoverError(error) && error.code === 'E_CAPACITY';
        return { cause: (preflightShort ? 'preflight' : 'error') as RollbackCause, reason: errorText(error) };
      }),
      pauseForDrift: assign(({ event }) => ({
        pausedFrom: 'drift' as const,
        reason: errorText((event as unknown as { error: unknown }).error),
      })),
      alarmFired: assign(({ context, event }) => {
        // From the alarm poller (ALARM) or a resumed bake's history check (its done event).
        const verdict = event.type === 'ALARM' ? event.verdict : (event as unknown as { output: Verdict }).output;
        if (event.type !== 'ALARM') d.emit({ type: 'alarm', step: context.step, detail: verdict.description });
        const r = reduceGate(context.gate, { type: 'alarmPoll', verdict }, gates);
        return { gate: r.state, cause: 'alarm' as const, reason: verdict.description };
      }),
      operatorAbort: assign({ cause: 'operator' as const, reason: 'aborted by an operator' }),
      jumpToLast: assign({ step: lastStep - 1 }),
      /** Raises the commands no earlier state could act on, in order (`only`: just that one). */
      raisePending: enqueueActions(({ context, enqueue }, params: { only: OperatorCommand | undefined }) => {
        if (!context.pendingCommands.length) return;
        for (const command of context.pendingCommands)
          if (!params.only || command === params.only) enqueue.raise({ type: 'COMMAND', command, deferred: true });
        enqueue.assign({ pendingCommands: [] });
      }),
      /** `hold`: a tick while paused or awaiting approval, which never advances. */
      recordTick: assign(({ context, event }, params: { replayed: boolean; hold?: 'paused' | 'approval' }) => {
        const out = (event as unknown as { output: GateTick }).output;
        const r = reduceGate(context.gate, { type: 'tick', tick: out.tick, compare: out.compare }, gates);
        const now = d.clock.now();
        // A replayed tick decides only when it is the last one to replay.
        const more = params.replayed && context.replayLeft > 1;
        const decision = r.rollback
          ? 'rollback'
          : params.hold === 'paused'
            ? 'wait (paused)'
            : params.hold === 'approval'
              ? 'wait for approval'
              : !more && stepReady(r.state, now).ready
                ? 'advance'
                : 'wait';
        // A replay goes on at once; after its last tick, the first live one is due one interval on.
        const next = params.replayed
          ? more
            ? now
            : Math.max(context.replayAt + gates.intervalMs, now)
          : nextTickAt(context.nextTickAt, now, gates.intervalMs);
        d.emit({
          type: 'tick',
          step: context.step,
          at: now,
          result: out.tick,
          decision,
          detail: r.description,
          nextTickAt: next,
          ...(params.replayed ? { replayed: true } : {}),
        });
        return {
          gate: r.state,
          ...(params.replayed
            ? { replayAt: context.replayAt + gates.intervalMs, replayLeft: context.replayLeft - 1 }
            : { nextTickAt: next }),
          ...(r.rollback
            ? { cause: 'gate' as const, reason: `gate failed: ${r.state.rollback?.reason ?? r.description}` }
            : {}),
        };
      }),
      /**
       * Watching while paused or awaiting approval: the ticks go on from the bake's schedule (now
       * at the earliest). A driver that came back to this state from the record has no step in its
       * gate state: the split in place becomes one, its own windows those after now.
       */
      startWatching: assign(({ context }) => {
        const now = d.clock.now();
        const gate =
          context.gate.step === null
            ? reduceGate(
                context.gate,
                { type: 'stepStarted', index: watchedStep(context), verifiedAtMs: now, bakeMs: 0, requiresPass: false },
                gates,
              ).state
            : context.gate;
        return { gate, nextTickAt: Math.max(context.nextTickAt, now) };
      }),
      /** The replay is over: the next live tick is the first one not replayed, now at the earliest. */
      endReplay: assign(({ context }) => ({
        nextTickAt: Math.max(context.replayAt, d.clock.now()),
        replayAt: 0,
        replayLeft: 0,
      })),
    },
    guards: {
      allStepsDone: ({ context }) => context.step > lastStep,
      isApproval: ({ context }) => plan.steps[context.step]?.kind === 'approve',
      changesWeights: ({ context }) => plan.steps[context.step]?.changesWeights === true,
      readyToAdvance: ({ context }) => stepReady(context.gate, d.clock.now()).ready,
      resumed: ({ context }) => context.replayAt > 0,
      replaying: ({ context }) => context.replayLeft > 0,
      rollingBack: ({ context }) => context.gate.rollback !== null,
      pausedInApproval: ({ context }) => context.pausedFrom === 'approval',
      pausedInBake: ({ context }) => context.pausedFrom === 'bake',
      watches: ({ context }) => watchedStep(context) >= 0,
    },
    delays: {
      untilTick: ({ context }) => Math.max(0, context.nextTickAt - d.clock.now()),
      untilBakeEnd: ({ context }) => Math.max(0, context.verifiedAt + bakeOf(context.step) - d.clock.now()),
    },
  }).createMachine({
    id: 'driver',
    context: {
      step: 0,
      lastWritten: {},
      verifiedAt: 0,
      resumedVerifiedAt: 0,
      nextTickAt: 0,
      replayAt: 0,
      replayLeft: 0,
      gate: initialGateState(),
      baseline: undefined,
      pausedFrom: 'bake',
      cause: undefined,
      reason: undefined,
      error: undefined,
      message: undefined,
      outcome: 'failed',
      moved: false,
      pendingCommands: [],
      alarmsReadTo: 0,
    },
    invoke: [{ src: 'commands' }, { src: 'lease' }],
    on: {
      LEASE_LOST: { target: '.failed', actions: assign({ reason: ({ event }) => event.reason }) },
      ALARMS_READ: { actions: assign({ alarmsReadTo: ({ event }) => event.at }) },
      // Reached only when the current state has no use for the command (see the top of the file).
      COMMAND: {
        guard: ({ event }) => !event.deferred,
        actions: assign({ pendingCommands: ({ context, event }) => [...context.pendingCommands, event.command] }),
      },
    },
    initial: 'loading',
    states: {
      loading: {
        invoke: {
          src: 'load',
          onDone: [
            {
              guard: ({ event }) => event.output.kind === 'done',
              target: 'completed',
              actions: assign({
                message: ({ event }) => (event.output.kind === 'done' ? event.output.message : undefined),
              }),
            },
            { guard: ({ event }) => event.output.kind === 'fresh', target: 'nextStep', actions: 'adoptStart' },
            {
              guard: ({ event }) => resumeIs('shift')(event.output) || resumeIs('step')(event.output),
              target: 'nextStep',
              actions: 'adoptStart',
            },
            { guard: ({ event }) => resumeIs('bake')(event.output), target: 'verifying', actions: 'adoptStart' },
            {
              guard: ({ event }) => resumeIs('approval')(event.output),
              target: 'awaitingApproval',
              actions: 'adoptStart',
            },
            {
              guard: ({ event }) => resumeIs('rollback')(event.output),
              target: 'rollingBack',
              actions: ['adoptStart', assign({ cause: 'error' })],
            },
            { target: 'paused', actions: ['adoptStart', assign({ pausedFrom: 'drift' })] },
          ],
          onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
        },
      },
      nextStep: {
        always: [
          { guard: 'allStepsDone', target: 'completed' },
          { guard: 'isApproval', target: 'awaitingApproval' },
          { guard: 'changesWeights', target: 'preflight' },
          { target: 'verifying' },
        ],
      },
      preflight: {
        invoke: {
          src: 'preflight',
          input: ({ context }) => ({ step: context.step, baseline: context.baseline }),
          onDone: { target: 'shifting', actions: assign({ baseline: ({ event }) => event.output }) },
          onError: { target: 'rollingBack', actions: 'failWith' },
        },
        // Nothing of this step is written yet: stop waiting for capacity at once.
        on: {
          COMMAND: [
            { guard: ({ event }) => isCommand(event, 'abort'), target: 'rollingBack', actions: 'operatorAbort' },
            {
              guard: ({ event }) => isCommand(event, 'pause'),
              target: 'paused',
              actions: assign({ pausedFrom: 'preflight', reason: 'paused by an operator (cutover pause)' }),
            },
          ],
        },
      },
      shifting: {
        invoke: {
          src: 'shift',
          input: ({ context }) => ({ step: context.step, lastWritten: context.lastWritten }),
          onDone: {
            target: 'baking',
            actions: assign({
              lastWritten: ({ event }) => event.output.lastWritten,
              verifiedAt: ({ event }) => event.output.verifiedAt,
              moved: true,
            }),
          },
          onError: [
            { guard: ({ event }) => event.error instanceof DriftError, target: 'paused', actions: 'pauseForDrift' },
            { target: 'rollingBack', actions: 'failWith' },
          ],
        },
      },
      verifying: {
        invoke: {
          src: 'verify',
          input: ({ context }) => ({ step: context.step, lastWritten: context.lastWritten }),
          // A resumed bake keeps its recorded start, once it has been read back (and baking replays
          // what was judged since; it clears resumedVerifiedAt).
          onDone: {
            target: 'baking',
            actions: assign({ verifiedAt: ({ context, event }) => context.resumedVerifiedAt || event.output }),
          },
          onError: [
            { guard: ({ event }) => event.error instanceof DriftError, target: 'paused', actions: 'pauseForDrift' },
            { target: 'rollingBack', actions: 'failWith' },
          ],
        },
      },
      baking: {
        entry: [
          assign({
            gate: ({ context }) =>
              reduceGate(
                context.gate,
                {
                  type: 'stepStarted',
                  index: context.step,
                  verifiedAtMs: context.verifiedAt,
                  bakeMs: bakeOf(context.step),
                  requiresPass: (plan.steps[context.step]?.checks.length ?? 0) > 0,
                },
                gates,
              ).state,
            nextTickAt: ({ context }) =>
              Math.max(firstOwnVerdictAt(context.verifiedAt, gates.intervalMs, gates.lagMs), d.clock.now()),
            ...replayOnResume(),
          }),
          { type: 'raisePending', params: { only: undefined } },
        ],
        invoke: { src: 'alarms', input: ({ context }) => ({ step: context.step, since: context.alarmsReadTo }) },
        on: {
          ALARM: { target: 'rollingBack', actions: 'alarmFired' },
          COMMAND: [
            { guard: ({ event }) => isCommand(event, 'abort'), target: 'rollingBack', actions: 'operatorAbort' },
            {
              guard: ({ event }) => isCommand(event, 'pause'),
              target: 'paused',
              actions: assign({ pausedFrom: 'bake', reason: 'paused by an operator (cutover pause)' }),
            },
            { guard: ({ event }) => isCommand(event, 'promote'), target: 'advance' },
            { guard: ({ event }) => isCommand(event, 'promoteFull'), target: 'advance', actions: 'jumpToLast' },
            // One that means nothing here (resume while baking) is dropped, not kept for later.
            {},
          ],
        },
        initial: 'entered',
        states: {
          entered: {
            always: [{ guard: 'resumed', target: 'replayingAlarms' }, { target: 'waiting' }],
          },
          // An alarm that fired (even one that cleared again) while no driver ran rolls back.
          replayingAlarms: {
            invoke: {
              src: 'alarmHistory',
              input: ({ context }) => ({ since: context.verifiedAt }),
              onDone: [
                {
                  guard: ({ event }) => event.output?.outcome === 'fail',
                  target: '#driver.rollingBack',
                  actions: 'alarmFired',
                },
                { target: 'replayed' },
              ],
              // Unreadable: the ticks' own alarm checks see it as inconclusive.
              onError: { target: 'replayed' },
            },
          },
          replaying: {
            invoke: {
              src: 'tick',
              input: ({ context }) => ({ step: context.step, gate: context.gate, at: context.replayAt }),
              onDone: { target: 'replayed', actions: { type: 'recordTick', params: { replayed: true } } },
            },
          },
          replayed: {
            always: [
              { guard: 'rollingBack', target: '#driver.rollingBack' },
              { guard: 'replaying', target: 'replaying' },
              { target: 'judged', actions: 'endReplay' },
            ],
          },
          waiting: {
            after: {
              untilTick: { target: 'ticking' },
              untilBakeEnd: { guard: 'readyToAdvance', target: '#driver.advance' },
            },
          },
          ticking: {
            invoke: {
              src: 'tick',
              input: ({ context }) => ({ step: context.step, gate: context.gate }),
              onDone: { target: 'judged', actions: { type: 'recordTick', params: { replayed: false } } },
            },
          },
          judged: {
            always: [
              { guard: 'rollingBack', target: '#driver.rollingBack' },
              { guard: 'readyToAdvance', target: '#driver.advance' },
              { target: 'waiting' },
            ],
          },
        },
      },
      awaitingApproval: {
        entry: { type: 'raisePending', params: { only: undefined } },
        invoke: [
          {
            src: 'persist',
            input: ({ context }) => ({
              phase: 'awaitingApproval' as const,
              step: context.step,
              weights: context.lastWritten,
            }),
          },
        ],
        on: {
          COMMAND: [
            { guard: ({ event }) => isCommand(event, 'abort'), target: 'rollingBack', actions: 'operatorAbort' },
            {
              guard: ({ event }) => isCommand(event, 'pause'),
              target: 'paused',
              actions: assign({ pausedFrom: 'approval', reason: 'paused by an operator (cutover pause)' }),
            },
            { guard: ({ event }) => isCommand(event, 'promote', 'resume'), target: 'advance' },
            { guard: ({ event }) => isCommand(event, 'promoteFull'), target: 'advance', actions: 'jumpToLast' },
            {},
          ],
        },
        ...heldWatch('approval'),
      },
      paused: {
        // Only an abort taken earlier acts here: a resume or promote sent before the pause (drift
        // found by the write it waited for) must not resume what the operator has not seen.
        entry: { type: 'raisePending', params: { only: 'abort' } },
        invoke: {
          src: 'persist',
          input: ({ context }) => ({
            phase: 'paused' as const,
            step: context.step,
            weights: context.lastWritten,
            reason: context.reason,
          }),
        },
        on: {
          COMMAND: [
            { guard: ({ event }) => isCommand(event, 'abort'), target: 'rollingBack', actions: 'operatorAbort' },
            {
              guard: ({ event, context }) => isCommand(event, 'resume') && context.pausedFrom === 'approval',
              target: 'awaitingApproval',
              actions: assign({ reason: undefined }),
            },
            {
              guard: ({ event, context }) => isCommand(event, 'resume') && context.pausedFrom === 'bake',
              target: 'verifying',
              actions: assign({ reason: undefined }),
            },
            {
              guard: ({ event, context }) => isCommand(event, 'resume') && context.pausedFrom === 'preflight',
              target: 'preflight',
              actions: assign({ reason: undefined }),
            },
            // Resuming after drift adopts the live weights and writes the step's split again.
            { guard: ({ event }) => isCommand(event, 'resume'), target: 'adopting' },
            {},
          ],
        },
        // The same watch as awaitingApproval's; a pause for drift too: the gates and alarms read
        // CloudWatch, not the weights, and what is live now still carries this rollout's traffic.
        ...heldWatch('paused'),
      },
      adopting: {
        invoke: {
          src: 'adopt',
          onDone: {
            target: 'nextStep',
            actions: assign({ lastWritten: ({ event }) => event.output, reason: undefined }),
          },
          onError: { target: 'paused', actions: assign({ reason: ({ event }) => errorText(event.error) }) },
        },
      },
      advance: {
        entry: assign({ step: ({ context }) => context.step + 1 }),
        invoke: {
          src: 'persist',
          input: ({ context }) => ({ phase: 'starting' as const, step: context.step, weights: context.lastWritten }),
          onDone: 'nextStep',
          onError: 'nextStep',
        },
      },
      rollingBack: {
        invoke: {
          src: 'rollback',
          input: ({ context }) => ({ step: context.step, lastWritten: context.lastWritten, reason: context.reason }),
          onDone: [
            {
              guard: ({ context }) => context.cause === 'operator',
              target: 'aborted',
              actions: assign({ lastWritten: ({ event }) => event.output }),
            },
            { target: 'rolledBack', actions: assign({ lastWritten: ({ event }) => event.output }) },
          ],
          onError: { target: 'failed', actions: assign({ error: ({ event }) => event.error }) },
        },
      },
      completed: { type: 'final', entry: assign({ outcome: 'completed' as const }) },
      rolledBack: { type: 'final', entry: assign({ outcome: 'rolledBack' as const }) },
      aborted: { type: 'final', entry: assign({ outcome: 'aborted' as const }) },
      failed: { type: 'final', entry: assign({ outcome: 'failed' as const }) },
    },
    output: ({ context }) => ({
      outcome: context.outcome,
      step: context.step,
      cause: context.cause,
      moved: context.moved,
      reason: context.reason,
      error: context.error,
      message: context.message,
    }),
  });

  /**
   * The step whose split is in place as far as the driver knows (the one a watch while paused or
   * awaiting approval judges with that step's checks): the latest step up to the current one whose
   * split the driver last wrote — the current step mid-bake or at an approval (which holds the split
   * before it), the one before when paused ahead of a write. −1 while the start's split is in
   * place: nothing has moved, there is nothing to judge or roll back.
   */
  function watchedStep(context: DriverContext): number {
    if (sameShares(plan.routes, context.lastWritten, splitOf(plan, plan.initial.routes))) return -1;
    const upTo = Math.min(context.step, lastStep);
    for (let i = upTo; i >= 0; i--)
      if (sameShares(plan.routes, context.lastWritten, splitOf(plan, plan.steps[i]!.state.routes))) return i;
    // A split of no step (adopted with --take-over): the current step's checks.
    return Math.max(0, upTo);
  }

  function bakeOf(step: number): number {
    return plan.steps[step]?.bakeMs ?? 0;
  }

  /**
   * Entering a bake resumed from the record: the ticks to replay (schedule.ts replayTicks), and the
   * recorded start is used up. A bake this driver started itself replays nothing.
   */
  function replayOnResume() {
    const at = ({ context }: { context: DriverContext }) =>
      context.resumedVerifiedAt > 0
        ? replayTicks(context.verifiedAt, bakeOf(context.step), d.clock.now(), gates)
        : { from: 0, count: 0 };
    return {
      replayAt: (a: { context: DriverContext }) => at(a).from,
      replayLeft: (a: { context: DriverContext }) => at(a).count,
      resumedVerifiedAt: 0,
    };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
