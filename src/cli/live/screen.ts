import { createLogUpdate } from 'log-update';
import type { Plan } from '../../plan/plan-types.ts';
import type { Clock } from '../../util/clock.ts';
import type { RolloutStatus } from '../commands/status.ts';
import type { CommandContext } from '../context.ts';
import type { DriverProgress } from '../driver-progress.ts';
import type { TextStream } from '../io.ts';
import { summaryLine } from '../progress.ts';
import { renderFrame } from './frame.ts';
import { initialView, type LiveView, reduceView, viewOfStatus, withNote } from './model.ts';

/** The widest frame drawn, however wide the terminal (bars and charts stay readable). */
export const MAX_WIDTH = 120;

/**
 * The live view on a terminal: one frame (frame.ts) redrawn in place by log-update, which erases
 * and rewrites only the lines that changed (no escape codes of our own). The frame fits the
 * terminal's width (up to MAX_WIDTH) and height. Ctrl-C (the command's signal) or the end of the
 * run leaves the last frame on the screen; what follows prints below it.
 */
class Screen {
  private readonly update;
  private closed = false;
  private ticker: NodeJS.Timeout | undefined;
  private view: LiveView | undefined;

  constructor(
    private readonly ctx: CommandContext,
    private readonly now: () => number,
  ) {
    // showCursor: hiding it would make log-update (cli-cursor → signal-exit) re-raise SIGINT on
    // Ctrl-C, killing the process before the driver lets its lease go and prints the summary.
    this.update = createLogUpdate(sized(ctx.out.stream) as NodeJS.WriteStream, {
      showCursor: true,
      defaultWidth: 100,
      defaultHeight: 40,
    });
    ctx.signal.addEventListener('abort', this.close, { once: true });
  }

  get drawing(): boolean {
    return this.view !== undefined && !this.closed;
  }

  show(view: LiveView): void {
    if (this.closed) return;
    this.view = view;
    this.draw();
  }

  /** Redraws every `ms` too (countdowns move between events). */
  every(ms: number): void {
    if (this.ticker || this.closed) return;
    this.ticker = setInterval(this.draw, ms);
    this.ticker.unref();
  }

  readonly close = (): void => {
    if (this.closed) return;
    if (this.ticker) clearInterval(this.ticker);
    if (this.view) {
      this.draw();
      this.update.done();
    }
    this.closed = true;
    this.ctx.signal.removeEventListener('abort', this.close);
  };

  private readonly draw = (): void => {
    if (!this.view || this.closed) return;
    const { columns, rows } = sized(this.ctx.out.stream);
    const width = Math.min(columns ?? 100, MAX_WIDTH);
    const height = rows !== undefined && rows > 1 ? rows - 1 : undefined;
    this.update(renderFrame(this.view, { width, color: true, now: this.now(), ...(height ? { height } : {}) }));
  };
}

/**
 * The terminal as the screen sees it: a size of 0 (a pty nobody sized, e.g. under `script -c`)
 * or none is unknown, and the defaults apply (100 columns, 40 rows) — log-update too is given
 * undefined, not 0, or it would clip every frame to nothing.
 */
function sized(stream: TextStream): TextStream {
  return {
    write: (text) => stream.write(text),
    isTTY: stream.isTTY,
    get columns() {
      return stream.columns || undefined;
    },
    get rows() {
      return stream.rows || undefined;
    },
  };
}

/**
 * A driver's progress as the live view: the screen is drawn from the driver's first event on and
 * redrawn on every event and a few times a second. Lines before it (the demo's set-up) print as
 * they are; later ones go to the frame's log. The summary line follows below the last frame.
 */
export function startLiveScreen(
  ctx: CommandContext,
  input: { plan: Plan; clock: Clock; holder: string },
): DriverProgress {
  const { plan, clock } = input;
  const screen = new Screen(ctx, () => clock.now());
  let view: LiveView = initialView(plan, input.holder, clock.now());
  return {
    event(e) {
      view = reduceView(plan, view, e, clock.now());
      screen.show(view);
      // A virtual clock runs fast: redraw often enough that its countdowns move smoothly.
      screen.every(Math.min(1000, Math.max(100, 1000 / clock.speed)));
    },
    note(text) {
      if (!screen.drawing) ctx.out.line(text);
      else {
        view = withNote(view, text);
        screen.show(view);
      }
    },
    finish(result) {
      screen.close();
      ctx.out.line(summaryLine(plan, result));
    },
    close: screen.close,
  };
}

/** `cutover status --watch` on a terminal: each read of the tags redraws the one frame. */
export function startStatusScreen(
  ctx: CommandContext,
  plan: Plan,
  clock: Clock,
): { show(status: RolloutStatus): void; close(): void } {
  const screen = new Screen(ctx, () => clock.now());
  return { show: (status) => screen.show(viewOfStatus(plan, status, clock.now())), close: screen.close };
}
