import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateRule,
  parseAlarmRule,
  RuleSyntaxError,
  ruleChildren,
  type StateValue,
} from '../../../src/sandbox/cloudwatch/alarm-rule.ts';

const states: Record<string, StateValue> = { a: 'ALARM', b: 'OK', 'my alarm': 'INSUFFICIENT_DATA', c: 'ALARM' };
const evalRule = (rule: string) => evaluateRule(parseAlarmRule(rule), (n) => states[n]);

describe('composite alarm rules', () => {
  const cases: [string, boolean][] = [
    ['ALARM(a)', true],
    ['ALARM(b)', false],
    ['OK(b)', true],
    ['INSUFFICIENT_DATA("my alarm")', true],
    ['ALARM( a )', true],
    ['ALARM(arn:aws:cloudwatch:us-east-1:000000000000:alarm:a)', true],
    ['TRUE', true],
    ['FALSE', false],
    ['NOT ALARM(b)', true],
    ['ALARM(a) AND ALARM(b)', false],
    ['ALARM(a) OR ALARM(b)', true],
    ['ALARM(b) OR ALARM(a) AND ALARM(b)', false], // AND binds tighter than OR
    ['(ALARM(b) OR ALARM(a)) AND ALARM(c)', true],
    ['NOT (ALARM(a) AND OK(b))', false],
    ['ALARM(missing)', false],
  ];
  for (const [rule, want] of cases) {
    it(`${rule} → ${want}`, () => assert.equal(evalRule(rule), want));
  }

  it('lists the referenced alarms once each, ARNs reduced to names', () => {
    const ast = parseAlarmRule('ALARM(a) OR OK("a") OR ALARM(arn:aws:cloudwatch:us-east-1:1:alarm:b)');
    assert.deepEqual([...ruleChildren(ast)], ['a', 'b']);
  });

  for (const bad of ['', 'ALARM(a', 'ALARM()', 'ALARM(a) AND', 'WARN(a)', 'ALARM(a) ALARM(b)', 'ALARM("a)']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseAlarmRule(bad), RuleSyntaxError));
  }
});
