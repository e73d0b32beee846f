import type { StateValue } from './alarm-rule.ts';

export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

export interface EvaluationInput {
  /** Evaluation time: the end of the newest period judged (a period boundary), epoch ms. */
  at: number;
  periodSec: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: ComparisonOperator;
  treatMissingData: TreatMissingData;
  current: StateValue;
  /** The alarm's datapoints in the evaluation range (period starts), any order. */
  points: { t: number; v: number }[];
  /** Statistic name, for StateReasonData (absent for math alarms). */
  statistic?: string;
}

export interface EvaluationOutcome {
  /** 'retain' keeps the current state (treatMissingData=ignore). */
  state: StateValue | 'retain';
  reason: string;
  reasonData: Record<string, unknown>;
}

/**
 * How many periods CloudWatch looks back. AWS: "higher than Evaluation Periods… depends on the
 * length of the alarm period" and gives 5 for N=3 [U: the exact rule]; N+2, at least 5, here.
 */
export function evaluationRange(n: number): number {
  return Math.max(n + 2, 5);
}

const OP_TEXT: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(v: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return v >= threshold;
    case 'GreaterThanThreshold':
      return v > threshold;
    case 'LessThanThreshold':
      return v < threshold;
    case 'LessThanOrEqualToThreshold':
      return v <= threshold;
  }
}

/**
 * M-out-of-N evaluation with CloudWatch's missing-data rules (user guide, "How alarm state is
 * evaluated when data is missing"):
 * - at least N real points in the range: judge the N newest; treatMissingData is not used;
 * - fewer: every real point in the range counts, and the shortfall is filled per treatMissingData
 *   (missing/ignore fill nothing); no real point at all: missing → INSUFFICIENT_DATA, ignore →
 *   retain, breaching → ALARM, notBreaching → OK;
 * - "premature alarm" rule: with no non-breaching real point and a breaching one at least M
 *   periods old within the last N, missing → ALARM and ignore → retain.
 */
export function evaluateAlarm(e: EvaluationInput): EvaluationOutcome {
  const p = e.periodSec * 1000;
  const range = evaluationRange(e.evaluationPeriods);
  const rangeStart = e.at - range * p;
  const real = e.points
    .filter((x) => x.t >= rangeStart && x.t < e.at)
    .sort((a, b) => b.t - a.t)
    .map((x) => ({ ...x, age: Math.round((e.at - x.t) / p), breach: breaches(x.v, e.comparison, e.threshold) }));
  const n = e.evaluationPeriods;
  const m = e.datapointsToAlarm;
  const judged = real.length >= n ? real.slice(0, n) : real;
  const breachCount = judged.filter((x) => x.breach).length;
  const fill = n - real.length;

  let state: StateValue | 'retain';
  if (real.length >= n) state = breachCount >= m ? 'ALARM' : 'OK';
  else if (real.length === 0) {
    state = { missing: 'INSUFFICIENT_DATA', ignore: 'retain', breaching: 'ALARM', notBreaching: 'OK' }[
      e.treatMissingData
    ] as StateValue | 'retain';
  } else {
    const premature = real.every((x) => x.breach) && real.some((x) => x.age <= n && x.age >= m);
    if (e.treatMissingData === 'breaching') state = breachCount + fill >= m ? 'ALARM' : 'OK';
    else if (breachCount >= m) state = 'ALARM';
    else if (premature && e.treatMissingData === 'missing') state = 'ALARM';
    else if (premature && e.treatMissingData === 'ignore') state = 'retain';
    else state = 'OK';
  }

  // Reason texts are built only when read: most evaluations change nothing.
  const reason = (): string => {
    if (state === 'retain') return '';
    if (real.length === 0) {
      if (state === 'INSUFFICIENT_DATA') {
        return `Insufficient Data: ${n} ${n === 1 ? 'datapoint was' : 'datapoints were'} unknown.`;
      }
      return missingReason(n, e.treatMissingData);
    }
    const text = thresholdReason(judged, n, m, state, e, OP_TEXT[e.comparison]);
    if (real.length < n && (e.treatMissingData === 'breaching' || e.treatMissingData === 'notBreaching')) {
      const how = e.treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching';
      return text.replace(
        /\.$/,
        ` and ${fill} missing ${fill === 1 ? 'datapoint was' : 'datapoints were'} treated as [${how}].`,
      );
    }
    return text;
  };
  const reasonData = (): Record<string, unknown> => ({
    version: '1.0',
    queryDate: isoCw(e.at),
    startDate: isoCw(rangeStart),
    ...(e.statistic ? { statistic: e.statistic } : {}),
    period: e.periodSec,
    recentDatapoints: judged.map((x) => x.v),
    threshold: e.threshold,
    evaluatedDatapoints: judged.map((x) => ({ timestamp: isoCw(x.t), value: x.v })),
  });
  return {
    state,
    get reason() {
      return reason();
    },
    get reasonData() {
      return reasonData();
    },
  };
}

function thresholdReason(
  judged: { t: number; v: number; breach: boolean }[],
  n: number,
  m: number,
  state: StateValue,
  e: EvaluationInput,
  opText: string,
): string {
  const alarm = state === 'ALARM';
  const shown = judged.filter((x) => x.breach === alarm);
  const list = shown.map((x) => `${javaDouble(x.v)} (${shortDate(x.t)})`).join(', ');
  const verb = shown.length === 1 ? 'was' : 'were';
  const cmp = `${alarm ? '' : 'not '}${opText} the threshold (${javaDouble(e.threshold)})`;
  if (n === 1) return `Threshold Crossed: 1 datapoint [${list}] ${verb} ${cmp}.`;
  const need = alarm ? m : n - m + 1;
  const transition = alarm ? `${e.current} -> ALARM` : `${e.current} -> OK`;
  return (
    `Threshold Crossed: ${shown.length} out of the last ${n} datapoints [${list}] ${verb} ${cmp} ` +
    `(minimum ${need} ${need === 1 ? 'datapoint' : 'datapoints'} for ${transition} transition).`
  );
}

function missingReason(n: number, how: TreatMissingData): string {
  return (
    `Threshold Crossed: no datapoints were received for ${n} ${n === 1 ? 'period' : 'periods'} and ` +
    `${n} missing ${n === 1 ? 'datapoint was' : 'datapoints were'} treated as [${how === 'breaching' ? 'Breaching' : 'NonBreaching'}].`
  );
}

/** 12 → "12.0", 0.5 → "0.5" (AWS prints Java doubles). */
export function javaDouble(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** dd/MM/yy HH:mm:ss in UTC, as in AWS state reasons. */
export function shortDate(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 2026-01-01T00:05:00.000+0000, the timestamp format of StateReasonData. */
export function isoCw(t: number): string {
  return new Date(t).toISOString().replace('Z', '+0000');
}
