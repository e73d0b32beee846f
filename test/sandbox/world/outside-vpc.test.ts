import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINUTE, makeWorld, pods } from './helpers.ts';

/** A cluster whose pods live outside the load balancer's VPC (scenario `clusters[].outsideVpc`). */
describe('a cluster outside the load balancer VPC', () => {
  it("has its pods registered with AvailabilityZone 'all', healthy and serving", async () => {
    // GIVEN green outside the VPC, its pods registered at start, 50/50 weights
    const { world, advance } = makeWorld((s) => {
      s.clusters.find((c) => c.name === 'green')!.outsideVpc = true;
      s.loadBalancers[0]!.listeners[0]!.forward = [
        { targetGroup: 'web-blue', weight: 50 },
        { targetGroup: 'web-green', weight: 50 },
      ];
    });
    // WHEN
    await advance(3 * MINUTE);
    // THEN green's targets are 'all' and healthy, blue's keep their subnet zones
    const green = world.elbv2.targetsOf(world.targetGroupArn('web-green'));
    assert.ok(green.length > 0);
    assert.ok(green.every((t) => t.availabilityZone === 'all' && t.state === 'healthy'));
    const blue = world.elbv2.targetsOf(world.targetGroupArn('web-blue'));
    assert.ok(blue.every((t) => t.availabilityZone.startsWith('us-east-1') && t.availabilityZone !== 'all'));
    assert.ok((world.truth.get(world.targetGroupArn('web-green'))?.requests ?? 0) > 0);
    // AND a client registering a green pod without a zone gets AWS's error
    const ip = pods(world, 'green')[0]!.status.podIP as string;
    assert.throws(
      () => world.elbv2.registerTargets(world.targetGroupArn('web-green'), [{ Id: ip, Port: 80 }]),
      (e: Error & { code?: string }) =>
        e.code === 'ValidationError' && e.message.includes(`since the IP address '${ip}' is outside the VPC`),
    );
  });
});
