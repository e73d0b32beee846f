import type { CompareAccumulator } from './sequential.ts';
import type { TickResult } from './tick.ts';
import { showWindow } from './tick.ts';
import type { Verdict } from './verdict.ts';
import { ownsWindow } from './windows.ts';

/**
 * The step and rollout rules over tick results, as a pure reducer over JSON-serialisable state
 * (the driver persists it and resumes from it):
 * - A failed tick adds one failure (over the whole rollout); failures above `failureLimit` roll
 *   back. A failure counts whichever window it judged: it is evidence against a split either way.
 * - A failed `alarm` check rolls back at once, whatever the limit, whenever it is seen (a tick or
 *   an alarm poll between ticks).
 * - Inconclusive ticks of the step's own windows form a streak; a streak longer than
 *   `inconclusiveLimit` counts as one failed tick and starts again (fail closed: a step with no
 *   evidence ends in rollback, never in promotion). A pass ends the streak.
 * - Each window is counted once: a tick repeating an already judged window is ignored.
 * - A step advances only when its bake has elapsed and at least one tick of its own (window
 *   wholly after the verified write) passed; a step with no applicable checks on its bake alone.
 *   Passes and inconclusives of windows that are not the step's own neither help nor count.
 */

export interface GateLimits {
  failureLimit: number;
  inconclusiveLimit: number;
}

export interface StepProgress {
  /** Step index (into Plan.steps). */
  index: number;
  /** When the step's write was read back (ms). */
  verifiedAtMs: number;
  bakeMs: number;
  /** False when the step has no applicable checks: it advances on its bake alone. */
  requiresPass: boolean;
  ownPasses: number;
  ownTicks: number;
}

export interface GateState {
  /** Failed ticks over the rollout, streaks of inconclusives included. */
  failures: number;
  inconclusiveStreak: number;
  step: StepProgress | null;
  /** compare5xx accumulators by check index. */
  compare: Record<string, CompareAccumulator>;
  /** Set once the gates call for rollback; every later event keeps it. */
  rollback: { reason: string } | null;
  /**
   * End of the latest window judged (ms). A tick whose window ends no later was judged already
   * (a driver resumed after a crash may run it again): it is ignored, so nothing counts twice.
   */
  judgedThroughMs: number;
}

export type GateEvent =
  | { type: 'stepStarted'; index: number; verifiedAtMs: number; bakeMs: number; requiresPass: boolean }
  /** `compare`: the accumulators evaluateTick returned with the tick, kept in the state. */
  | { type: 'tick'; tick: TickResult; compare?: Record<string, CompareAccumulator> }
  | { type: 'alarmPoll'; verdict: Verdict };

/** What an event did, in one line, for the log. */
export interface GateStep {
  state: GateState;
  rollback: boolean;
  description: string;
}

export function initialGateState(): GateState {
  return { failures: 0, inconclusiveStreak: 0, step: null, compare: {}, rollback: null, judgedThroughMs: 0 };
}

export function reduceGate(state: GateState, event: GateEvent, limits: GateLimits): GateStep {
  if (state.rollback) return { state, rollback: true, description: `rolling back: ${state.rollback.reason}` };
  switch (event.type) {
    case 'stepStarted': {
      const { type: _, ...step } = event;
      const next = { ...state, step: { ...step, ownPasses: 0, ownTicks: 0 } };
      return {
        state: next,
        rollback: false,
        description: `step ${event.index + 1} verified; judging windows from ${new Date(event.verifiedAtMs).toISOString()}`,
      };
    }
    case 'alarmPoll':
      if (event.verdict.outcome === 'fail') return rollBack(state, event.verdict.description);
      return { state, rollback: false, description: event.verdict.description };
    case 'tick':
      return onTick(event.compare ? { ...state, compare: event.compare } : state, event.tick, limits);
  }
}

function onTick(previous: GateState, tick: TickResult, limits: GateLimits): GateStep {
  // An alarm is about now, not about the window: it rolls back even on a repeated window.
  const alarm = tick.verdicts.find((v) => v.type === 'alarm' && v.outcome === 'fail');
  if (alarm) return rollBack(previous, alarm.description);
  if (tick.window.endMs <= previous.judgedThroughMs) {
    return {
      state: previous,
      rollback: false,
      description: `${tick.description} (window judged already; not counted again)`,
    };
  }
  const state = { ...previous, judgedThroughMs: tick.window.endMs };
  const owned = state.step !== null && ownsWindow(tick.window, state.step.verifiedAtMs);
  if (tick.outcome === 'fail') {
    return countFailure(
      { ...state, inconclusiveStreak: 0, step: bump(state.step, owned, false) },
      tick.description,
      limits,
    );
  }
  if (!owned) {
    return {
      state,
      rollback: false,
      description: `${tick.description} (window ${showWindow(tick.window)} is not this step's own; not counted)`,
    };
  }
  if (tick.outcome === 'pass') {
    const next = { ...state, inconclusiveStreak: 0, step: bump(state.step, true, true) };
    return { state: next, rollback: false, description: tick.description };
  }
  const streak = state.inconclusiveStreak + 1;
  const next = { ...state, inconclusiveStreak: streak, step: bump(state.step, true, false) };
  if (streak > limits.inconclusiveLimit) {
    const why = `${tick.description}; ${streak} inconclusive ticks in a row > inconclusiveLimit ${limits.inconclusiveLimit}, counted as a failure`;
    return countFailure({ ...next, inconclusiveStreak: 0 }, why, limits);
  }
  return {
    state: next,
    rollback: false,
    description: `${tick.description} (${streak}/${limits.inconclusiveLimit} in a row)`,
  };
}

function bump(step: StepProgress | null, owned: boolean, passed: boolean): StepProgress | null {
  if (!step || !owned) return step;
  return { ...step, ownTicks: step.ownTicks + 1, ownPasses: step.ownPasses + (passed ? 1 : 0) };
}

function countFailure(state: GateState, why: string, limits: GateLimits): GateStep {
  const failures = state.failures + 1;
  const counted = `${why} (failure ${failures}, failureLimit ${limits.failureLimit})`;
  if (failures > limits.failureLimit) return rollBack({ ...state, failures }, counted);
  return { state: { ...state, failures }, rollback: false, description: counted };
}

function rollBack(state: GateState, reason: string): GateStep {
  return { state: { ...state, rollback: { reason } }, rollback: true, description: `rollback: ${reason}` };
}

/**
 * Whether the current step may advance at `nowMs`: its bake has elapsed and (when it has checks)
 * one of its own ticks passed. `why` says what it still waits for.
 */
export function stepReady(state: GateState, nowMs: number): { ready: boolean; why: string } {
  const s = state.step;
  if (state.rollback) return { ready: false, why: `rolling back: ${state.rollback.reason}` };
  if (!s) return { ready: false, why: 'no step in progress' };
  const left = s.verifiedAtMs + s.bakeMs - nowMs;
  if (left > 0) return { ready: false, why: `baking, ${Math.ceil(left / 1000)}s left` };
  if (s.requiresPass && s.ownPasses === 0) {
    return { ready: false, why: `bake done; waiting for a passing tick of its own (${s.ownTicks} judged so far)` };
  }
  return {
    ready: true,
    why: s.requiresPass ? `bake done and ${s.ownPasses} own tick(s) passed` : 'bake done (no checks apply)',
  };
}
