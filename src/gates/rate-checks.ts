import type { MetricReadings, MinuteTotals } from './metric-results.ts';
import { keysFor, minuteTotals } from './metric-results.ts';
import type { Verdict } from './verdict.ts';
import { showRate, showRatio } from './verdict.ts';

/**
 * Absolute 5xx rate checks over a tick's window: errors / requests summed over the window's
 * minutes (and over routes). Missing 5xx datapoints are 0; fewer requests than `minRequests`
 * (including none at all) is inconclusive, never a pass; an unreadable series is inconclusive.
 */

/** `target5xxRate`: HTTPCode_Target_5XX_Count / RequestCount of one cluster's target groups. */
export function evaluateTarget5xxRate(
  check: number,
  spec: { cluster: string; max: number; minRequests: number },
  readings: MetricReadings,
): Verdict {
  const requests = minuteTotals(readings, keysFor(readings, 'RequestCount', spec.cluster));
  const errors = minuteTotals(readings, keysFor(readings, 'HTTPCode_Target_5XX_Count', spec.cluster));
  return judgeRate(check, 'target5xxRate', spec.cluster, spec, requests, errors);
}

/** `elb5xxRate`: HTTPCode_ELB_5XX_Count / RequestCount of every route's load balancer. */
export function evaluateElb5xxRate(
  check: number,
  spec: { max: number; minRequests: number },
  readings: MetricReadings,
): Verdict {
  const requests = minuteTotals(readings, keysFor(readings, 'RequestCount'));
  const errors = minuteTotals(readings, keysFor(readings, 'HTTPCode_ELB_5XX_Count'));
  return judgeRate(check, 'elb5xxRate', 'load balancer', spec, requests, errors);
}

function judgeRate(
  check: number,
  type: string,
  subject: string,
  spec: { max: number; minRequests: number },
  requestTotals: MinuteTotals,
  errorTotals: MinuteTotals,
): Verdict {
  const head = `${type} ${subject}`;
  if (!requestTotals.ok || !errorTotals.ok) {
    const reason = requestTotals.ok ? (errorTotals as { reason: string }).reason : requestTotals.reason;
    return {
      check,
      type,
      outcome: 'inconclusive',
      numbers: { threshold: spec.max },
      description: `${head} unreadable (${reason}) inconclusive`,
    };
  }
  const requests = sum(requestTotals.minutes);
  const errors = sum(errorTotals.minutes);
  const numbers = { requests, errors, rate: requests > 0 ? errors / requests : 0, threshold: spec.max };
  if (requests < spec.minRequests) {
    return {
      check,
      type,
      outcome: 'inconclusive',
      numbers,
      description: `${head} ${showRatio(errors, requests)}: fewer than ${spec.minRequests} requests inconclusive`,
    };
  }
  const outcome = numbers.rate > spec.max ? 'fail' : 'pass';
  const sign = outcome === 'fail' ? '>' : '≤';
  return {
    check,
    type,
    outcome,
    numbers,
    description: `${head} ${showRatio(errors, requests)} ${sign} ${showRate(spec.max)} ${outcome}`,
  };
}

function sum(minutes: Array<[number, number]>): number {
  return minutes.reduce((a, [, v]) => a + v, 0);
}
