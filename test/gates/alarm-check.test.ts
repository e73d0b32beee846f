import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlarmPoll } from '../../src/gates/alarm-check.ts';
import { evaluateAlarms } from '../../src/gates/alarm-check.ts';
import { MIN, T0 } from './fixtures.ts';

const spec = { names: ['edge-p99', 'edge-composite'] };
const ok = [
  { name: 'edge-p99', state: 'OK' },
  { name: 'edge-composite', state: 'OK' },
];

describe('alarm', () => {
  const table: Array<[string, AlarmPoll, string, RegExp]> = [
    [
      'both OK and no transitions',
      { sinceMs: T0, alarms: ok, history: [] },
      'pass',
      /edge-p99 OK, edge-composite OK pass/,
    ],
    [
      'one in ALARM now',
      { sinceMs: T0, alarms: [{ name: 'edge-p99', state: 'ALARM', reason: 'Threshold Crossed' }, ok[1]!], history: [] },
      'fail',
      /edge-p99 in ALARM \(Threshold Crossed\) fail/,
    ],
    [
      'an ALARM since the last poll that is OK again',
      {
        sinceMs: T0,
        alarms: ok,
        history: [
          { name: 'edge-composite', atMs: T0 + MIN, newState: 'ALARM' },
          { name: 'edge-composite', atMs: T0 + 2 * MIN, newState: 'OK' },
        ],
      },
      'fail',
      /edge-composite went to ALARM at 2026-01-01T12:01:00.000Z \(OK now\)/,
    ],
    [
      'an ALARM before the last poll',
      { sinceMs: T0, alarms: ok, history: [{ name: 'edge-p99', atMs: T0 - MIN, newState: 'ALARM' }] },
      'pass',
      /pass/,
    ],
    [
      'an ALARM of an alarm not named',
      { sinceMs: T0, alarms: ok, history: [{ name: 'other', atMs: T0 + MIN, newState: 'ALARM' }] },
      'pass',
      /pass/,
    ],
    [
      'INSUFFICIENT_DATA',
      { sinceMs: T0, alarms: [{ name: 'edge-p99', state: 'INSUFFICIENT_DATA' }, ok[1]!], history: [] },
      'pass',
      /edge-p99 INSUFFICIENT_DATA/,
    ],
    [
      'a named alarm that does not exist',
      { sinceMs: T0, alarms: [ok[0]!], history: [] },
      'inconclusive',
      /edge-composite not found/,
    ],
    [
      'states unreadable',
      { sinceMs: T0, alarms: { error: 'Throttling' }, history: [] },
      'inconclusive',
      /states unreadable \(Throttling\)/,
    ],
    [
      'history unreadable',
      { sinceMs: T0, alarms: ok, history: { error: 'AccessDenied' } },
      'inconclusive',
      /history unreadable \(AccessDenied\)/,
    ],
    [
      'history unreadable but one in ALARM',
      { sinceMs: T0, alarms: [{ name: 'edge-p99', state: 'ALARM' }, ok[1]!], history: { error: 'AccessDenied' } },
      'fail',
      /in ALARM/,
    ],
  ];
  for (const [name, poll, outcome, description] of table) {
    it(`GIVEN ${name} THEN ${outcome}`, () => {
      const v = evaluateAlarms(4, spec, poll);
      assert.equal(v.outcome, outcome);
      assert.match(v.description, description);
      assert.equal(v.type, 'alarm');
    });
  }
});
