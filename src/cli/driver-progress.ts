import type { DriverResult } from '../engine/driver.ts';
import type { DriverEvent } from '../engine/events.ts';
import type { Plan } from '../plan/plan-types.ts';
import type { Clock } from '../util/clock.ts';
import type { CommandContext } from './context.ts';
import { type PreflightWait, quietProgressLine, summaryLine } from './progress.ts';

/**
 * Where a driver's progress goes (`cutover run`, `cutover demo`), in one of three forms chosen
 * once per command:
 * - `--output json`: one JSON object per event (`time` added, every event, a capacity wait's
 *   repeated polls too), then `{type: "result", outcome, exitCode, reason, …}` (`cutover run`
 *   ends with such a result however it ends: an error gives its `error` fields, see run.ts);
 * - a terminal (text, stdout a TTY, NO_COLOR unset, TERM not dumb): the live view, one screen
 *   redrawn in place (src/cli/live/), then the summary line below its last frame;
 * - otherwise (pipes, CI logs, NO_COLOR): plain lines, one per event (a capacity wait once, then
 *   when it changes or a minute later: progress.ts quietProgressLine), then the summary line.
 */
export interface DriverProgress {
  event(e: DriverEvent): void;
  /** A line of the command's own (the demo's `demo: …`): printed, or shown in the live view's log. */
  note(text: string): void;
  /** Prints the outcome and the command's exit code: the live view's last frame stays and the summary goes below it. */
  finish(result: DriverResult, exitCode: number): void;
  /** Leaves the terminal as it is (the last frame stays) before an error is printed; idempotent. */
  close(): void;
}

export async function driverProgress(
  ctx: CommandContext,
  input: { plan: Plan; clock: Clock; holder: string },
): Promise<DriverProgress> {
  const { plan, clock } = input;
  const stamp = () => new Date(clock.now()).toISOString();
  if (ctx.out.format === 'json') {
    return {
      event: (e) => ctx.out.json({ ...e, time: stamp() }),
      note: (detail) => ctx.out.json({ type: 'note', detail, time: stamp() }),
      finish: (result, exitCode) =>
        ctx.out.json({
          type: 'result',
          ...result,
          exitCode,
          error: result.error instanceof Error ? result.error.message : undefined,
          time: stamp(),
        }),
      close: () => {},
    };
  }
  if (ctx.out.live) {
    const { startLiveScreen } = await import('./live/screen.ts');
    return startLiveScreen(ctx, input);
  }
  let wait: PreflightWait | null = null;
  return {
    event: (e) => {
      const said = quietProgressLine(plan, e, clock.now(), wait);
      wait = said.wait;
      if (said.line) ctx.out.line(said.line);
    },
    note: (text) => ctx.out.line(text),
    finish: (result) => ctx.out.line(summaryLine(plan, result)),
    close: () => {},
  };
}
