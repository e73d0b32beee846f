import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { cutoverBinding, TWO_CLUSTERS } from './fixtures/workloads.ts';
import { AgentHarness } from './harness.ts';

/**
 * One target group, two clusters (`multiClusterTargetGroup: true`): each agent records the
 * targets it registered in a ConfigMap and only ever deregisters those, so neither removes the
 * other cluster's pods nor a target someone registered by hand — also across restarts.
 */
describe('a target group shared by two clusters', () => {
  let h: AgentHarness;
  let shared: string;
  const manual = '10.9.0.7:80';

  before(async () => {
    h = await AgentHarness.start(TWO_CLUSTERS);
    await h.installCrds();
    shared = (await h.groupArns()).shared!;
    await h.elb.send(new RegisterTargetsCommand({ TargetGroupArn: shared, Targets: [{ Id: '10.9.0.7', Port: 80 }] }));
    await h.startAgent('blue');
    await h.startAgent('green');
  });
  after(() => h.close());

  /** Live targets' `ip:port`, and whether they equal both clusters' pods plus the manual one. */
  async function expected(): Promise<string[]> {
    const pods = [...(await h.podIps('blue', 'web', 'web')), ...(await h.podIps('green', 'web', 'web'))];
    return [...pods.map((ip) => `${ip}:80`), manual].sort();
  }
  const live = async () => (await h.targetSummary(shared)).map((t) => t.split('=')[0]!).sort();

  const owned = async (cluster: string) => {
    const cm = await h
      .kube(cluster)
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ namespace: 'web', name: 'cutover-targets-web' });
    return (cm.data?.targets ?? '').split(',').filter(Boolean).sort();
  };

  it('GIVEN both clusters bound to the group THEN it holds both clusters’ pods and the manual target; each ConfigMap lists only its own', async () => {
    for (const c of ['blue', 'green'])
      await h.apply(c, [cutoverBinding('web', 'web', 'web', shared, { multiClusterTargetGroup: true })]);
    const want = await h.eventually('8 pods + manual', async () => {
      const e = await expected();
      return e.length === 9 && JSON.stringify(await live()) === JSON.stringify(e) ? e : undefined;
    });
    assert.deepEqual(
      await owned('blue'),
      want.filter((t) => t.startsWith('10.1.')),
    );
    // Each binding's status counts its own cluster's targets, not the whole group's.
    const b = await h.eventually('blue status 4 healthy', async () => {
      const o = await h.binding('blue', CUTOVER_BINDINGS, 'web', 'web');
      return o.status?.healthyTargets !== undefined && o.status.healthyTargets >= 4 ? o : undefined;
    });
    assert.equal(b.status?.registeredTargets, 4);
    assert.equal(b.status?.healthyTargets, 4);
    assert.deepEqual(
      await owned('green'),
      want.filter((t) => t.startsWith('10.2.')),
    );
  });

  it('WHEN blue scales down to 2 THEN only blue’s removed pods leave; green’s and the manual target stay', async () => {
    await h.scale('blue', 'web', 'web', 2);
    const now = await h.eventually('6 pods + manual', async () => {
      const e = await expected();
      return e.length === 7 && JSON.stringify(await live()) === JSON.stringify(e) ? e : undefined;
    });
    assert.equal(now.filter((t) => t.startsWith('10.2.')).length, 4);
    assert.deepEqual(
      await owned('blue'),
      now.filter((t) => t.startsWith('10.1.')),
    );
  });

  it('WHEN the green agent restarts and green scales up THEN blue’s targets are still not touched', async () => {
    const green = h.agents.find((a) => a.name === 'green')!;
    await h.stopAgent(green);
    await h.scale('green', 'web', 'web', 5);
    await h.run(20_000);
    await h.startAgent('green');
    const now = await h.eventually('7 pods + manual', async () => {
      const e = await expected();
      return e.length === 8 && JSON.stringify(await live()) === JSON.stringify(e) ? e : undefined;
    });
    assert.equal(now.filter((t) => t.startsWith('10.1.')).length, 2);
    assert.ok(now.includes(manual));
    assert.deepEqual(
      await owned('green'),
      now.filter((t) => t.startsWith('10.2.')),
    );
  });

  it('WHEN blue’s binding is deleted THEN exactly blue’s targets drain; green’s and the manual one stay', async () => {
    await h
      .kube('blue')
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({ ...CUTOVER_BINDINGS, namespace: 'web', name: 'web' });
    const green = [...(await h.podIps('green', 'web', 'web')).map((ip) => `${ip}:80`), manual].sort();
    await h.eventually('only green + manual live', async () => JSON.stringify(await live()) === JSON.stringify(green));
    const draining = (await h.targets(shared))
      .filter((d) => d.TargetHealth?.State === 'draining')
      .map((d) => d.Target!.Id!);
    assert.ok(draining.length === 2 && draining.every((ip) => ip.startsWith('10.1.')), `draining: ${draining}`);
    assert.deepEqual(await owned('blue'), []);
  });
});
