import type { Outcome, Verdict } from './verdict.ts';
import type { MetricWindow } from './windows.ts';

/**
 * A tick: every applicable check judged over one window. It fails if any check fails; otherwise
 * it is inconclusive if any check could not judge; otherwise it passes (a tick with no checks passes).
 */
export interface TickResult {
  window: MetricWindow;
  outcome: Outcome;
  verdicts: Verdict[];
  /** `tick 12:03–12:04 fail: target5xxRate green 2% (10/500) > 1% fail; …`. */
  description: string;
  /**
   * Each cluster's requests and target 5xx per minute, summed over its routes, read in the same
   * call as the checks' (TickInputs.traffic: the window and the minutes since the previous read;
   * absent when the metrics were not read or could not be). Judged by nothing: the live view
   * charts them, since a trend reads faster than numbers.
   */
  traffic?: Record<string, MinuteTraffic[]>;
}

/** One minute of one cluster's traffic (CloudWatch sums of that period). */
export interface MinuteTraffic {
  /** The period's start (ms). */
  startMs: number;
  requests: number;
  /** HTTPCode_Target_5XX_Count. */
  errors: number;
}

export function combineTick(
  window: MetricWindow,
  verdicts: Verdict[],
  traffic?: Record<string, MinuteTraffic[]>,
): TickResult {
  const outcome: Outcome = verdicts.some((v) => v.outcome === 'fail')
    ? 'fail'
    : verdicts.some((v) => v.outcome === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  const shown = outcome === 'pass' ? verdicts : verdicts.filter((v) => v.outcome === outcome);
  const what = shown.length > 0 ? `: ${shown.map((v) => v.description).join('; ')}` : ': no checks';
  const description = `tick ${showWindow(window)} ${outcome}${what}`;
  return { window, outcome, verdicts, description, ...(traffic ? { traffic } : {}) };
}

/** `12:03–12:05` (UTC). */
export function showWindow(w: MetricWindow): string {
  const hm = (t: number) => new Date(t).toISOString().slice(11, 16);
  return `${hm(w.startMs)}–${hm(w.endMs)}`;
}
