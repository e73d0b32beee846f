import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetHealthLike } from '../../src/gates/healthy-targets.ts';
import { evaluateHealthyTargets } from '../../src/gates/healthy-targets.ts';
import { API, WEB } from './fixtures.ts';

const targets = (states: string): TargetHealthLike[] =>
  states.split(' ').map((s, i) => ({ id: `10.0.0.${i}`, port: 8080, state: s }));
const green = (states: string) => ({ arn: WEB.targetGroups.green!, targets: targets(states) });

describe('healthyTargets', () => {
  const table: Array<[string, { minRatio: number; min?: number }, string, string, string]> = [
    [
      'all healthy',
      { minRatio: 0.9 },
      'healthy healthy healthy',
      'pass',
      'healthyTargets green 3/3 healthy, need ≥ 90% pass',
    ],
    [
      '9 of 10 at 90%',
      { minRatio: 0.9 },
      `${'healthy '.repeat(9)}unhealthy`,
      'pass',
      'healthyTargets green 9/10 healthy, need ≥ 90% pass',
    ],
    [
      '8 of 10 at 90%',
      { minRatio: 0.9 },
      `${'healthy '.repeat(8)}unhealthy initial`,
      'fail',
      'healthyTargets green short: web-green 8/10, need ≥ 90% fail',
    ],
    [
      'draining targets do not count as registered',
      { minRatio: 1 },
      'healthy healthy draining',
      'pass',
      'healthyTargets green 2/2 healthy, need ≥ 100% pass',
    ],
    [
      'only draining targets',
      { minRatio: 0.5 },
      'draining draining',
      'fail',
      'healthyTargets green short: web-green 0/0, need ≥ 50% fail',
    ],
    [
      'fewer healthy than min',
      { minRatio: 0.5, min: 3 },
      'healthy healthy',
      'fail',
      'healthyTargets green short: web-green 2/2, need ≥ 50% and ≥ 3 fail',
    ],
  ];
  for (const [name, spec, states, outcome, description] of table) {
    it(`GIVEN ${name} THEN ${outcome}`, () => {
      const v = evaluateHealthyTargets(2, { cluster: 'green', ...spec }, [green(states)]);
      assert.equal(v.outcome, outcome);
      assert.equal(v.description, description);
    });
  }

  it('GIVEN two routes THEN every target group must pass and the counts add up', () => {
    const api = { arn: API.targetGroups.green!, targets: targets('healthy unhealthy') };
    const v = evaluateHealthyTargets(0, { cluster: 'green', minRatio: 0.9 }, [green('healthy healthy'), api]);
    assert.equal(v.outcome, 'fail');
    assert.match(v.description, /short: api-green 1\/2/);
    assert.deepEqual(v.numbers, { healthy: 3, registered: 4, rate: 0.75, threshold: 0.9 });
  });

  it('GIVEN a snapshot that could not be read, or none THEN inconclusive', () => {
    const bad = evaluateHealthyTargets(0, { cluster: 'green', minRatio: 0.9 }, [
      { arn: WEB.targetGroups.green!, targets: { error: 'Throttling' } },
    ]);
    assert.equal(bad.outcome, 'inconclusive');
    assert.match(bad.description, /web-green unreadable \(Throttling\)/);
    assert.equal(evaluateHealthyTargets(0, { cluster: 'green', minRatio: 0.9 }, []).outcome, 'inconclusive');
  });
});
