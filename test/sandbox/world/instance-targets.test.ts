import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REF } from '../../../src/sandbox/world/kube-objects.ts';
import { MINUTE, makeWorld } from './helpers.ts';

/** Instance target groups: the clusters' nodes registered on a NodePort (world/instances.ts). */
describe('instance targets through a NodePort', () => {
  it('health-checks and serves instance targets through the NodePort to the ready pods', async () => {
    // GIVEN a NodePort Service in blue and an instance target group the listener sends 50% to
    const { world, advance } = makeWorld();
    const blue = world.cluster('blue');
    blue.store.create(REF.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-nodeport', namespace: 'web' },
      spec: {
        type: 'NodePort',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' }],
      },
    });
    const { arn: tgArn } = world.elbv2.createTargetGroup({
      Name: 'web-nodes',
      Protocol: 'HTTP',
      Port: 30080,
      TargetType: 'instance',
      HealthCheckIntervalSeconds: 10,
    });
    const listener = world.elbv2.listenersOf(world.loadBalancerArn('edge'))[0]!.ListenerArn as string;
    world.elbv2.setForwardWeights(listener, [
      { targetGroupArn: world.targetGroupArn('web-blue'), weight: 50 },
      { targetGroupArn: tgArn, weight: 50 },
    ]);
    const nodes = [...world.instances.instances()].filter(([, n]) => n.cluster.name === 'blue');
    assert.equal(nodes.length, 3);
    // WHEN the nodes are registered (and one on a port no Service listens on)
    world.elbv2.registerTargets(
      tgArn,
      nodes.map(([id]) => ({ Id: id })),
    );
    world.elbv2.registerTargets(tgArn, [{ Id: nodes[0]![0], Port: 31999 }]);
    await advance(2 * MINUTE);
    // THEN the NodePort targets are healthy in their nodes' zones, the other times out
    const targets = world.elbv2.targetsOf(tgArn);
    assert.deepEqual(
      targets.map((t) => `${t.port} ${t.state}/${t.reason ?? '-'}`),
      ['30080 healthy/-', '30080 healthy/-', '30080 healthy/-', '31999 unhealthy/Target.Timeout'],
    );
    assert.deepEqual(
      targets.slice(0, 3).map((t) => t.availabilityZone),
      nodes.map(([, n]) => n.zone),
    );
    // AND once they are healthy, every request to the group reaches a pod through them
    const before = { ...world.truth.get(tgArn)! };
    await advance(2 * MINUTE);
    const after = world.truth.get(tgArn)!;
    const requests = after.requests - before.requests;
    assert.ok(requests > 0);
    assert.equal(after.target2xx + after.target5xx - before.target2xx - before.target5xx, requests);
    // AND an instance the world does not know is refused
    assert.throws(
      () => world.elbv2.registerTargets(tgArn, [{ Id: 'i-0123456789abcdef0' }]),
      (e: Error & { code?: string }) => e.code === 'InvalidTarget' && e.message.includes('i-0123456789abcdef0'),
    );
  });

  it('fails the health check of an instance whose NodePort has no ready pod', async () => {
    // GIVEN a NodePort Service selecting no pod
    const { world, advance } = makeWorld();
    world.cluster('green').store.create(REF.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nobody', namespace: 'web' },
      spec: { type: 'NodePort', selector: { app: 'nobody' }, ports: [{ port: 80, nodePort: 30081, protocol: 'TCP' }] },
    });
    const { arn: tgArn } = world.elbv2.createTargetGroup({
      Name: 'nobody-nodes',
      Protocol: 'HTTP',
      Port: 30081,
      TargetType: 'instance',
      HealthCheckIntervalSeconds: 10,
    });
    world.elbv2.createRule({
      ListenerArn: world.elbv2.listenersOf(world.loadBalancerArn('edge'))[0]!.ListenerArn,
      Priority: 9,
      Conditions: [{ Field: 'path-pattern', Values: ['/nobody'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    });
    const [id] = [...world.instances.instances()].find(([, n]) => n.cluster.name === 'green')!;
    // WHEN
    world.elbv2.registerTargets(tgArn, [{ Id: id }]);
    await advance(MINUTE);
    // THEN
    assert.equal(world.elbv2.targetsOf(tgArn)[0]?.reason, 'Target.FailedHealthChecks');
  });
});
