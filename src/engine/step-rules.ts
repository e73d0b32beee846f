import type { TickResult } from './ports.ts';

/**
 * The rules that turn a step's ticks into a decision (ARCHITECTURE §3), pure and serialisable so
 * a resumed driver can carry them on:
 * - a failed tick counts one failure; more failures than `failureLimit` roll back;
 * - an inconclusive tick extends a streak; a streak longer than `inconclusiveLimit` counts as one
 *   failed tick and starts again (no evidence fails closed; it never promotes);
 * - a step advances only when its bake has elapsed and at least one of its own ticks passed.
 */
export interface StepJudgement {
  passes: number;
  failures: number;
  inconclusiveStreak: number;
}

export interface StepLimits {
  failureLimit: number;
  inconclusiveLimit: number;
}

export type StepDecision = { kind: 'wait' } | { kind: 'advance' } | { kind: 'rollback'; reason: string };

export const NEW_JUDGEMENT: StepJudgement = { passes: 0, failures: 0, inconclusiveStreak: 0 };

/** Adds one tick to the step's judgement and says what the driver does next. */
export function judgeTick(
  j: StepJudgement,
  tick: TickResult,
  limits: StepLimits,
  bakeElapsed: boolean,
): { judgement: StepJudgement; decision: StepDecision } {
  let { passes, failures, inconclusiveStreak } = j;
  let why = '';
  if (tick.verdict === 'fail') {
    failures += 1;
    inconclusiveStreak = 0;
    why = failedChecks(tick);
  } else if (tick.verdict === 'inconclusive') {
    inconclusiveStreak += 1;
    if (inconclusiveStreak > limits.inconclusiveLimit) {
      failures += 1;
      inconclusiveStreak = 0;
      why = `${limits.inconclusiveLimit + 1} inconclusive ticks in a row (${inconclusiveChecks(tick)})`;
    }
  } else {
    passes += 1;
    inconclusiveStreak = 0;
  }
  const judgement = { passes, failures, inconclusiveStreak };
  if (failures > limits.failureLimit) {
    return { judgement, decision: { kind: 'rollback', reason: `gate failed: ${why}` } };
  }
  return { judgement, decision: readyToAdvance(judgement, bakeElapsed) ? { kind: 'advance' } : { kind: 'wait' } };
}

/** A step may advance once its bake elapsed and one of its own ticks passed. */
export function readyToAdvance(j: StepJudgement, bakeElapsed: boolean): boolean {
  return bakeElapsed && j.passes > 0;
}

function failedChecks(tick: TickResult): string {
  const failed = tick.checks.filter((c) => c.verdict === 'fail');
  return failed.length ? failed.map((c) => `${c.check}: ${c.detail}`).join('; ') : 'tick failed';
}

function inconclusiveChecks(tick: TickResult): string {
  const open = tick.checks.filter((c) => c.verdict === 'inconclusive');
  return open.length ? open.map((c) => `${c.check}: ${c.detail}`).join('; ') : 'no data';
}
