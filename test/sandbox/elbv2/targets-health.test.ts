import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld } from './fixture.ts';

const s = 1000;

describe('ELBv2 targets and health', () => {
  let w: ElbWorld;
  beforeEach(async () => {
    w = await startElbWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const health = async (tgArn: string, targets?: Array<{ Id: string; Port?: number }>) =>
    (
      await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: targets }))
    ).TargetHealthDescriptions!.map(
      (d) => `${d.Target?.Id}:${d.Target?.Port} ${d.TargetHealth?.State}/${d.TargetHealth?.Reason ?? '-'}`,
    );

  it('takes a registered target to healthy on its first passing check, not after HealthyThreshold', async () => {
    // GIVEN defaults: registration 10 s, interval 30 s, healthy threshold 5; the second target's
    // first check fails (ALB-guide: "After your target is registered, it must pass one health
    // check to be considered healthy")
    let firstOf6 = true;
    w.model.setProbe(({ id }) => {
      if (id !== '10.0.1.6' || !firstOf6) return 'pass';
      firstOf6 = false;
      return 'fail';
    });
    await w.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id: '10.0.1.5' }, { Id: '10.0.1.6' }] }),
    );
    assert.deepEqual(await health(w.blueArn), [
      '10.0.1.5:8080 initial/Elb.RegistrationInProgress',
      '10.0.1.6:8080 initial/Elb.RegistrationInProgress',
    ]);
    // WHEN the first check ran (t = 10 s)
    await w.clock.advance(10 * s);
    // THEN the passing target is healthy at once, the failing one still initial
    assert.deepEqual(await health(w.blueArn), [
      '10.0.1.5:8080 healthy/-',
      '10.0.1.6:8080 initial/Elb.InitialHealthChecking',
    ]);
    // WHEN its second check passes (t = 40 s)
    await w.clock.advance(30 * s - 1);
    assert.equal((await health(w.blueArn))[1], '10.0.1.6:8080 initial/Elb.InitialHealthChecking');
    await w.clock.advance(1);
    // THEN one pass was enough for it too
    assert.deepEqual(await health(w.blueArn), ['10.0.1.5:8080 healthy/-', '10.0.1.6:8080 healthy/-']);
    assert.equal(w.model.healthyTargets(w.blueArn).length, 2);
  });

  it('marks a failing target unhealthy with the reason of its failures, and heals it', async () => {
    // GIVEN a healthy target whose probe starts timing out
    let result: 'pass' | 'timeout' | 'mismatch' = 'pass';
    w.model.setProbe(() => result);
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.6' }]);
    await w.clock.advance(130 * s);
    assert.deepEqual(await health(w.blueArn), ['10.0.1.6:8080 healthy/-']);
    // WHEN two checks time out (unhealthy threshold 2)
    result = 'timeout';
    await w.clock.advance(30 * s);
    assert.deepEqual(await health(w.blueArn), ['10.0.1.6:8080 healthy/-']);
    await w.clock.advance(30 * s);
    // THEN
    assert.deepEqual(await health(w.blueArn), ['10.0.1.6:8080 unhealthy/Target.Timeout']);
    // AND a wrong status code changes the reason
    result = 'mismatch';
    await w.clock.advance(30 * s);
    const d = (await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: w.blueArn })))
      .TargetHealthDescriptions![0]!;
    assert.equal(d.TargetHealth?.Reason, 'Target.ResponseCodeMismatch');
    assert.match(d.TargetHealth?.Description ?? '', /Health checks failed with these codes/);
    // WHEN it passes HealthyThreshold checks again
    result = 'pass';
    await w.clock.advance(4 * 30 * s);
    assert.equal((await health(w.blueArn))[0], '10.0.1.6:8080 unhealthy/Target.ResponseCodeMismatch');
    await w.clock.advance(30 * s);
    assert.deepEqual(await health(w.blueArn), ['10.0.1.6:8080 healthy/-']);
  });

  it('honours ModifyTargetGroup health-check settings', async () => {
    // GIVEN interval 5 s, healthy threshold 2, a failing probe
    await w.elb.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: w.blueArn,
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 2,
        HealthyThresholdCount: 2,
      }),
    );
    w.model.setProbe(() => 'fail');
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.7' }]);
    // WHEN 10 s (registration) + 5 s pass
    await w.clock.advance(15 * s);
    // THEN two failures made it unhealthy
    assert.deepEqual(await health(w.blueArn), ['10.0.1.7:8080 unhealthy/Target.FailedHealthChecks']);
    const bad = await rejection(
      w.elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: w.blueArn, HealthCheckIntervalSeconds: 4 })),
    );
    assert.equal(bad.name, 'ValidationError');
  });

  it('drains a deregistered target for the deregistration delay, then forgets it', async () => {
    // GIVEN a delay of 60 s and a healthy target with a port override
    await w.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: w.blueArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }],
      }),
    );
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.8', Port: 9090 }]);
    await w.clock.advance(130 * s);
    // WHEN deregistered without the port, nothing happens (identity is id + port)
    await w.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id: '10.0.1.8' }] }));
    assert.deepEqual(await health(w.blueArn), ['10.0.1.8:9090 healthy/-']);
    // WHEN deregistered with its port
    await w.elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id: '10.0.1.8', Port: 9090 }] }),
    );
    // THEN draining until the delay ends
    assert.deepEqual(await health(w.blueArn), ['10.0.1.8:9090 draining/Target.DeregistrationInProgress']);
    await w.clock.advance(60 * s - 1);
    assert.deepEqual(await health(w.blueArn), ['10.0.1.8:9090 draining/Target.DeregistrationInProgress']);
    await w.clock.advance(1);
    assert.deepEqual(await health(w.blueArn), []);
    assert.deepEqual(await health(w.blueArn, [{ Id: '10.0.1.8', Port: 9090 }]), [
      '10.0.1.8:9090 unused/Target.NotRegistered',
    ]);
  });

  it('shows Target.NotInUse while no listener forwards to the group, and checks once it does', async () => {
    // GIVEN green is not attached
    w.model.registerTargets(w.greenArn, [{ Id: '10.0.2.1' }, { Id: '10.0.2.2' }]);
    await w.clock.advance(600 * s);
    assert.deepEqual(await health(w.greenArn), [
      '10.0.2.1:8080 unused/Target.NotInUse',
      '10.0.2.2:8080 unused/Target.NotInUse',
    ]);
    assert.equal(w.model.isInUse(w.greenArn), false);
    // WHEN green joins the forward with weight 0 (in use: health checks run at any weight [U])
    await w.elb.send(
      new ModifyListenerCommand({
        ListenerArn: w.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: w.blueArn, Weight: 1 },
                { TargetGroupArn: w.greenArn, Weight: 0 },
              ],
            },
          },
        ],
      }),
    );
    // THEN registration starts over, and the targets turn healthy
    assert.equal(w.model.isInUse(w.greenArn), true);
    assert.equal(w.model.loadBalancerOf(w.greenArn), w.lbArn);
    assert.deepEqual(await health(w.greenArn), [
      '10.0.2.1:8080 initial/Elb.RegistrationInProgress',
      '10.0.2.2:8080 initial/Elb.RegistrationInProgress',
    ]);
    await w.clock.advance(130 * s);
    assert.deepEqual(await health(w.greenArn), ['10.0.2.1:8080 healthy/-', '10.0.2.2:8080 healthy/-']);
    // WHEN detached again
    await w.elb.send(
      new ModifyListenerCommand({
        ListenerArn: w.listenerArn,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: w.blueArn }],
      }),
    );
    assert.deepEqual(await health(w.greenArn), [
      '10.0.2.1:8080 unused/Target.NotInUse',
      '10.0.2.2:8080 unused/Target.NotInUse',
    ]);
  });

  it('validates target addresses and the per-group target quota', async () => {
    const reg = (Id: string, AvailabilityZone?: string) =>
      w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: [{ Id, AvailabilityZone }] }));
    assert.equal((await rejection(reg('8.8.8.8'))).name, 'InvalidTargetException');
    assert.equal((await rejection(reg('not-an-ip'))).name, 'ValidationError');
    assert.equal((await rejection(reg('192.168.1.1'))).name, 'ValidationError');
    await reg('192.168.1.1', 'all');
    const many = Array.from({ length: 1000 }, (_, i) => ({ Id: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
    const err = await rejection(w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: w.blueArn, Targets: many })));
    assert.equal(err.name, 'TooManyTargetsException');
    assert.equal(w.model.targetsOf(w.blueArn).length, 1, 'a rejected call registers nothing');
    const missing = w.blueArn.replace('web-blue', 'web-none');
    assert.equal(
      (
        await rejection(
          w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: missing, Targets: [{ Id: '10.0.0.1' }] })),
        )
      ).name,
      'TargetGroupNotFoundException',
    );
  });

  it('notifies subscribers of weight and health changes', async () => {
    // GIVEN
    const seen: string[] = [];
    w.model.onChange((e) =>
      seen.push(
        e.type === 'health'
          ? `health:${e.state}/${e.reason ?? '-'}`
          : `${e.type}${'arn' in e ? `:${e.arn === w.listenerArn ? 'listener' : 'rule'}` : ''}`,
      ),
    );
    // WHEN
    w.model.registerTargets(w.blueArn, [{ Id: '10.0.1.9' }]);
    w.model.setForwardWeights(w.listenerArn, [
      { targetGroupArn: w.blueArn, weight: 50 },
      { targetGroupArn: w.greenArn, weight: 50 },
    ]);
    await w.clock.advance(130 * s);
    w.model.sync();
    // THEN a default rule's change is announced for the rule and for its listener
    assert.deepEqual(seen, [
      'health:initial/Elb.RegistrationInProgress',
      'targets',
      'actions:rule',
      'actions:listener',
      'health:healthy/-',
    ]);
  });
});
