import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CoreV1Api, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

const PODS = { group: '', version: 'v1', resource: 'pods' };

function podBody(name: string, labels: Record<string, string> = { app: 'web' }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx' }] },
  };
}

interface Recorded {
  events: string[];
  errors: unknown[];
}

async function podInformer(c: TestCluster, labelSelector?: string) {
  const core = c.kc.makeApiClient(CoreV1Api);
  const inf = makeInformer<V1Pod>(
    c.kc,
    '/api/v1/namespaces/default/pods',
    () => core.listNamespacedPod({ namespace: 'default', ...(labelSelector ? { labelSelector } : {}) }),
    labelSelector,
  );
  const rec: Recorded = { events: [], errors: [] };
  inf.on('add', (p) => rec.events.push(`add ${p.metadata?.name}`));
  inf.on('update', (p) => rec.events.push(`update ${p.metadata?.name}`));
  inf.on('delete', (p) => rec.events.push(`delete ${p.metadata?.name}`));
  inf.on('error', (e) => {
    // stop() aborts the running watch, which client-node reports as an error; that one is expected.
    if ((e as Error)?.name !== 'AbortError') rec.errors.push(e);
  });
  await inf.start();
  return { inf, rec };
}

describe('client-node informers against the emulated API server', () => {
  let c: TestCluster;
  afterEach(async () => {
    await c.close();
  });

  it('sees add, update (every write bumps the resourceVersion) and delete', async () => {
    // GIVEN a running informer and a pod that existed before it started
    c = await startTestCluster();
    c.store.create(PODS, podBody('early'));
    const { inf, rec } = await podInformer(c);
    try {
      await eventually('initial add', () => rec.events.includes('add early'));
      // WHEN the world adds, updates (status only) and deletes pods in-process
      c.store.create(PODS, podBody('p1'));
      c.store.patch(PODS, 'default', 'p1', 'merge', { status: { phase: 'Running' } }, { subresource: 'status' });
      c.store.delete(PODS, 'default', 'early', { gracePeriodSeconds: 0 });
      // THEN the informer reports each change and its cache follows
      await eventually('delete early', () => rec.events.includes('delete early'));
      assert.deepEqual(rec.events, ['add early', 'add p1', 'update p1', 'delete early']);
      assert.equal(inf.get('p1', 'default')?.status?.phase, 'Running');
      assert.equal(inf.get('early', 'default'), undefined);
      assert.deepEqual(rec.errors, []);
    } finally {
      await inf.stop();
    }
  });

  it('recovers from disconnectWatches(): re-watches from its last resourceVersion without losing events', async () => {
    c = await startTestCluster();
    const { inf, rec } = await podInformer(c);
    try {
      c.store.create(PODS, podBody('before'));
      await eventually('add before', () => rec.events.includes('add before'));
      // WHEN every watch stream is ended and changes happen while the client reconnects
      c.server.disconnectWatches();
      c.store.create(PODS, podBody('during'));
      // THEN the informer catches up (history replay from its resourceVersion)
      await eventually('add during', () => rec.events.includes('add during'));
      c.store.create(PODS, podBody('after'));
      await eventually('add after', () => rec.events.includes('add after'), 8000);
      assert.deepEqual(rec.events, ['add before', 'add during', 'add after']);
      assert.deepEqual(rec.errors, []);
    } finally {
      await inf.stop();
    }
  });

  it('relists after a 410 Expired: objects deleted meanwhile produce delete events', async () => {
    // GIVEN a short watch history, and an informer that knows pods a and b
    c = await startTestCluster({ historyMaxEvents: 3 });
    c.store.create(PODS, podBody('a'));
    c.store.create(PODS, podBody('b'));
    const { inf, rec } = await podInformer(c);
    await eventually('adds', () => rec.events.length === 2);
    await inf.stop();
    // WHEN, while it is stopped, a is deleted and enough writes happen to compact its resourceVersion away
    c.store.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    for (let i = 0; i < 5; i++)
      c.store.create(
        { group: '', version: 'v1', resource: 'configmaps' },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${i}` } },
      );
    c.store.create(PODS, podBody('c'));
    rec.errors.length = 0;
    await inf.start();
    try {
      // THEN the watch gets ERROR 410, the informer relists and reconciles its cache
      await eventually('relist', () => rec.events.includes('delete a') && rec.events.includes('add c'), 8000);
      assert.deepEqual(
        inf
          .list('default')
          .map((p) => p.metadata?.name)
          .sort(),
        ['b', 'c'],
      );
      assert.deepEqual(rec.errors, []);
    } finally {
      await inf.stop();
    }
  });

  it('with a label selector, a pod leaving the selection is a delete for the informer', async () => {
    c = await startTestCluster();
    const { inf, rec } = await podInformer(c, 'app=web');
    try {
      c.store.create(PODS, podBody('w1'));
      c.store.create(PODS, podBody('other', { app: 'db' }));
      await eventually('add w1', () => rec.events.includes('add w1'));
      c.store.patch(PODS, 'default', 'w1', 'merge', { metadata: { labels: { app: 'db' } } });
      await eventually('delete w1', () => rec.events.includes('delete w1'));
      assert.deepEqual(rec.events, ['add w1', 'delete w1']);
    } finally {
      await inf.stop();
    }
  });

  it('keeps up with 1000 pods whose status the world rewrites', async () => {
    // GIVEN 1000 pods and an informer over them
    c = await startTestCluster();
    for (let i = 0; i < 1000; i++) c.store.create(PODS, podBody(`p${i}`));
    const { inf, rec } = await podInformer(c);
    try {
      await eventually('1000 adds', () => rec.events.length === 1000, 30_000);
      // WHEN every pod's status is rewritten
      for (let i = 0; i < 1000; i++) {
        c.store.patch(
          PODS,
          'default',
          `p${i}`,
          'strategic',
          { status: { phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}` } },
          { subresource: 'status' },
        );
      }
      // THEN the informer sees every update (speed: npm run bench)
      await eventually('1000 updates', () => rec.events.length === 2000, 30_000);
      assert.equal(inf.get('p999', 'default')?.status?.podIP, '10.0.3.231');
    } finally {
      await inf.stop();
    }
  });

  it('restart(): the server listens again on the same port; an informer reports the broken stream and can be restarted', async () => {
    c = await startTestCluster();
    const { inf, rec } = await podInformer(c);
    const port = c.server.port;
    try {
      await c.server.restart();
      assert.equal(c.server.port, port);
      c.store.create(PODS, podBody('post-restart'));
      // client-node either re-watches (clean end) or stops with an error (connection reset): handle both
      await eventually('informer reacts', () => rec.events.includes('add post-restart') || rec.errors.length > 0, 8000);
      if (!rec.events.includes('add post-restart')) await inf.start();
      await eventually('add post-restart', () => rec.events.includes('add post-restart'), 8000);
      const core = c.kc.makeApiClient(CoreV1Api);
      const list = await core.listNamespacedPod({ namespace: 'default' });
      assert.deepEqual(
        list.items.map((p) => p.metadata?.name),
        ['post-restart'],
      );
    } finally {
      await inf.stop();
    }
  });
});
