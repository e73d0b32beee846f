import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterStore } from '../../../src/sandbox/kube/store.ts';
import { makeWorld, REF } from './helpers.ts';

const NS = 'workshop';
const HASH_ALPHABET = /^[bcdfghjklmnpqrstvwxz2456789]+$/;

function deployment(spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'testapp', namespace: NS },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'testapp' } },
      template: {
        metadata: { labels: { app: 'testapp' } },
        spec: { containers: [{ name: 'simplewebserver', image: 'simplewebserver:1.0', ...container }] },
      },
      ...spec,
    },
  };
}

function setup(spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  const w = makeWorld();
  const store = w.world.cluster('blue').store;
  store.create(REF.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  store.create(REF.deployments, deployment(spec, container));
  return { ...w, store };
}

const pods = (store: ClusterStore): any[] => store.list(REF.pods, NS).items;
const live = (store: ClusterStore) => pods(store).filter((p) => !p.metadata.deletionTimestamp);
const isReady = (p: any) => p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
const replicaSets = (store: ClusterStore): any[] => store.list(REF.replicaSets, NS).items;
const dep = (store: ClusterStore): any => store.get(REF.deployments, NS, 'testapp');

describe('Deployment controller: any Deployment a client applies runs', () => {
  it('GIVEN a client Deployment WHEN time passes THEN it gets its ReplicaSet and ready pods spread over the zones', async () => {
    const { store, advance } = setup();
    await advance(1000);
    // THEN one ReplicaSet named <deployment>-<pod-template-hash>, owned by the Deployment
    const [rs, ...more] = replicaSets(store);
    assert.equal(more.length, 0);
    const hash = rs!.metadata.labels['pod-template-hash'];
    assert.match(hash, HASH_ALPHABET);
    assert.equal(rs!.metadata.name, `testapp-${hash}`);
    assert.deepEqual(rs!.spec.selector.matchLabels, { app: 'testapp', 'pod-template-hash': hash });
    const owner = rs!.metadata.ownerReferences[0];
    assert.deepEqual(
      [owner.kind, owner.name, owner.uid, owner.controller],
      ['Deployment', 'testapp', dep(store).metadata.uid, true],
    );
    assert.equal(rs!.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    // AND three pods owned by it, Pending with IPs from the cluster's range, one per zone
    const ps = pods(store);
    assert.equal(ps.length, 3);
    for (const p of ps) {
      assert.match(p.metadata.name, new RegExp(`^testapp-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.ownerReferences[0].uid, rs!.metadata.uid);
      assert.equal(p.metadata.labels['pod-template-hash'], hash);
      assert.match(p.status.podIP, /^10\.1\./);
      assert.equal(p.status.phase, 'Pending');
    }
    const zones = ps.map(
      (p) => store.get(REF.nodes, undefined, p.spec.nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'],
    );
    assert.deepEqual(new Set(zones), new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
    assert.equal(dep(store).status.conditions.find((c: any) => c.type === 'Available').status, 'False');
    // WHEN the containers start (2 s) THEN the pods are Running and Ready and the rollout is complete
    await advance(2000);
    assert.ok(pods(store).every((p) => p.status.phase === 'Running' && isReady(p)));
    assert.ok(pods(store).every((p) => p.status.containerStatuses[0].name === 'simplewebserver'));
    const st = dep(store).status;
    assert.deepEqual(
      [st.observedGeneration, st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas],
      [1, 3, 3, 3, 3],
    );
    const progressing = st.conditions.find((c: any) => c.type === 'Progressing');
    assert.equal(progressing.reason, 'NewReplicaSetAvailable');
    assert.equal(progressing.message, `ReplicaSet "testapp-${hash}" has successfully progressed.`);
    assert.equal(replicaSets(store)[0]!.status.readyReplicas, 3);
  });

  it('delays readiness by the readinessProbe initialDelaySeconds', async () => {
    const { store, advance } = setup({}, { readinessProbe: { httpGet: { port: 80 }, initialDelaySeconds: 10 } });
    await advance(5000);
    assert.ok(pods(store).every((p) => !isReady(p)));
    await advance(8000);
    assert.ok(pods(store).every((p) => isReady(p)));
  });

  it('gives a Service selecting the pods EndpointSlices with the named targetPort resolved, zone and node', async () => {
    const { store, advance } = setup({}, { ports: [{ name: 'web', containerPort: 8080 }] });
    store.create(REF.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'testapp', namespace: NS },
      spec: { selector: { app: 'testapp' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    });
    await advance(3000);
    const [slice] = store.list(REF.endpointSlices, NS).items as any[];
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.equal(slice.endpoints.length, 3);
    for (const e of slice.endpoints) {
      assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
      const node = store.get(REF.nodes, undefined, e.nodeName)!;
      assert.equal(e.zone, node.metadata.labels?.['topology.kubernetes.io/zone']);
    }
    // AND the legacy Endpoints object lists the same ready pods, sorted by IP
    const ep: any = store.get(REF.endpoints, NS, 'testapp');
    assert.equal(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], 'true');
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const ips = slice.endpoints.map((e: any) => e.addresses[0]).sort();
    assert.deepEqual(
      ep.subsets[0].addresses.map((a: any) => a.ip),
      ips,
    );
    // WHEN a pod is deleted THEN it leaves Endpoints at once (terminating pods are not listed)
    store.delete(REF.pods, NS, slice.endpoints[0].targetRef.name);
    await advance(100);
    const after: any = store.get(REF.endpoints, NS, 'testapp');
    assert.ok(
      !after.subsets
        .flatMap((x: any) => [...(x.addresses ?? []), ...(x.notReadyAddresses ?? [])])
        .some((a: any) => a.ip === slice.endpoints[0].addresses[0]),
    );
  });

  it('scales with spec.replicas, and garbage-collects ReplicaSet and pods when the Deployment is deleted', async () => {
    const { store, advance } = setup();
    await advance(3000);
    store.patch(REF.deployments, NS, 'testapp', 'merge', { spec: { replicas: 5 } });
    await advance(3000);
    assert.equal(live(store).filter(isReady).length, 5);
    assert.equal(dep(store).status.availableReplicas, 5);
    store.patch(REF.deployments, NS, 'testapp', 'merge', { spec: { replicas: 1 } });
    await advance(1000);
    assert.equal(live(store).length, 1);
    assert.equal(replicaSets(store)[0]!.status.replicas, 1);
    // WHEN the Deployment is deleted THEN its ReplicaSet goes, and its pods after their grace period
    store.delete(REF.deployments, NS, 'testapp');
    await advance(1000);
    assert.equal(replicaSets(store).length, 0);
    assert.ok(pods(store).every((p) => p.metadata.deletionTimestamp));
    await advance(31_000);
    assert.equal(pods(store).length, 0);
  });

  it('rolls a template change out within maxSurge/maxUnavailable, and a rollback reuses the old ReplicaSet', async () => {
    const { store, advance } = setup({ replicas: 4 });
    await advance(3000);
    const first = replicaSets(store)[0]!.metadata.name;
    store.patch(REF.deployments, NS, 'testapp', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'simplewebserver', image: 'simplewebserver:2.0' }] } } },
    });
    // Defaults for 4 replicas: maxSurge 1, maxUnavailable 1.
    for (let i = 0; i < 30; i++) {
      await advance(500);
      const l = live(store);
      assert.ok(l.length <= 5, `at most 5 pods, saw ${l.length}`);
      assert.ok(l.filter(isReady).length >= 3, `at least 3 ready, saw ${l.filter(isReady).length}`);
    }
    const second = replicaSets(store).find((r) => r.metadata.name !== first)!;
    assert.equal(second.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.equal(store.get(REF.replicaSets, NS, first)!.spec.replicas, 0);
    assert.ok(live(store).every((p) => p.spec.containers[0].image === 'simplewebserver:2.0'));
    const st = dep(store).status;
    assert.deepEqual([st.replicas, st.updatedReplicas, st.availableReplicas], [4, 4, 4]);
    assert.equal(dep(store).metadata.annotations['deployment.kubernetes.io/revision'], '2');
    // WHEN the template goes back THEN the first ReplicaSet is scaled up again, as revision 3
    store.patch(REF.deployments, NS, 'testapp', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'simplewebserver', image: 'simplewebserver:1.0' }] } } },
    });
    await advance(20_000);
    assert.equal(replicaSets(store).length, 2);
    const back = store.get(REF.replicaSets, NS, first)!;
    assert.equal(back.spec.replicas, 4);
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  });

  it('Recreate: all old pods are gone before any new pod is created', async () => {
    const { store, advance } = setup({ strategy: { type: 'Recreate' } });
    await advance(3000);
    store.patch(REF.deployments, NS, 'testapp', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'simplewebserver', image: 'simplewebserver:2.0' }] } } },
    });
    await advance(1000);
    const images = () => new Set(pods(store).map((p) => p.spec.containers[0].image));
    assert.deepEqual(images(), new Set(['simplewebserver:1.0']));
    assert.ok(pods(store).every((p) => p.metadata.deletionTimestamp));
    await advance(31_000);
    assert.deepEqual(images(), new Set(['simplewebserver:2.0']));
    await advance(3000);
    assert.equal(live(store).filter(isReady).length, 3);
  });

  it('recreates a pod a client deletes', async () => {
    const { store, advance } = setup();
    await advance(3000);
    const victim = pods(store)[0]!.metadata.name;
    store.delete(REF.pods, NS, victim, { gracePeriodSeconds: 0 });
    await advance(1000);
    assert.equal(live(store).length, 3);
    assert.ok(!pods(store).some((p) => p.metadata.name === victim));
  });
  it('reports ProgressDeadlineExceeded when pods stay not ready (a readiness gate nobody sets) past the deadline', async () => {
    const { store, advance } = setup({ progressDeadlineSeconds: 30 });
    await advance(3000);
    // WHEN the new template carries a readiness gate no controller sets
    store.patch(REF.deployments, NS, 'testapp', 'strategic', {
      spec: { template: { spec: { readinessGates: [{ conditionType: 'example.com/never' }] } } },
    });
    const progressing = () => dep(store).status.conditions.find((c: any) => c.type === 'Progressing');
    await advance(20_000);
    assert.equal(progressing().reason, 'ReplicaSetUpdated');
    await advance(20_000);
    // THEN the rollout has timed out, and the old pods still serve
    assert.deepEqual([progressing().status, progressing().reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(progressing().message, /^ReplicaSet "testapp-\w+" has timed out progressing\.$/);
    assert.ok(live(store).filter(isReady).length >= 2);
  });

  it('keeps a finished rollout finished when one of its pods dies', async () => {
    const { store, advance } = setup();
    await advance(3000);
    store.delete(REF.pods, NS, pods(store)[0]!.metadata.name, { gracePeriodSeconds: 0 });
    await advance(500);
    const st = dep(store).status;
    assert.equal(st.conditions.find((c: any) => c.type === 'Progressing').reason, 'NewReplicaSetAvailable');
    assert.equal(st.availableReplicas, 2);
    assert.equal(st.unavailableReplicas, 1);
  });
});
