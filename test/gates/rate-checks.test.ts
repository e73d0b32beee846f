import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateElb5xxRate, evaluateTarget5xxRate } from '../../src/gates/rate-checks.ts';
import { webReadings } from './readings.ts';

const target = { cluster: 'green', max: 0.01, minRequests: 300 };

describe('target5xxRate', () => {
  const table: Array<[string, Record<string, Array<number | undefined>>, string, string]> = [
    // name, per-minute values over 2 minutes, outcome, description
    [
      '21 of 5000',
      { tg1_requests: [2500, 2500], tg1_target5xx: [20, 1] },
      'pass',
      'target5xxRate green 0.42% (21/5000) ≤ 1% pass',
    ],
    [
      'no 5xx datapoint at all (ALB publishes none for 0)',
      { tg1_requests: [400, 400] },
      'pass',
      'target5xxRate green 0% (0/800) ≤ 1% pass',
    ],
    [
      'exactly at the limit',
      { tg1_requests: [500, 500], tg1_target5xx: [10] },
      'pass',
      'target5xxRate green 1% (10/1000) ≤ 1% pass',
    ],
    [
      'above the limit',
      { tg1_requests: [500, 500], tg1_target5xx: [10, 1] },
      'fail',
      'target5xxRate green 1.1% (11/1000) > 1% fail',
    ],
    [
      'too few requests, even all failing',
      { tg1_requests: [100, 100], tg1_target5xx: [100, 100] },
      'inconclusive',
      'target5xxRate green 100% (200/200): fewer than 300 requests inconclusive',
    ],
    ['no RequestCount at all', {}, 'inconclusive', 'target5xxRate green – (0/0): fewer than 300 requests inconclusive'],
    [
      "the other cluster's errors",
      { tg1_requests: [500, 500], tg0_requests: [500, 500], tg0_target5xx: [50, 50] },
      'pass',
      'target5xxRate green 0% (0/1000) ≤ 1% pass',
    ],
  ];
  for (const [name, values, outcome, description] of table) {
    it(`GIVEN ${name} THEN ${outcome}`, () => {
      const v = evaluateTarget5xxRate(3, target, webReadings(values, 2));
      assert.equal(v.outcome, outcome);
      assert.equal(v.description, description);
      assert.equal(v.check, 3);
      assert.equal(v.numbers.threshold, 0.01);
    });
  }

  it('GIVEN an unreadable series THEN inconclusive naming the series', () => {
    const r = webReadings({ tg1_requests: [1000] });
    r.series.tg1_target5xx = { ok: false, reason: 'status PartialData' };
    const v = evaluateTarget5xxRate(0, target, r);
    assert.equal(v.outcome, 'inconclusive');
    assert.match(
      v.description,
      /HTTPCode_Target_5XX_Count targetgroup\/web-green\/2222222222222222: status PartialData/,
    );
  });

  it('GIVEN the numbers THEN requests, errors and rate are carried', () => {
    const v = evaluateTarget5xxRate(0, target, webReadings({ tg1_requests: [4000], tg1_target5xx: [60] }));
    assert.deepEqual(v.numbers, { requests: 4000, errors: 60, rate: 0.015, threshold: 0.01 });
  });
});

describe('elb5xxRate', () => {
  const spec = { max: 0.005, minRequests: 100 };
  it('GIVEN ELB 5xx over the load balancer requests THEN judged load-balancer-wide, not per target group', () => {
    const pass = evaluateElb5xxRate(
      1,
      spec,
      webReadings({ lb0_requests: [2000], lb0_elb5xx: [10], tg1_target5xx: [500] }),
    );
    assert.equal(pass.description, 'elb5xxRate load balancer 0.5% (10/2000) ≤ 0.5% pass');
    const fail = evaluateElb5xxRate(1, spec, webReadings({ lb0_requests: [2000], lb0_elb5xx: [11] }));
    assert.equal(fail.outcome, 'fail');
    const none = evaluateElb5xxRate(1, spec, webReadings({ tg1_requests: [2000] }));
    assert.equal(none.outcome, 'inconclusive');
  });
});
