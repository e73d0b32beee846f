import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkApplies, describeCheck } from '../../src/plan/checks.ts';
import type { CheckSpec } from '../../src/spec/types.ts';

const checks: Array<[CheckSpec, string]> = [
  [
    { type: 'target5xxRate', cluster: 'green', max: 0.01, minRequests: 300 },
    'target5xxRate green ≤ 1% (min 300 requests)',
  ],
  [{ type: 'elb5xxRate', max: 0.005, minRequests: 100 }, 'elb5xxRate (load balancer) ≤ 0.5% (min 100 requests)'],
  [
    { type: 'healthyTargets', cluster: 'green', minRatio: 0.9, min: 3 },
    'healthyTargets green ≥ 90% of registered and ≥ 3',
  ],
  [
    {
      type: 'compare5xx',
      baseline: 'blue',
      candidate: 'green',
      maxIncrease: 0.005,
      minRequests: 300,
      confidence: 0.95,
    },
    "compare5xx green vs blue: 5xx rate ≤ blue's + 0.5% (95% confidence, min 300 requests)",
  ],
  [{ type: 'alarm', names: ['p99', '5xx'] }, 'alarm p99, 5xx not in ALARM (rolls back at once)'],
];

describe('describeCheck', () => {
  for (const [c, text] of checks) it(`${c.type} → ${text}`, () => assert.equal(describeCheck(c), text));
});

describe('checkApplies', () => {
  const start = { blue: 100, green: 0 };
  const mid = { blue: 75, green: 25 };
  const done = { blue: 0, green: 100 };
  it('cluster checks need traffic on their cluster; comparisons need it on both', () => {
    assert.deepEqual(
      checks.map(([c]) => [checkApplies(c, start), checkApplies(c, mid), checkApplies(c, done)]),
      [
        [false, true, true],
        [true, true, true],
        [false, true, true],
        [false, true, false],
        [true, true, true],
      ],
    );
  });
});
