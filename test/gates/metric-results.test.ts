import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMetricQueries } from '../../src/gates/metric-queries.ts';
import { keysFor, minuteTotals, parseMetricData } from '../../src/gates/metric-results.ts';
import { API, MIN, T0, WEB } from './fixtures.ts';
import { answer } from './readings.ts';

const plan = buildMetricQueries([WEB], { startMs: T0, endMs: T0 + 3 * MIN });

describe('parseMetricData', () => {
  it('GIVEN datapoints for some minutes THEN the series holds them and missing minutes read as 0', () => {
    const r = parseMetricData(
      plan,
      answer(plan, { tg1_requests: [100, undefined, 300], tg1_target5xx: [undefined, 2] }),
    );
    assert.deepEqual(r.series.tg1_requests, {
      ok: true,
      points: [
        [T0, 100],
        [T0 + 2 * MIN, 300],
      ],
    });
    const totals = minuteTotals(r, keysFor(r, 'HTTPCode_Target_5XX_Count', 'green'));
    assert.deepEqual(totals, {
      ok: true,
      minutes: [
        [T0, 0],
        [T0 + MIN, 2],
        [T0 + 2 * MIN, 0],
      ],
    });
  });

  it('GIVEN a JSON round trip THEN the readings are unchanged (they can be persisted)', () => {
    const r = parseMetricData(plan, answer(plan, { tg1_requests: [1, 2, 3] }));
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });

  it('GIVEN datapoints outside the window THEN they are ignored', () => {
    const res = answer(plan, { tg1_requests: [5] });
    res[4]!.Timestamps!.push(new Date(T0 + 3 * MIN), new Date(T0 - MIN));
    res[4]!.Values!.push(1000, 1000);
    const r = parseMetricData(plan, res);
    assert.deepEqual(r.series.tg1_requests, { ok: true, points: [[T0, 5]] });
  });

  const unreadable: Array<[string, (res: ReturnType<typeof answer>) => void, RegExp]> = [
    ['a missing result', (res) => res.splice(4, 1), /no result/],
    [
      'PartialData',
      (res) =>
        Object.assign(res[4]!, { StatusCode: 'PartialData', Messages: [{ Code: 'MaxDatapoints', Value: 'more' }] }),
      /PartialData \(MaxDatapoints: more\)/,
    ],
    ['InternalError', (res) => Object.assign(res[4]!, { StatusCode: 'InternalError' }), /InternalError/],
    ['timestamps and values of different lengths', (res) => res[4]!.Values!.push(1), /timestamps for/],
    ['a negative value', (res) => (res[4]!.Values![0] = -1), /bad datapoint -1/],
  ];
  for (const [name, spoil, reason] of unreadable) {
    it(`GIVEN ${name} THEN that series is unreadable, with the reason`, () => {
      const res = answer(plan, { tg1_requests: [1, 2, 3] });
      spoil(res);
      const r = parseMetricData(plan, res);
      const s = r.series.tg1_requests!;
      assert.equal(s.ok, false);
      assert.match(s.ok ? '' : s.reason, reason);
      const totals = minuteTotals(r, keysFor(r, 'RequestCount', 'green'));
      assert.equal(totals.ok, false);
      assert.equal(r.series.tg0_requests!.ok, true);
    });
  }

  it('GIVEN a query paged across two results (PartialData, then Complete) THEN the pages merge', () => {
    const [first] = answer(plan, { tg1_requests: [1, 2] }).filter((x) => x.Id === 'tg1_requests');
    const [second] = answer(plan, { tg1_requests: [undefined, undefined, 3] }).filter((x) => x.Id === 'tg1_requests');
    const rest = answer(plan, {}).filter((x) => x.Id !== 'tg1_requests');
    const r = parseMetricData(plan, [...rest, { ...first!, StatusCode: 'PartialData' }, second!]);
    assert.deepEqual(r.series.tg1_requests, {
      ok: true,
      points: [
        [T0, 1],
        [T0 + MIN, 2],
        [T0 + 2 * MIN, 3],
      ],
    });
  });

  it('GIVEN two routes THEN a cluster reads the sum of its target groups on both', () => {
    const both = buildMetricQueries([WEB, API], { startMs: T0, endMs: T0 + MIN });
    const r = parseMetricData(both, answer(both, { tg1_requests: [100], tg3_requests: [50], tg0_requests: [7] }));
    const green = keysFor(r, 'RequestCount', 'green');
    assert.deepEqual(
      green.map((k) => k.id),
      ['tg1_requests', 'tg3_requests'],
    );
    assert.deepEqual(minuteTotals(r, green), { ok: true, minutes: [[T0, 150]] });
  });
});
