import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lbDim, MINUTE, makeWorld, pods, sums } from './helpers.ts';

const share = (w: ReturnType<typeof makeWorld>['world'], tg: string, before = 0) =>
  (w.truth.get(w.targetGroupArn(tg))?.requests ?? 0) - before;

describe('traffic through the load balancer', () => {
  it('follows a weight change from the next sub-step', async () => {
    const { world, advance } = makeWorld();
    await advance(MINUTE);
    const greenBefore = share(world, 'web-green');
    assert.equal(greenBefore, 0);
    // WHEN a client shifts 25% to green
    world.elbv2.setForwardWeights(world.listenerArn('edge', 80), [
      { targetGroupArn: world.targetGroupArn('web-blue'), weight: 75 },
      { targetGroupArn: world.targetGroupArn('web-green'), weight: 25 },
    ]);
    const blue0 = share(world, 'web-blue');
    await advance(20 * MINUTE);
    // THEN green receives about a quarter of what both groups received since
    const g = share(world, 'web-green');
    const b = share(world, 'web-blue', blue0);
    assert.ok(Math.abs(g / (g + b) - 0.25) < 0.01, `green share ${g / (g + b)}`);
  });

  it('fails open to unhealthy targets when none is healthy', async () => {
    // GIVEN every blue pod fails its health checks from the start
    const { world, advance } = makeWorld((s) => {
      s.faults = [{ atMs: 0, kind: 'failHealthChecks', cluster: 'blue', pods: 4, mode: 'fail' }];
    });
    await advance(2 * MINUTE);
    const targets = world.elbv2.targetsOf(world.targetGroupArn('web-blue'));
    assert.ok(targets.every((t) => t.state === 'unhealthy' && t.reason === 'Target.FailedHealthChecks'));
    // WHEN traffic flows THEN it still reaches blue's pods (no ELB 5xx)
    const before = { ...world.truth.get(world.loadBalancerArn('edge'))! };
    await advance(5 * MINUTE);
    const after = world.truth.get(world.loadBalancerArn('edge'))!;
    assert.ok(after.requests - before.requests > 50_000);
    assert.equal(after.elb503 + after.elb502 + after.elb504, 0);
  });

  it('answers 504 from the ELB for targets whose pod is gone and stops once they are unhealthy', async () => {
    // GIVEN all blue pods are killed at 1 minute (the workload replaces them with new IPs)
    const { world, advance } = makeWorld((s) => {
      s.faults = [{ atMs: MINUTE, kind: 'killPods', cluster: 'blue', pods: 4 }];
    });
    const names = pods(world, 'blue').map((p) => p.metadata.name);
    await advance(MINUTE + 1000);
    assert.equal(pods(world, 'blue').filter((p) => names.includes(p.metadata.name)).length, 0);
    assert.equal(pods(world, 'blue').length, 4);
    await advance(5 * MINUTE);
    // THEN the stale registrations time out, and while they do requests fail-open to them: ELB 504
    const targets = world.elbv2.targetsOf(world.targetGroupArn('web-blue'));
    assert.ok(targets.every((t) => t.state === 'unhealthy' && t.reason === 'Target.Timeout'));
    assert.ok(world.truth.get(world.loadBalancerArn('edge'))!.elb504 > 0);
  });
});

describe('scheduled faults', () => {
  it('raises a cluster error rate at its time and restores it after `for`', async () => {
    const { world, advance, clock } = makeWorld((s) => {
      s.loadBalancers[0]!.listeners[0]!.forward = [{ targetGroup: 'web-blue', weight: 1 }];
      s.clusters[0]!.workloads[0]!.errorRate = 0;
      s.faults = [{ atMs: 10 * MINUTE, kind: 'errorRate', cluster: 'blue', errorRate: 0.5, forMs: 5 * MINUTE }];
    });
    const start = clock.now();
    await advance(25 * MINUTE);
    const errors = sums(world, 'HTTPCode_Target_5XX_Count', [lbDim(world)], Number.MAX_SAFE_INTEGER);
    // 5xx only in the minutes [start+10m, start+15m)
    assert.deepEqual(
      errors.timestamps.map((t) => (t - start) / MINUTE),
      [10, 11, 12, 13, 14],
    );
    assert.ok(errors.values.every((v) => v > 5000));
  });

  it('throttles AWS calls during the fault window only', async () => {
    const { world, advance } = makeWorld((s) => {
      s.faults = [
        {
          atMs: MINUTE,
          kind: 'awsThrottle',
          service: 'elbv2',
          operations: ['ModifyListener'],
          probability: 1,
          forMs: MINUTE,
        },
      ];
    });
    assert.equal(world.awsFault('elbv2', 'ModifyListener'), undefined);
    await advance(MINUTE);
    const e = world.awsFault('elbv2', 'ModifyListener');
    assert.equal(e?.code, 'Throttling');
    assert.equal(e?.status, 400);
    assert.equal(world.awsFault('elbv2', 'DescribeListeners'), undefined);
    assert.equal(world.awsFault('cloudwatch', 'ModifyListener'), undefined);
    await advance(MINUTE);
    assert.equal(world.awsFault('elbv2', 'ModifyListener'), undefined);
  });

  it('forces an alarm into ALARM and notifies server faults at their times', async () => {
    const seen: string[] = [];
    const { world, advance } = makeWorld((s) => {
      s.faults = [
        { atMs: 2 * MINUTE, kind: 'alarmState', alarm: 'edge-p99-latency', state: 'ALARM', reason: 'test' },
        { atMs: 3 * MINUTE, kind: 'watchDisconnect', cluster: 'green' },
      ];
    });
    world.onServerFault((f) => seen.push(`${f.kind}:${f.cluster}`));
    await advance(2 * MINUTE - 1000);
    assert.notEqual(world.cloudwatch.getAlarm('edge-p99-latency')?.state.value, 'ALARM');
    await advance(1000);
    assert.equal(world.cloudwatch.getAlarm('edge-p99-latency')?.state.value, 'ALARM');
    assert.deepEqual(seen, []);
    await advance(MINUTE);
    assert.deepEqual(seen, ['watchDisconnect:green']);
  });

  it('changes the request rate at its time', async () => {
    const { world, advance } = makeWorld((s) => {
      s.faults = [{ atMs: 5 * MINUTE, kind: 'traffic', loadBalancer: 'edge', port: 80, rps: 20 }];
    });
    await advance(10 * MINUTE);
    const { values } = sums(world, 'RequestCount', [lbDim(world)], Number.MAX_SAFE_INTEGER);
    const last = values.at(-1)!;
    assert.ok(Math.abs(last / 60 - 20) < 3, `rps ${last / 60}`);
  });
});

describe('forced alarm state with a duration', () => {
  it('keeps the alarm in ALARM through evaluations until the duration ends', async () => {
    const { world, advance } = makeWorld((s) => {
      s.faults = [
        {
          atMs: MINUTE,
          kind: 'alarmState',
          alarm: 'edge-p99-latency',
          state: 'ALARM',
          reason: 'test',
          forMs: 3 * MINUTE,
        },
      ];
    });
    await advance(MINUTE);
    const state = () => world.cloudwatch.getAlarm('edge-p99-latency')?.state.value;
    assert.equal(state(), 'ALARM');
    await advance(2 * MINUTE + 30_000);
    assert.equal(state(), 'ALARM');
    await advance(2 * MINUTE);
    assert.notEqual(state(), 'ALARM');
  });
});
