import type { DriverResult } from '../engine/driver.ts';
import type { DriverEvent } from '../engine/events.ts';
import { ExitCode, stoppedExitCode } from '../errors.ts';
import type { Plan } from '../plan/plan-types.ts';
import { formatDuration } from '../spec/duration.ts';
import { formatPercent } from '../spec/percent.ts';

/**
 * The driver's progress as plain lines (no TTY, NO_COLOR, CI logs): one line per event, stamped
 * with the driver's clock (virtual time in the sandbox), steps counted from 1 as `cutover plan`
 * prints them. `--output json` prints the events themselves instead.
 */
export function progressLine(plan: Plan, e: DriverEvent, now: number): string | undefined {
  const at = new Date(now).toISOString().slice(11, 19);
  const step = (i: number) => `step ${Math.min(i + 1, plan.steps.length)}/${plan.steps.length}`;
  switch (e.type) {
    case 'phase':
      if (e.phase === 'loading') return `${at} ${plan.name}: reading the routes' state and weights`;
      if (e.phase === 'paused') return `${at} ${step(e.step)} paused: ${e.detail ?? 'by an operator'}`;
      if (e.phase === 'awaitingApproval') return `${at} ${step(e.step)} waiting for approval (cutover promote)`;
      if (e.phase === 'rollingBack') return `${at} ${step(e.step)} rolling back: ${e.detail ?? ''}`.trimEnd();
      if (e.phase === 'preflight' || e.phase === 'baking') return `${at} ${step(e.step)} ${e.phase}`;
      return undefined;
    case 'preflight':
      return `${at} ${step(e.step)} preflight ${e.ok ? 'ok' : 'waiting'}: ${e.detail}`;
    case 'shifted':
      return `${at} ${step(e.step)} wrote ${split(plan, e.weights, e.effective)} on ${routes(plan)}, read back`;
    case 'tick':
      return `${at} ${step(e.step)} ${e.result.description} → ${e.decision}${e.replayed ? ' (replayed after a resume)' : ''}`;
    case 'alarm':
      return `${at} ${step(e.step)} ${e.detail}`;
    case 'rolledBackTo':
      return `${at} rolled back to ${e.step === null ? 'the start' : step(e.step)}: ${weightsText(plan, e.weights)}, read back`;
    case 'command':
      return `${at} operator command: ${e.command}`;
    case 'resumed':
      return `${at} ${resumedText(plan, e, step)}`;
    case 'start':
      return `${at} ${e.detail}`;
  }
}

/** How often a capacity wait that has not changed is said again (driver's clock). */
export const WAIT_REMINDER_MS = 60_000;

/** A capacity wait being said: its step and words, since when it waits, when it was last said. */
export interface PreflightWait {
  step: number;
  detail: string;
  since: number;
  saidAt: number;
}

/**
 * progressLine for people (plain lines, the live view's log): a preflight waiting for capacity
 * polls every few seconds, but is said when what it waits for changes, then at most once a
 * minute (`still waiting (2m)`), not once per poll. Pure: pass the returned `wait` to the next
 * call. `--output json` keeps every poll's event.
 */
export function quietProgressLine(
  plan: Plan,
  e: DriverEvent,
  now: number,
  wait: PreflightWait | null,
): { line: string | undefined; wait: PreflightWait | null } {
  if (e.type === 'preflight' && !e.ok) {
    const sameStep = wait !== null && wait.step === e.step;
    if (sameStep && wait.detail === e.detail) {
      if (now - wait.saidAt < WAIT_REMINDER_MS) return { line: undefined, wait };
      const at = new Date(now).toISOString().slice(11, 19);
      const step = `step ${Math.min(e.step + 1, plan.steps.length)}/${plan.steps.length}`;
      const waited = formatDuration(Math.round((now - wait.since) / 1000) * 1000);
      return {
        line: `${at} ${step} preflight still waiting (${waited}): ${e.detail}`,
        wait: { ...wait, saidAt: now },
      };
    }
    const since = sameStep ? wait.since : now;
    return { line: progressLine(plan, e, now), wait: { step: e.step, detail: e.detail, since, saidAt: now } };
  }
  return { line: progressLine(plan, e, now), wait: e.type === 'phase' ? null : wait };
}

/** Where a driver goes on from a record, in words: which step and what it does first. */
function resumedText(plan: Plan, e: Extract<DriverEvent, { type: 'resumed' }>, step: (i: number) => string): string {
  const at = e.step < 0 ? 'the start' : step(e.step);
  switch (e.from) {
    case 'step':
      return `resuming at ${at}: it had not started; checking capacity, then writing it`;
    case 'shift':
      return `resuming at ${at}: its split was being written and had not landed; writing it again`;
    case 'bake':
      return e.verifiedAt === undefined
        ? `resuming at ${at}: its split had landed; reading it back, then baking`
        : `resuming the bake of ${at} (verified ${new Date(e.verifiedAt).toISOString().slice(11, 19)}); it advances only after a passing tick of its own`;
    case 'approval':
      return `resuming at ${at}: waiting for approval again`;
    case 'paused':
      return `resuming at ${at}, paused: \`cutover resume\` goes on, \`cutover abort\` rolls back`;
    case 'rollback':
      return `resuming the rollback of ${plan.name} from ${at}`;
  }
}

/** The last line of a run: what happened and where traffic is. */
export function summaryLine(plan: Plan, r: DriverResult): string {
  const at = `step ${Math.min(r.step + 1, plan.steps.length)} of ${plan.steps.length}`;
  switch (r.outcome) {
    case 'completed':
      return r.message ?? `rollout ${plan.name} completed: ${finalShares(plan)}`;
    case 'rolledBack':
      return r.moved
        ? `rollout ${plan.name} rolled back at ${at}: ${r.reason ?? 'unknown reason'}; traffic is back on ${plan.from}`
        : `rollout ${plan.name} stopped at ${at}: ${r.reason ?? 'unknown reason'}; no traffic moved (all of it is still on ${plan.from})`;
    case 'aborted':
      return `rollout ${plan.name} aborted by an operator at ${at}; traffic is back on ${plan.from}`;
    case 'failed':
      return r.interrupted
        ? `rollout ${plan.name} interrupted at ${at}; run it again to resume from the recorded step`
        : `rollout ${plan.name} failed at ${at}: ${r.reason ?? (r.error instanceof Error ? r.error.message : 'unknown error')}`;
  }
}

function finalShares(plan: Plan): string {
  const last = plan.steps.at(-1)?.state ?? plan.initial;
  return Object.entries(last.effective)
    .filter(([, p]) => p > 0)
    .map(([c, p]) => `${formatPercent(p / 100, 3)} on ${c}`)
    .join(', ');
}

function split(plan: Plan, weights: Record<string, number>, effective: Record<string, number>): string {
  const shares = plan.clusters.map((c) => `${c} ${formatPercent((effective[c] ?? 0) / 100, 3)}`).join(' ');
  return `${weightsText(plan, weights)} (${shares})`;
}

function weightsText(plan: Plan, weights: Record<string, number>): string {
  return plan.clusters.map((c) => `${c}=${weights[c] ?? 0}`).join(' ');
}

function routes(plan: Plan): string {
  return plan.routes.length === 1 ? `route ${plan.routes[0]!.name}` : `${plan.routes.length} routes`;
}

/**
 * The exit code of a driver's outcome (ARCHITECTURE §6): 0 completed, 3 rolled back, 4 aborted;
 * stopped by `signal` (the command's): 129 SIGHUP, 130 Ctrl-C, 143 SIGTERM.
 */
export function exitCodeOf(r: DriverResult, signal?: AbortSignal): number {
  if (r.interrupted) return stoppedExitCode(signal);
  const codes = {
    completed: ExitCode.ok,
    rolledBack: ExitCode.rolledBack,
    aborted: ExitCode.aborted,
    failed: ExitCode.internal,
  };
  return codes[r.outcome];
}
