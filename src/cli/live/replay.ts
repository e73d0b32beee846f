import type { DriverEvent } from '../../engine/events.ts';
import type { Plan } from '../../plan/plan-types.ts';
import { initialView, type LiveView, reduceView, withNote } from './model.ts';

/** One line of `cutover run|demo --output json`: a driver event, a demo note or the result, stamped. */
export type RecordedLine =
  | (DriverEvent & { time: string })
  | { type: 'note'; detail: string; time: string }
  | { type: 'result'; time?: string };

/** Reads a recording (`--output json` lines); blank lines are skipped. */
export function parseRecording(text: string): RecordedLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RecordedLine);
}

/**
 * Replays recorded lines into the live view, each at its recorded time, as the driver's screen
 * saw them: the views after each line, in order (the first is the view after the first line).
 */
export function replay(plan: Plan, lines: RecordedLine[], holder: string | null): LiveView[] {
  let view = initialView(plan, holder);
  const out: LiveView[] = [];
  for (const line of lines) {
    if (line.type === 'note') view = withNote(view, line.detail, Date.parse(line.time));
    else if (line.type !== 'result') view = reduceView(plan, view, line, Date.parse(line.time));
    out.push(view);
  }
  return out;
}
