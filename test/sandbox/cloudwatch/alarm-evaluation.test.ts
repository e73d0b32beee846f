import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateAlarm, type TreatMissingData } from '../../../src/sandbox/cloudwatch/alarm-evaluation.ts';

const P = 300; // 5-minute periods, as in the user guide's tables
const AT = Date.UTC(2026, 0, 1, 1, 0, 0);

/** "0 - X - X" (oldest first, 5 slots ending at AT) → points; 0 = 5, X = 20, threshold 10. */
function points(pattern: string) {
  const slots = pattern.split(' ');
  return slots.flatMap((c, i) => {
    if (c === '-') return [];
    const age = slots.length - i;
    return [{ t: AT - age * P * 1000, v: c === 'X' ? 20 : 5 }];
  });
}

function run(pattern: string, m: number, n: number, treat: TreatMissingData, current = 'OK' as const) {
  return evaluateAlarm({
    at: AT,
    periodSec: P,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    threshold: 10,
    comparison: 'GreaterThanThreshold',
    treatMissingData: treat,
    current,
    points: points(pattern),
    statistic: 'Sum',
  }).state;
}

// Rows of "How alarm state is evaluated when data is missing" (CloudWatch user guide):
// [pattern, MISSING, IGNORE, BREACHING, NOT BREACHING]; 'retain' = "Retain current state".
const THREE_OF_THREE: [string, string, string, string, string][] = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', 'retain', 'ALARM', 'OK'],
];
const TWO_OF_THREE: [string, string, string, string, string][] = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - X -', 'ALARM', 'retain', 'ALARM', 'OK'],
];
const TREATS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

describe('alarm evaluation follows the user guide tables', () => {
  for (const [table, m, rows] of [
    ['3 of 3', 3, THREE_OF_THREE],
    ['2 of 3', 2, TWO_OF_THREE],
  ] as const) {
    for (const [pattern, ...want] of rows) {
      TREATS.forEach((treat, i) => {
        it(`${table}: ${pattern} with ${treat} → ${want[i]}`, () => {
          assert.equal(run(pattern, m, 3, treat), want[i]);
        });
      });
    }
  }
});

describe('alarm state reasons', () => {
  it('reads like AWS for a 1-of-1 breach', () => {
    const out = evaluateAlarm({
      at: AT,
      periodSec: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 10,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'missing',
      current: 'OK',
      points: [{ t: AT - 60_000, v: 12 }],
      statistic: 'Sum',
    });
    assert.equal(out.state, 'ALARM');
    assert.equal(
      out.reason,
      'Threshold Crossed: 1 datapoint [12.0 (01/01/26 00:59:00)] was greater than the threshold (10.0).',
    );
    assert.deepEqual(out.reasonData.recentDatapoints, [12]);
    assert.equal(out.reasonData.queryDate, '2026-01-01T01:00:00.000+0000');
  });

  it('names M, N and the transition for M-of-N', () => {
    const out = evaluateAlarm({
      at: AT,
      periodSec: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'missing',
      current: 'OK',
      points: [1, 2, 3].map((age) => ({ t: AT - age * 60_000, v: age === 2 ? 0.5 : 3 })),
    });
    assert.equal(out.state, 'ALARM');
    assert.equal(
      out.reason,
      'Threshold Crossed: 2 out of the last 3 datapoints [3.0 (01/01/26 00:59:00), 3.0 (01/01/26 00:57:00)] were greater than or equal to the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
  });

  it('says which datapoints were unknown for INSUFFICIENT_DATA', () => {
    const out = evaluateAlarm({
      at: AT,
      periodSec: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 1,
      comparison: 'LessThanThreshold',
      treatMissingData: 'missing',
      current: 'OK',
      points: [],
    });
    assert.equal(out.state, 'INSUFFICIENT_DATA');
    assert.equal(out.reason, 'Insufficient Data: 2 datapoints were unknown.');
  });
});
