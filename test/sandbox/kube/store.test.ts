import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterStore, type KubeObject, type WatchEvent } from '../../../src/sandbox/kube/store.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { thrown } from './harness.ts';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const CMS = { group: '', version: 'v1', resource: 'configmaps' };
const NS = { group: '', version: 'v1', resource: 'namespaces' };
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
const TGBS = { group: 'cutover.dev', version: 'v1alpha1', resource: 'targetgroupbindings' };

function newStore(opts: { historyWindowMs?: number } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  return { clock, store: new ClusterStore({ name: 'blue', clock, ...opts }) };
}

function pod(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx' }] },
    ...extra,
  };
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'targetgroupbindings.cutover.dev' },
  spec: {
    group: 'cutover.dev',
    scope: 'Namespaced',
    names: { plural: 'targetgroupbindings', kind: 'TargetGroupBinding', shortNames: ['tgb'] },
    versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
  },
};

describe('ClusterStore', () => {
  it('sets server fields and bumps one cluster-wide resourceVersion on every write', () => {
    const { store } = newStore();
    const a = store.create(PODS, pod('a'));
    const b = store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    assert.ok(a.metadata.uid);
    assert.equal(a.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(a.metadata.generation, 1);
    assert.equal(Number(b.metadata.resourceVersion), Number(a.metadata.resourceVersion) + 1);
    const a2 = store.patch(PODS, 'default', 'a', 'merge', { metadata: { labels: { x: 'y' } } });
    assert.equal(Number(a2.metadata.resourceVersion), Number(b.metadata.resourceVersion) + 1);
    assert.equal(store.list(PODS).resourceVersion, a2.metadata.resourceVersion);
  });

  it('bumps generation only for spec changes; status goes only through /status', () => {
    const { store } = newStore();
    store.create(PODS, pod('a'));
    const labelled = store.patch(PODS, 'default', 'a', 'merge', {
      metadata: { labels: { x: 'y' } },
      status: { phase: 'Running' },
    });
    assert.equal(labelled.metadata.generation, 1);
    assert.equal(labelled.status.phase, 'Pending', 'main-resource writes ignore status');
    const status = store.patch(
      PODS,
      'default',
      'a',
      'merge',
      { status: { phase: 'Running' }, spec: { nodeName: 'x' } },
      { subresource: 'status' },
    );
    assert.equal(status.status.phase, 'Running');
    assert.equal(status.spec.nodeName, 'node-1', '/status writes ignore everything else');
    assert.equal(status.metadata.generation, 1);
    const spec = store.patch(PODS, 'default', 'a', 'strategic', {
      spec: { containers: [{ name: 'app', image: 'nginx:2' }] },
    });
    assert.equal(spec.metadata.generation, 2);
  });

  it('keeps status on create only when asked (in-process convenience)', () => {
    const { store } = newStore();
    assert.equal(store.create(PODS, pod('reset', { status: { phase: 'Running' } })).status.phase, 'Pending');
    assert.equal(
      store.create(PODS, pod('kept', { status: { phase: 'Running' } }), { keepStatus: true }).status.phase,
      'Running',
    );
  });

  it('a write that changes nothing commits nothing (no new resourceVersion, no event)', () => {
    const { store } = newStore();
    const a = store.create(PODS, pod('a'));
    const events: WatchEvent[] = [];
    store.onChange((e) => events.push(e));
    const same = store.patch(PODS, 'default', 'a', 'merge', { metadata: { labels: {} } });
    assert.equal(same.metadata.resourceVersion, a.metadata.resourceVersion);
    assert.equal(events.length, 0);
  });

  it('refuses stale updates with 409 and the real message', () => {
    const { store } = newStore();
    const a = store.create(PODS, pod('a'));
    store.update(PODS, { ...a, metadata: { ...a.metadata, labels: { v: '1' } } });
    const e = thrown(() => store.update(PODS, { ...a, metadata: { ...a.metadata, labels: { v: '2' } } }));
    assert.equal(e.code, 409);
    assert.equal(
      e.message,
      'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('generates names, and refuses objects in a missing namespace', () => {
    const { store } = newStore();
    const g = store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '', generateName: 'web-' } });
    assert.match(g.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const e = thrown(() => store.create(PODS, pod('x', { metadata: { name: 'x', namespace: 'nope' } })));
    assert.equal(e.code, 404);
    assert.equal(e.message, 'namespaces "nope" not found');
  });

  it('deletes pods gracefully and lets the kubelet (grace 0) finish', () => {
    const { store, clock } = newStore();
    store.create(
      PODS,
      pod('a', { spec: { nodeName: 'n', terminationGracePeriodSeconds: 10, containers: [{ name: 'c' }] } }),
    );
    const marked = store.delete(PODS, 'default', 'a')!;
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 10);
    assert.equal(marked.metadata.deletionTimestamp, new Date(clock.now() + 10_000).toISOString().replace('.000', ''));
    assert.ok(store.get(PODS, 'default', 'a'));
    // A second delete with a longer grace changes nothing; with 0 it removes the pod.
    assert.equal(
      store.delete(PODS, 'default', 'a', { gracePeriodSeconds: 30 })!.metadata.resourceVersion,
      marked.metadata.resourceVersion,
    );
    store.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    assert.equal(store.get(PODS, 'default', 'a'), undefined);
    // A pod never scheduled to a node has nothing to stop: it goes at once.
    store.create(PODS, pod('unscheduled', { spec: { containers: [{ name: 'c' }] } }));
    store.delete(PODS, 'default', 'unscheduled');
    assert.equal(store.get(PODS, 'default', 'unscheduled'), undefined);
  });

  it('keeps a terminating pod with a finalizer until the finalizer is removed', () => {
    const { store } = newStore();
    store.create(PODS, pod('a', { metadata: { name: 'a', namespace: 'default', finalizers: ['x/y'] } }));
    store.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    const held = store.get(PODS, 'default', 'a')!;
    assert.ok(held.metadata.deletionTimestamp);
    const events: string[] = [];
    store.onChange((e) => events.push(e.type));
    store.patch(PODS, 'default', 'a', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    assert.equal(store.get(PODS, 'default', 'a'), undefined);
    assert.deepEqual(events, ['DELETED']);
  });

  it('checks delete preconditions', () => {
    const { store } = newStore();
    const a = store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const e = thrown(() => store.delete(CMS, 'default', 'a', { preconditions: { uid: 'other' } }));
    assert.equal(e.code, 409);
    assert.match(e.message, /Precondition failed: UID in precondition: other/);
    store.delete(CMS, 'default', 'a', {
      preconditions: { uid: a.metadata.uid!, resourceVersion: a.metadata.resourceVersion! },
    });
    assert.equal(store.get(CMS, 'default', 'a'), undefined);
  });

  it('deleting a namespace removes what it contains', () => {
    const { store } = newStore();
    store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    store.create(PODS, pod('a', { metadata: { name: 'a', namespace: 'shop' } }));
    store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' } });
    store.delete(NS, undefined, 'shop');
    assert.equal(store.list(PODS, 'shop').items.length, 0);
    assert.equal(store.list(CMS, 'shop').items.length, 0);
    assert.equal(store.get(NS, undefined, 'shop'), undefined);
  });

  it('delivers onChange events in commit order even when a listener writes', () => {
    const { store } = newStore();
    const seen: string[] = [];
    store.onChange((e) => {
      seen.push(`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);
      if (e.object.metadata.name === 'a' && e.type === 'ADDED')
        store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    });
    store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const rvs = seen.map((s) => Number(s.split('@')[1]));
    assert.deepEqual(
      seen.map((s) => s.split('@')[0]),
      ['ADDED a', 'ADDED b'],
    );
    assert.ok(rvs[0]! < rvs[1]!);
  });

  it('forgets history after the window: older resourceVersions are 410 Expired', async () => {
    const { store, clock } = newStore({ historyWindowMs: 60_000 });
    const a = store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    assert.equal(store.eventsSince(Number(a.metadata.resourceVersion) - 1).length, 1);
    await clock.advance(61_000);
    const b = store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    const e = thrown(() => store.eventsSince(Number(a.metadata.resourceVersion) - 1));
    assert.equal(e.code, 410);
    assert.equal(e.reason, 'Expired');
    assert.equal(
      e.message,
      // The real watch cache names the oldest retained resourceVersion (b's) minus one.
      `too old resource version: ${Number(a.metadata.resourceVersion) - 1} (${Number(b.metadata.resourceVersion) - 1})`,
    );
    assert.equal(store.eventsSince(Number(a.metadata.resourceVersion)).length, 1);
    assert.equal(store.eventsSince(Number(b.metadata.resourceVersion)).length, 0);
  });

  it('serves a CRD after it is created, and drops its objects when it is deleted', () => {
    const { store } = newStore();
    assert.equal(store.resourceFor('tgb'), undefined);
    const created = store.create(CRDS, crd as KubeObject);
    assert.equal(created.status.conditions.find((c: any) => c.type === 'Established').status, 'True');
    assert.deepEqual(store.resourceFor('TargetGroupBinding'), TGBS);
    store.create(TGBS, {
      apiVersion: 'cutover.dev/v1alpha1',
      kind: 'TargetGroupBinding',
      metadata: { name: 'web' },
      spec: { a: 1 },
    });
    const smp = thrown(() => store.patch(TGBS, 'default', 'web', 'strategic', { spec: { a: 2 } }));
    assert.equal(smp.code, 415);
    store.delete(CRDS, undefined, crd.metadata.name);
    assert.equal(store.resourceFor('tgb'), undefined);
    assert.equal(thrown(() => store.list(TGBS)).code, 404);
  });

  it('server-side apply creates, owns fields, and applies to the status subresource', () => {
    const { store } = newStore();
    store.create(CRDS, crd as KubeObject);
    const body = (spec: object) => ({
      apiVersion: 'cutover.dev/v1alpha1',
      kind: 'TargetGroupBinding',
      metadata: { name: 'web' },
      spec,
    });
    const created = store.patch(TGBS, 'default', 'web', 'apply', body({ arn: 'a', port: 80 }), {
      fieldManager: 'agent',
    });
    assert.deepEqual(created.spec, { arn: 'a', port: 80 });
    assert.deepEqual(created.metadata.managedFields?.[0]?.fieldsV1, { 'f:spec': { 'f:arn': {}, 'f:port': {} } });
    const st = store.patch(
      TGBS,
      'default',
      'web',
      'apply',
      {
        apiVersion: 'cutover.dev/v1alpha1',
        kind: 'TargetGroupBinding',
        metadata: { name: 'web' },
        status: { observedGeneration: 1 },
      },
      { fieldManager: 'agent', subresource: 'status' },
    );
    assert.equal(st.status.observedGeneration, 1);
    assert.deepEqual(st.spec, { arn: 'a', port: 80 });
    assert.deepEqual(
      st.metadata.managedFields?.map((m: any) => `${m.manager}/${m.operation}/${m.subresource ?? ''}`),
      ['agent/Apply/', 'agent/Apply/status'],
    );
    const noManager = thrown(() => store.patch(TGBS, 'default', 'web', 'apply', body({}), {}));
    assert.equal(noManager.code, 422);
  });

  it('records Update ownership; an apply of a field someone else changed conflicts', () => {
    const { store } = newStore();
    store.create(
      CMS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
      { fieldManager: 'creator' },
    );
    const e = thrown(() =>
      store.patch(
        CMS,
        'default',
        'c',
        'apply',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } },
        { fieldManager: 'applier' },
      ),
    );
    assert.equal(e.code, 409);
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "creator" using v1: .data.a');
    // Applying the same value is shared ownership, not a conflict.
    const shared = store.patch(
      CMS,
      'default',
      'c',
      'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
      { fieldManager: 'applier' },
    );
    assert.deepEqual(
      shared.metadata.managedFields?.map((m: any) => m.manager),
      ['creator', 'applier'],
    );
  });

  it('dry run validates without storing', () => {
    const { store } = newStore();
    const dry = store.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } }, { dryRun: true });
    assert.equal(dry.metadata.name, 'd');
    assert.equal(store.get(CMS, 'default', 'd'), undefined);
  });

  it('scales deployments through the scale subresource', () => {
    const { store } = newStore();
    store.create(DEPLOY, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } },
      },
    });
    assert.equal(store.getScale(DEPLOY, 'default', 'web').spec.replicas, 1);
    const scaled = store.patch(DEPLOY, 'default', 'web', 'merge', { spec: { replicas: 3 } }, { subresource: 'scale' });
    assert.equal(scaled.kind, 'Scale');
    assert.equal(scaled.status.selector, 'app=web');
    assert.equal(store.get(DEPLOY, 'default', 'web')!.spec.replicas, 3);
    assert.equal(store.get(DEPLOY, 'default', 'web')!.metadata.generation, 2);
  });

  it('rejects a Deployment whose selector does not select its template, as apps validation words it', () => {
    const { store } = newStore();
    const err = thrown(() =>
      store.create(DEPLOY, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: -1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'api', tier: 'x' } }, spec: { containers: [{ name: 'c' }] } },
        },
      }),
    );
    assert.equal(err.code, 422);
    assert.equal(
      err.status.message,
      'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, ' +
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api", "tier":"x"}: `selector` does not match template `labels`]',
    );
    const missing = thrown(() =>
      store.create(DEPLOY, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { template: { spec: { containers: [{ name: 'c' }] } } },
      }),
    );
    assert.equal(missing.status.message, 'Deployment.apps "web" is invalid: spec.selector: Required value');
  });
});
