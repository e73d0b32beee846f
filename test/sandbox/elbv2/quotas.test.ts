import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ModifyListenerCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld, weightedForward } from './fixture.ts';

/** Target quotas (ALB-guide `load-balancer-limits`), both adjustable, so set small here. */
describe('ELBv2 target quotas over the real SDK', () => {
  let w: ElbWorld;
  afterEach(async () => {
    await w.close();
  });
  const register = (tgArn: string, ...ids: string[]) =>
    w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: ids.map((Id) => ({ Id })) }));

  it('counts the targets of every group a load balancer forwards to against its quota', async () => {
    // GIVEN a load balancer allowed 3 targets, forwarding to blue and green
    w = await startElbWorld({ attachGreen: true, model: { quotas: { targetsPerLoadBalancer: 3 } } });
    await register(w.blueArn, '10.0.1.1', '10.0.1.2');
    await register(w.greenArn, '10.0.2.1');
    // WHEN a fourth target is registered
    const err = await rejection(register(w.greenArn, '10.0.2.2'));
    // THEN refused, naming the load balancer, and nothing registered
    assert.equal(err.name, 'TooManyTargetsException');
    assert.match(err.message, /targets per load balancer \(3\).*would have 4/);
    assert.equal(w.model.targetsOf(w.greenArn).length, 1);
    // AND registering a registered target again is a no-op, not a fourth target
    await register(w.greenArn, '10.0.2.1');
    assert.equal(w.model.targetsOf(w.greenArn).length, 1);
  });

  it('refuses to attach a group whose targets would exceed the load balancer quota', async () => {
    // GIVEN green (not attached) holds 2 targets, blue 2, the quota is 3
    w = await startElbWorld({ model: { quotas: { targetsPerLoadBalancer: 3 } } });
    await register(w.blueArn, '10.0.1.1', '10.0.1.2');
    await register(w.greenArn, '10.0.2.1', '10.0.2.2');
    // WHEN the listener starts forwarding to green too
    const err = await rejection(
      w.elb.send(
        new ModifyListenerCommand({
          ListenerArn: w.listenerArn,
          DefaultActions: [
            weightedForward([
              [w.blueArn, 1],
              [w.greenArn, 1],
            ]),
          ],
        }),
      ),
    );
    // THEN
    assert.equal(err.name, 'TooManyTargetsException');
    assert.deepEqual(
      w.model.forwardTargets(w.listenerArn).map((g) => g.targetGroupArn),
      [w.blueArn],
    );
  });

  it('applies the per-target-group quota as set', async () => {
    // GIVEN
    w = await startElbWorld({ model: { quotas: { targetsPerTargetGroup: 2 } } });
    await register(w.blueArn, '10.0.1.1', '10.0.1.2');
    // WHEN
    const err = await rejection(register(w.blueArn, '10.0.1.3'));
    // THEN
    assert.equal(err.name, 'TooManyTargetsException');
    assert.match(err.message, /targets per target group \(2\).*would have 3/);
  });
});
