import type { MetricReadings } from './metric-results.ts';
import { keysFor, minuteTotals } from './metric-results.ts';
import type { CompareAccumulator, MinuteCounts } from './sequential.ts';
import { accumulate, sequentialTest } from './sequential.ts';
import type { Verdict } from './verdict.ts';
import { showRate, showRatio } from './verdict.ts';

/**
 * `compare5xx`: the candidate's target 5xx rate against the baseline's over the same minutes,
 * with the always-valid sequential test of sequential.ts on the running totals of every minute
 * judged so far in the rollout. The totals are an explicit accumulator the caller keeps (and
 * persists) between ticks; a minute is added once, however the windows overlap.
 * Unreadable series: inconclusive, nothing added. Fewer than `minRequests` requests on either
 * side so far: inconclusive (the normal approximation needs some data), never a pass.
 */

export interface Compare5xxSpec {
  baseline: string;
  candidate: string;
  maxIncrease: number;
  minRequests: number;
  confidence: number;
}

export function evaluateCompare5xx(
  check: number,
  spec: Compare5xxSpec,
  readings: MetricReadings,
  acc: CompareAccumulator,
): { verdict: Verdict; accumulator: CompareAccumulator } {
  const type = 'compare5xx';
  const head = `${type} ${spec.candidate} vs ${spec.baseline}`;
  const series = [
    minuteTotals(readings, keysFor(readings, 'RequestCount', spec.candidate)),
    minuteTotals(readings, keysFor(readings, 'HTTPCode_Target_5XX_Count', spec.candidate)),
    minuteTotals(readings, keysFor(readings, 'RequestCount', spec.baseline)),
    minuteTotals(readings, keysFor(readings, 'HTTPCode_Target_5XX_Count', spec.baseline)),
  ];
  const bad = series.find((s) => !s.ok);
  if (bad && !bad.ok) {
    const verdict: Verdict = {
      check,
      type,
      outcome: 'inconclusive',
      numbers: { threshold: spec.maxIncrease },
      description: `${head} unreadable (${bad.reason}) inconclusive`,
    };
    return { verdict, accumulator: acc };
  }
  const [cr, ce, br, be] = series.map((s) => new Map(s.ok ? s.minutes : []));
  const minutes: MinuteCounts[] = [...cr!.keys()].map((t) => ({
    t,
    candidateRequests: cr!.get(t)!,
    candidateErrors: ce!.get(t) ?? 0,
    baselineRequests: br!.get(t) ?? 0,
    baselineErrors: be!.get(t) ?? 0,
  }));
  const next = accumulate(acc, minutes);
  const { candidateRequests: nc, candidateErrors: xc, baselineRequests: nb, baselineErrors: xb } = next;
  const sides = `${showRatio(xc, nc)} vs ${showRatio(xb, nb)}`;
  const base = {
    requests: nc,
    errors: xc,
    rate: nc > 0 ? xc / nc : 0,
    baselineRequests: nb,
    baselineErrors: xb,
    baselineRate: nb > 0 ? xb / nb : 0,
    threshold: spec.maxIncrease,
  };
  if (nc < spec.minRequests || nb < spec.minRequests) {
    const verdict: Verdict = {
      check,
      type,
      outcome: 'inconclusive',
      numbers: base,
      description: `${head} ${sides}: fewer than ${spec.minRequests} requests on a side inconclusive`,
    };
    return { verdict, accumulator: next };
  }
  const r = sequentialTest(next, spec);
  const outcome = r.decision === 'undecided' ? 'inconclusive' : r.decision;
  const bounds = `difference ${signed(r.difference)} in [${signed(r.lowerBound)}, ${signed(r.upperBound)}]`;
  const verdict: Verdict = {
    check,
    type,
    outcome,
    numbers: { ...base, pValue: r.pValue, lowerBound: r.lowerBound, upperBound: r.upperBound },
    description: `${head} ${sides}, ${bounds} (${showRate(spec.confidence)}) vs +${showRate(spec.maxIncrease)} ${outcome}`,
  };
  return { verdict, accumulator: next };
}

function signed(x: number): string {
  return `${x < 0 ? '−' : '+'}${showRate(Math.abs(x))}`;
}
