import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
} from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from './harness.ts';

async function apiError(p: Promise<unknown>): Promise<ApiException<any>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e;
    throw e;
  }
  assert.fail('expected an ApiException');
}

function body(e: ApiException<any>): any {
  return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
}

const pod = (name: string, labels: Record<string, string> = {}, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: {
    ...(nodeName ? { nodeName } : {}),
    containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }],
    readinessGates: [{ conditionType: 'target-health.cutover.dev/web' }],
  },
});

describe('kube API server with @kubernetes/client-node', () => {
  let c: TestCluster;
  let core: CoreV1Api;
  before(async () => {
    c = await startTestCluster();
    core = c.kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await c.close();
  });

  it('creates, reads, lists, updates and deletes config maps; a stale resourceVersion gets 409 Conflict', async () => {
    // GIVEN a config map
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cfg', labels: { tier: 'a' } }, data: { k: 'v1' } },
    });
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    // WHEN it is updated with its current resourceVersion
    const updated = await core.replaceNamespacedConfigMap({
      name: 'cfg',
      namespace: 'default',
      body: { ...created, data: { k: 'v2' } },
    });
    // THEN the resourceVersion moves on, and the stale one is refused with the real message
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);
    const e = await apiError(
      core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'default', body: { ...created, data: { k: 'v3' } } }),
    );
    assert.equal(e.code, 409);
    assert.equal(body(e).reason, 'Conflict');
    assert.equal(
      body(e).message,
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
    const got = await core.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    assert.equal(got.data?.k, 'v2');
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier in (a,b)' });
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name),
      ['cfg'],
    );
    assert.ok(list.metadata?.resourceVersion);
    await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    const nf = await apiError(core.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' }));
    assert.equal(nf.code, 404);
    assert.equal(body(nf).message, 'configmaps "cfg" not found');
  });

  it('reports AlreadyExists and Invalid with Status bodies', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } });
    const dup = await apiError(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }),
    );
    assert.equal(dup.code, 409);
    assert.equal(body(dup).reason, 'AlreadyExists');
    const bad = await apiError(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }),
    );
    assert.equal(bad.code, 422);
    assert.equal(body(bad).reason, 'Invalid');
    assert.equal(body(bad).details.causes[0].field, 'metadata.name');
  });

  it('filters pods by label and field selectors, across namespaces', async () => {
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await core.createNamespacedPod({ namespace: 'shop', body: pod('a', { app: 'web', track: 'blue' }, 'node-1') });
    await core.createNamespacedPod({ namespace: 'shop', body: pod('b', { app: 'web' }, 'node-2') });
    await core.createNamespacedPod({ namespace: 'default', body: pod('c', { app: 'db' }, 'node-1') });
    const names = (l: { items: Array<{ metadata?: { name?: string } }> }) => l.items.map((i) => i.metadata?.name);
    assert.deepEqual(names(await core.listPodForAllNamespaces({ labelSelector: 'app=web' })), ['a', 'b']);
    assert.deepEqual(names(await core.listPodForAllNamespaces({ labelSelector: 'app!=web' })), ['c']);
    assert.deepEqual(names(await core.listPodForAllNamespaces({ labelSelector: '!track,app' })), ['c', 'b']);
    assert.deepEqual(names(await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-1' })), ['c', 'a']);
    assert.deepEqual(
      names(
        await core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'metadata.name!=a,status.phase=Pending' }),
      ),
      ['b'],
    );
    const e = await apiError(core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }));
    assert.equal(e.code, 400);
  });

  it('applies merge, JSON (with test) and strategic merge patches', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('patched', { app: 'web' }, 'node-1') });
    const merge = await core.patchNamespacedPod(
      { name: 'patched', namespace: 'default', body: { metadata: { labels: { extra: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(merge.metadata?.labels, { app: 'web', extra: 'yes' });
    const json = await core.patchNamespacedPod(
      {
        name: 'patched',
        namespace: 'default',
        body: [
          { op: 'test', path: '/metadata/labels/extra', value: 'yes' },
          { op: 'remove', path: '/metadata/labels/extra' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.deepEqual(json.metadata?.labels, { app: 'web' });
    const failed = await apiError(
      core.patchNamespacedPod(
        { name: 'patched', namespace: 'default', body: [{ op: 'test', path: '/metadata/labels/app', value: 'db' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    assert.equal(failed.code, 422);
    // Strategic merge: containers merge by name, readinessGates by conditionType.
    const smp = await core.patchNamespacedPod(
      {
        name: 'patched',
        namespace: 'default',
        body: {
          spec: {
            containers: [{ name: 'app', image: 'nginx:2' }],
            readinessGates: [{ conditionType: 'other/gate' }],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.equal(smp.spec?.containers.length, 1);
    assert.equal(smp.spec?.containers[0]?.image, 'nginx:2');
    assert.equal(smp.spec?.containers[0]?.ports?.[0]?.containerPort, 80);
    assert.deepEqual(
      smp.spec?.readinessGates?.map((g) => g.conditionType),
      ['target-health.cutover.dev/web', 'other/gate'],
    );
  });

  it('patches a readiness-gate condition through pods/status, leaving spec alone', async () => {
    // GIVEN a pod with two conditions
    await core.createNamespacedPod({ namespace: 'default', body: pod('gated', {}, 'node-1') });
    await core.patchNamespacedPodStatus(
      {
        name: 'gated',
        namespace: 'default',
        body: { status: { phase: 'Running', conditions: [{ type: 'ContainersReady', status: 'True' }] } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const before = await core.readNamespacedPod({ name: 'gated', namespace: 'default' });
    // WHEN the agent patches its gate condition (strategic merge by type), also trying to touch spec
    const after = await core.patchNamespacedPodStatus(
      {
        name: 'gated',
        namespace: 'default',
        body: {
          metadata: { labels: { sneaky: 'x' } },
          spec: { nodeName: 'other' },
          status: {
            conditions: [{ type: 'target-health.cutover.dev/web', status: 'True', reason: 'healthy' }],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    // THEN conditions are merged, and only status changed
    assert.deepEqual(
      after.status?.conditions?.map((x) => `${x.type}=${x.status}`),
      ['ContainersReady=True', 'target-health.cutover.dev/web=True'],
    );
    assert.equal(after.spec?.nodeName, 'node-1');
    assert.equal(after.metadata?.labels?.sneaky, undefined);
    assert.equal(after.metadata?.generation, before.metadata?.generation);
    assert.notEqual(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
    // AND a write to the main resource cannot change status
    const replaced = await core.replaceNamespacedPod({
      name: 'gated',
      namespace: 'default',
      body: { ...after, status: { phase: 'Failed' } },
    });
    assert.equal(replaced.status?.phase, 'Running');
  });

  it('deletes pods gracefully: marked with deletionTimestamp until deleted with grace 0', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('leaving', {}, 'node-1') });
    await core.deleteNamespacedPod({ name: 'leaving', namespace: 'default' });
    const marked = await core.readNamespacedPod({ name: 'leaving', namespace: 'default' });
    assert.ok(marked.metadata?.deletionTimestamp instanceof Date);
    assert.equal(marked.metadata?.deletionGracePeriodSeconds, 30);
    const listed = await core.listNamespacedPod({ namespace: 'default', fieldSelector: 'metadata.name=leaving' });
    assert.equal(listed.items.length, 1);
    await core.deleteNamespacedPod({ name: 'leaving', namespace: 'default', gracePeriodSeconds: 0 });
    const gone = await apiError(core.readNamespacedPod({ name: 'leaving', namespace: 'default' }));
    assert.equal(gone.code, 404);
  });

  it('holds an object with finalizers until the last finalizer is removed', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'held', finalizers: ['cutover.dev/cleanup'] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'held', namespace: 'default' });
    const marked = await core.readNamespacedConfigMap({ name: 'held', namespace: 'default' });
    assert.ok(marked.metadata?.deletionTimestamp);
    const add = await apiError(
      core.patchNamespacedConfigMap(
        { name: 'held', namespace: 'default', body: { metadata: { finalizers: ['cutover.dev/cleanup', 'x/y'] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    assert.equal(add.code, 422);
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace: 'default', body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal((await apiError(core.readNamespacedConfigMap({ name: 'held', namespace: 'default' }))).code, 404);
  });

  it('serves EndpointSlices and Leases (MicroTime needs 6 fractional digits)', async () => {
    const disc = c.kc.makeApiClient(DiscoveryV1Api);
    await disc.createNamespacedEndpointSlice({
      namespace: 'default',
      body: {
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      },
    });
    const slices = await disc.listNamespacedEndpointSlice({
      namespace: 'default',
      labelSelector: 'kubernetes.io/service-name=web',
    });
    assert.equal(slices.items[0]?.endpoints?.[0]?.addresses[0], '10.0.0.1');

    const coord = c.kc.makeApiClient(CoordinationV1Api);
    const now = new V1MicroTime();
    const lease = await coord.createNamespacedLease({
      namespace: 'default',
      body: {
        metadata: { name: 'agent' },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: now, acquireTime: now },
      },
    });
    assert.equal(lease.spec?.holderIdentity, 'a');
    const raw = c.store.get({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }, 'default', 'agent');
    assert.match(raw?.spec.renewTime, /\.\d{6}Z$/);
    // A plain Date serializes with 3 digits: the real server refuses it with 400.
    const bad = await apiError(
      coord.replaceNamespacedLease({
        name: 'agent',
        namespace: 'default',
        body: { ...lease, spec: { ...lease.spec, renewTime: new Date() as V1MicroTime } },
      }),
    );
    assert.equal(bad.code, 400);
    assert.match(body(bad).message, /cannot parse "\.\d{3}Z" as "\.000000"/);
    // Losing a race for the lease is a 409.
    await coord.replaceNamespacedLease({
      name: 'agent',
      namespace: 'default',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } },
    });
    const lost = await apiError(
      coord.replaceNamespacedLease({
        name: 'agent',
        namespace: 'default',
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } },
      }),
    );
    assert.equal(lost.code, 409);
    assert.match(body(lost).message, /^Operation cannot be fulfilled on leases\.coordination\.k8s\.io "agent"/);
  });

  it('records Events through core/v1 and events.k8s.io/v1', async () => {
    const involved = {
      apiVersion: 'cutover.dev/v1alpha1',
      kind: 'TargetGroupBinding',
      namespace: 'default',
      name: 'web',
    };
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'web-' },
        involvedObject: involved,
        reason: 'Registered',
        message: '3 targets registered',
        type: 'Normal',
        source: { component: 'cutover-agent' },
        count: 1,
        firstTimestamp: new Date(),
        lastTimestamp: new Date(),
      },
    });
    const listed = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=web,reason=Registered',
    });
    assert.equal(listed.items.length, 1);
    assert.match(listed.items[0]?.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
    const ev = c.kc.makeApiClient(EventsV1Api);
    const created = await ev.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'web.1' },
        eventTime: new V1MicroTime(),
        regarding: involved,
        reason: 'Deregistered',
        note: '1 target deregistered',
        type: 'Normal',
        action: 'Deregister',
        reportingController: 'cutover.dev/agent',
        reportingInstance: 'agent-0',
      },
    });
    assert.equal(created.reason, 'Deregistered');
  });

  it('server-side apply tracks field managers and reports conflicts unless forced', async () => {
    const apply = (manager: string, data: Record<string, string>, force?: boolean) =>
      core.patchNamespacedConfigMap(
        {
          name: 'ssa',
          namespace: 'default',
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data },
          fieldManager: manager,
          ...(force ? { force: true } : {}),
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    const first = await apply('agent', { a: '1', b: '2' });
    assert.equal(first.metadata?.managedFields?.[0]?.manager, 'agent');
    assert.equal(first.metadata?.managedFields?.[0]?.operation, 'Apply');
    const conflict = await apiError(apply('other', { a: '9' }));
    assert.equal(conflict.code, 409);
    assert.equal(body(conflict).message, 'Apply failed with 1 conflict: conflict with "agent" using v1: .data.a');
    const forced = await apply('other', { a: '9' }, true);
    assert.deepEqual(forced.data, { a: '9', b: '2' });
    // The first manager drops b from its configuration: b goes, a stays (owned by "other").
    const dropped = await apply('agent', {});
    assert.deepEqual(dropped.data, { a: '9' });
  });

  it('serves a CRD: custom objects CRUD, status subresource, and 415 for strategic merge', async () => {
    const crdBody = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'targetgroupbindings.cutover.dev' },
      spec: {
        group: 'cutover.dev',
        scope: 'Namespaced',
        names: {
          plural: 'targetgroupbindings',
          singular: 'targetgroupbinding',
          kind: 'TargetGroupBinding',
          shortNames: ['tgb'],
        },
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    const custom = c.kc.makeApiClient(CustomObjectsApi);
    const created = await custom.createClusterCustomObject({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      body: crdBody,
    });
    assert.deepEqual(
      created.status.conditions.map((x: any) => `${x.type}=${x.status}`),
      ['NamesAccepted=True', 'Established=True'],
    );
    const gvp = { group: 'cutover.dev', version: 'v1alpha1', namespace: 'default', plural: 'targetgroupbindings' };
    const tgb = await custom.createNamespacedCustomObject({
      ...gvp,
      body: {
        apiVersion: 'cutover.dev/v1alpha1',
        kind: 'TargetGroupBinding',
        metadata: { name: 'web' },
        spec: { serviceRef: { name: 'web', port: 80 }, targetGroupARN: 'arn:1' },
        status: { ignored: true },
      },
    });
    assert.equal(tgb.metadata.generation, 1);
    assert.equal(tgb.status, undefined);
    const st = await custom.patchNamespacedCustomObjectStatus(
      { ...gvp, name: 'web', body: { status: { observedGeneration: 1 }, spec: { targetGroupARN: 'arn:ignored' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(st.status.observedGeneration, 1);
    assert.equal(st.spec.targetGroupARN, 'arn:1');
    assert.equal(st.metadata.generation, 1);
    const spec = await custom.patchNamespacedCustomObject(
      { ...gvp, name: 'web', body: { spec: { targetGroupARN: 'arn:2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(spec.metadata.generation, 2);
    const smp = await apiError(
      custom.patchNamespacedCustomObject(
        { ...gvp, name: 'web', body: { spec: {} } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    assert.equal(smp.code, 415);
    const list = await custom.listNamespacedCustomObject(gvp);
    assert.equal(list.items.length, 1);
    await custom.deleteNamespacedCustomObject({ ...gvp, name: 'web' });
    assert.equal((await custom.listNamespacedCustomObject(gvp)).items.length, 0);
  });
});
