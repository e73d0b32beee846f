import type { CheckSpec } from '../spec/types.ts';
import type { AlarmPoll } from './alarm-check.ts';
import { evaluateAlarms } from './alarm-check.ts';
import { evaluateCompare5xx } from './compare5xx.ts';
import type { TargetGroupHealth } from './healthy-targets.ts';
import { evaluateHealthyTargets } from './healthy-targets.ts';
import type { MetricReadings } from './metric-results.ts';
import { clusterTraffic } from './metric-results.ts';
import { evaluateElb5xxRate, evaluateTarget5xxRate } from './rate-checks.ts';
import type { CompareAccumulator } from './sequential.ts';
import { emptyAccumulator } from './sequential.ts';
import type { TickResult } from './tick.ts';
import { combineTick } from './tick.ts';
import type { Verdict } from './verdict.ts';
import type { MetricWindow } from './windows.ts';

/** What one tick read: the metrics (or why the call failed), target health per cluster, alarms. */
export interface TickInputs {
  window: MetricWindow;
  metrics: MetricReadings | { error: string };
  /** cluster → a snapshot of each of its target groups (one per route). */
  targetHealth: Record<string, TargetGroupHealth[]>;
  /** Absent when no alarm check is configured, or the poll failed (then give `{error}` states). */
  alarms?: AlarmPoll;
  /** compare5xx accumulators by check index (missing ones start empty). */
  compare: Record<string, CompareAccumulator>;
  /**
   * The same series over a longer span ending with the window (the minutes since the previous
   * read), charted by the live view and judged by nothing. Default: `metrics`.
   */
  traffic?: MetricReadings;
}

/**
 * Judges the checks `applicable` (indexes into `checks`, e.g. PlanStep.checks) over one tick's
 * inputs. Returns the tick (with each cluster's traffic per minute, when the metrics were read)
 * and the compare5xx accumulators to keep for the next tick.
 */
export function evaluateTick(
  checks: CheckSpec[],
  applicable: number[],
  inputs: TickInputs,
): { tick: TickResult; compare: Record<string, CompareAccumulator> } {
  const compare = { ...inputs.compare };
  const verdicts = applicable.map((i): Verdict => {
    const c = checks[i]!;
    if (c.type === 'healthyTargets') {
      const own = Object.hasOwn(inputs.targetHealth, c.cluster) ? inputs.targetHealth[c.cluster]! : [];
      return evaluateHealthyTargets(i, c, own);
    }
    if (c.type === 'alarm') {
      const poll = inputs.alarms ?? { sinceMs: 0, alarms: { error: 'not polled' }, history: [] };
      return evaluateAlarms(i, c, poll);
    }
    const m = inputs.metrics;
    if ('error' in m) {
      const subject =
        c.type === 'target5xxRate'
          ? ` ${c.cluster}`
          : c.type === 'compare5xx'
            ? ` ${c.candidate} vs ${c.baseline}`
            : '';
      return {
        check: i,
        type: c.type,
        outcome: 'inconclusive',
        numbers: {},
        description: `${c.type}${subject} metrics unreadable (${m.error}) inconclusive`,
      };
    }
    if (c.type === 'target5xxRate') return evaluateTarget5xxRate(i, c, m);
    if (c.type === 'elb5xxRate') return evaluateElb5xxRate(i, c, m);
    const r = evaluateCompare5xx(i, c, m, compare[i] ?? emptyAccumulator());
    compare[i] = r.accumulator;
    return r.verdict;
  });
  const read = inputs.traffic ?? inputs.metrics;
  const traffic = 'error' in read ? undefined : clusterTraffic(read);
  return { tick: combineTick(inputs.window, verdicts, traffic), compare };
}
