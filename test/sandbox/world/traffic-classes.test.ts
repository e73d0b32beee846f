import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LbMinute } from '../../../src/sandbox/world/metrics.ts';
import { createRandom } from '../../../src/sandbox/world/prng.ts';
import { type Backend, groupPlan, routeRequests, type TargetState } from '../../../src/sandbox/world/traffic.ts';

const TG = 'arn:tg';
const target = (id: string, state = 'healthy'): TargetState => ({ id, port: 80, state });

describe('traffic by target classes', () => {
  // GIVEN 5 healthy targets: 3 pods at 1% errors, 1 pod at 10%, 1 address whose pod refuses; an unhealthy one
  const backends: Record<string, Backend> = {
    a: { kind: 'serving', errorRate: 0.01, latencyMs: 20 },
    b: { kind: 'serving', errorRate: 0.01, latencyMs: 20 },
    c: { kind: 'serving', errorRate: 0.1, latencyMs: 20 },
    d: { kind: 'serving', errorRate: 0.01, latencyMs: 20 },
    e: { kind: 'refused' },
  };
  const targets = [...Object.keys(backends).map((id) => target(id)), target('f', 'unhealthy')];
  const plan = groupPlan(targets, (ip) => backends[ip] ?? { kind: 'gone' });

  it('groups targets that answer alike and counts hosts', () => {
    assert.deepEqual(
      plan.classes.map((c) => [c.kind, c.targets]),
      [
        ['serving', 3],
        ['serving', 1],
        ['refused', 1],
      ],
    );
    assert.deepEqual([plan.routable, plan.healthy, plan.unhealthy, plan.registered], [5, 5, 1, 6]);
  });

  it('splits requests evenly over targets and draws errors per class, as per-target draws would on average', () => {
    const minute = new LbMinute();
    const ctx = { rng: createRandom(5), plan: () => plan, minute, stepSeconds: 1 };
    const n = 1_000_000;
    for (let i = 0; i < 100; i++) routeRequests(ctx, n / 100, [{ targetGroupArn: TG, weight: 1 }]);
    const c = minute.counts;
    // THEN 1/5 of the requests hit the refusing address (ELB 502), and the 5xx are
    // 3/5 × 1% + 1/5 × 10% of all requests
    assert.equal(c.requests, n);
    assert.ok(Math.abs(c.elb502 / n - 0.2) < 0.003, `502 share ${c.elb502 / n}`);
    const want = 0.6 * 0.01 + 0.2 * 0.1;
    assert.ok(Math.abs(c.target5xx / n - want) < 0.001, `5xx share ${c.target5xx / n}`);
    assert.equal(c.target2xx + c.target5xx + c.elb502, n);
  });

  it('fails open to every non-draining target when none is healthy', () => {
    const p = groupPlan([target('a', 'unhealthy'), target('b', 'draining'), target('c', 'initial')], (ip) =>
      ip === 'a' ? { kind: 'serving', errorRate: 0, latencyMs: 1 } : { kind: 'gone' },
    );
    assert.equal(p.routable, 2);
    assert.deepEqual(
      p.classes.map((c) => c.kind),
      ['serving', 'gone'],
    );
  });
});
