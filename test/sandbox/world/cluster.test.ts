import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoints, makeWorld, pods, REF, slices } from './helpers.ts';

const GATE = 'target-health.cutover.dev/web';

describe('simulated cluster: pods, kubelet and EndpointSlices', () => {
  it('starts with ready pods with distinct per-cluster IPs and one slice per Service', () => {
    const { world } = makeWorld();
    const blue = pods(world, 'blue');
    const green = pods(world, 'green');
    assert.equal(blue.length, 4);
    assert.ok(blue.every((p) => p.status.phase === 'Running' && p.status.podIP.startsWith('10.1.')));
    assert.ok(green.every((p) => p.status.podIP.startsWith('10.2.')));
    assert.ok(blue.every((p) => p.status.conditions.find((c: any) => c.type === 'Ready').status === 'True'));
    const [slice] = slices(world, 'blue') as any[];
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'web');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
    assert.equal(slice.endpoints.length, 4);
    const e = slice.endpoints[0];
    assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(e.targetRef.kind, 'Pod');
    assert.ok(blue.some((p) => p.metadata.name === e.targetRef.name && p.metadata.uid === e.targetRef.uid));
  });

  it('runs a scaled-up pod from Pending to Ready after its start delay and adds its endpoint', async () => {
    const { world, advance } = makeWorld();
    const store = world.cluster('blue').store;
    // WHEN a client scales the Deployment to 5
    store.patch(REF.deployments, 'web', 'web', 'merge', { spec: { replicas: 5 } });
    await advance(1000);
    // THEN a fifth pod exists, Pending, with a not-ready endpoint
    const fresh = pods(world, 'blue').find((p) => p.status.phase === 'Pending');
    assert.ok(fresh, 'a pending pod');
    assert.equal(pods(world, 'blue').length, 5);
    const ep = endpoints(world, 'blue').find((x: any) => x.targetRef.name === fresh.metadata.name);
    assert.deepEqual(ep.conditions, { ready: false, serving: false, terminating: false });
    // WHEN the start delay (5 s) passes THEN it is Running and Ready, its endpoint ready
    await advance(5000);
    const after = store.get(REF.pods, 'web', fresh.metadata.name)!;
    assert.equal(after.status.phase, 'Running');
    assert.equal(after.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
    assert.equal(endpoints(world, 'blue').filter((x: any) => x.conditions.ready).length, 5);
    assert.equal(store.get(REF.deployments, 'web', 'web')!.status.readyReplicas, 5);
  });

  it('keeps a pod with a readiness gate not Ready until a client sets the gate condition True', async () => {
    // GIVEN a workload whose pods carry a readiness gate
    const { world, advance } = makeWorld((s) => {
      s.clusters[1]!.workloads[0]!.readinessGates = [GATE];
    });
    const store = world.cluster('green').store;
    // Existing pods had their gate set by whoever managed them.
    assert.ok(
      pods(world, 'green').every((p) => p.status.conditions.find((c: any) => c.type === 'Ready').status === 'True'),
    );
    // WHEN a new pod starts
    store.patch(REF.deployments, 'web', 'web', 'merge', { spec: { replicas: 5 } });
    await advance(10_000);
    const fresh = pods(world, 'green').find((p) => !p.status.conditions.some((c: any) => c.type === GATE))!;
    const cond = (p: any, t: string) => p.status.conditions.find((c: any) => c.type === t)?.status;
    // THEN its containers are ready but the pod is not, and its endpoint is not ready
    assert.equal(cond(fresh, 'ContainersReady'), 'True');
    assert.equal(cond(fresh, 'Ready'), 'False');
    assert.equal(fresh.status.conditions.find((c: any) => c.type === 'Ready').reason, 'ReadinessGatesNotReady');
    const ep = () => endpoints(world, 'green').find((x: any) => x.targetRef.name === fresh.metadata.name);
    assert.equal(ep().conditions.ready, false);
    // WHEN the agent writes the gate condition through pods/status
    store.patch(
      REF.pods,
      'web',
      fresh.metadata.name,
      'strategic',
      { status: { conditions: [{ type: GATE, status: 'True' }] } },
      { subresource: 'status', fieldManager: 'agent' },
    );
    await advance(1000);
    // THEN the pod turns Ready, keeps the gate condition, and its endpoint becomes ready
    const now = store.get(REF.pods, 'web', fresh.metadata.name)!;
    assert.equal(cond(now, 'Ready'), 'True');
    assert.equal(cond(now, GATE), 'True');
    assert.equal(ep().conditions.ready, true);
    // AND when the agent sets it False again, Ready follows
    store.patch(
      REF.pods,
      'web',
      fresh.metadata.name,
      'strategic',
      { status: { conditions: [{ type: GATE, status: 'False' }] } },
      { subresource: 'status', fieldManager: 'agent' },
    );
    await advance(1000);
    assert.equal(cond(store.get(REF.pods, 'web', fresh.metadata.name)!, 'Ready'), 'False');
    assert.equal(ep().conditions.ready, false);
  });

  it('terminates a deleted pod gracefully: terminating endpoint, replacement, removal after the grace period', async () => {
    const { world, advance } = makeWorld();
    const store = world.cluster('blue').store;
    const victim = pods(world, 'blue')[0]!.metadata.name;
    // WHEN a client deletes a pod (default grace 30 s)
    store.delete(REF.pods, 'web', victim);
    await advance(1000);
    // THEN it is still there, marked, its endpoint terminating (not ready, still serving)
    const marked = store.get(REF.pods, 'web', victim)!;
    assert.ok(marked.metadata.deletionTimestamp);
    const ep = endpoints(world, 'blue').find((x: any) => x.targetRef.name === victim);
    assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
    // AND a replacement was created at once
    assert.equal(pods(world, 'blue').filter((p) => !p.metadata.deletionTimestamp).length, 4);
    // WHEN the grace period ends THEN the pod and its endpoint are gone, its IP no longer answers
    await advance(30_000);
    assert.equal(store.get(REF.pods, 'web', victim), undefined);
    assert.equal(
      endpoints(world, 'blue').some((x: any) => x.targetRef.name === victim),
      false,
    );
    assert.equal(endpoints(world, 'blue').filter((x: any) => x.conditions.ready).length, 4);
    assert.equal(world.cluster('blue').backend(marked.status.podIP, 80).kind, 'gone');
  });

  it('spreads a large Service over slices of at most 100 endpoints', () => {
    const { world } = makeWorld((s) => {
      s.clusters[0]!.workloads[0]!.replicas = 250;
    });
    const sl = slices(world, 'blue') as any[];
    assert.equal(sl.length, 3);
    assert.ok(sl.every((s) => s.endpoints.length <= 100));
    assert.equal(new Set(sl.flatMap((s) => s.endpoints.map((e: any) => e.addresses[0]))).size, 250);
  });

  it('runs a pod a client created directly', async () => {
    const { world, advance } = makeWorld();
    const store = world.cluster('blue').store;
    store.create(REF.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'busybox', ports: [{ name: 'http', containerPort: 80 }] }] },
    });
    await advance(3000);
    const p = store.get(REF.pods, 'web', 'debug')!;
    assert.equal(p.status.phase, 'Running');
    assert.ok(p.status.podIP.startsWith('10.1.'));
    assert.ok(endpoints(world, 'blue').some((x: any) => x.targetRef.name === 'debug' && x.conditions.ready));
  });
});
