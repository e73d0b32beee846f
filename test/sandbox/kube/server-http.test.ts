import assert from 'node:assert/strict';
import { request } from 'node:https';
import { afterEach, describe, it } from 'node:test';
import { ManualClock } from '../../../src/util/clock.ts';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

const CMS = { group: '', version: 'v1', resource: 'configmaps' };
const PODS = { group: '', version: 'v1', resource: 'pods' };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): any;
}

function call(
  c: TestCluster,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; auth?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, c.server.url);
    const req = request(
      url,
      {
        method,
        ca: c.caPem,
        headers: {
          ...(opts.auth === false ? {} : { Authorization: `Bearer ${c.token}` }),
          ...(opts.body ? { 'Content-Type': 'application/json' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Opens a watch and collects its lines; `ended` resolves when the server ends the stream. */
function openWatch(c: TestCluster, path: string, headers: Record<string, string> = {}) {
  const lines: any[] = [];
  let status = 0;
  let abort = () => {};
  const ended = new Promise<void>((resolve, reject) => {
    const req = request(
      new URL(path, c.server.url),
      { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}`, ...headers } },
      (res) => {
        status = res.statusCode ?? 0;
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
        });
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      },
    );
    req.on('error', (e) => (lines.length ? resolve() : reject(e)));
    req.end();
    abort = () => req.destroy();
  });
  return { lines, ended, status: () => status, abort: () => abort() };
}

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

describe('kube API server over HTTPS', () => {
  let c: TestCluster;
  afterEach(async () => {
    await c.close();
  });

  it('requires the bearer token except for health and version', async () => {
    c = await startTestCluster();
    const denied = await call(c, 'GET', '/api/v1/pods', { auth: false });
    assert.equal(denied.status, 401);
    assert.equal(denied.json().reason, 'Unauthorized');
    assert.equal((await call(c, 'GET', '/healthz', { auth: false })).text, 'ok');
    assert.equal((await call(c, 'GET', '/version', { auth: false })).json().minor, '32');
  });

  it('serves discovery and the OpenAPI documents kubectl reads', async () => {
    c = await startTestCluster();
    assert.deepEqual((await call(c, 'GET', '/api')).json().versions, ['v1']);
    const groups = (await call(c, 'GET', '/apis')).json().groups.map((g: any) => g.name);
    for (const g of ['apps', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'apiextensions.k8s.io'])
      assert.ok(groups.includes(g), g);
    const core = (await call(c, 'GET', '/api/v1')).json();
    const pods = core.resources.find((r: any) => r.name === 'pods');
    assert.deepEqual([pods.kind, pods.namespaced, pods.shortNames], ['Pod', true, ['po']]);
    assert.ok(core.resources.some((r: any) => r.name === 'pods/status'));
    const apps = (await call(c, 'GET', '/apis/apps/v1')).json();
    assert.equal(apps.resources.find((r: any) => r.name === 'deployments/scale').kind, 'Scale');
    const root = (await call(c, 'GET', '/openapi/v3')).json();
    const doc = (await call(c, 'GET', root.paths['api/v1'].serverRelativeURL)).json();
    const patch = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation' && p.in === 'query'));
    const v2 = await call(c, 'GET', '/openapi/v2', {
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    assert.equal(v2.status, 200);
    assert.equal(v2.text, '');
    assert.equal((await call(c, 'GET', '/apis/nope.example/v1')).status, 404);
  });

  it('paginates lists with limit/continue; an expired continue token is 410', async () => {
    c = await startTestCluster({ historyMaxEvents: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) c.store.create(CMS, cm(n));
    const names: string[] = [];
    let page = (await call(c, 'GET', '/api/v1/namespaces/default/configmaps?limit=2')).json();
    assert.equal(page.kind, 'ConfigMapList');
    assert.equal(page.metadata.remainingItemCount, 3);
    const listRv = page.metadata.resourceVersion;
    for (;;) {
      names.push(...page.items.map((i: any) => i.metadata.name));
      if (!page.metadata.continue) break;
      page = (
        await call(c, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${page.metadata.continue}`)
      ).json();
      assert.equal(page.metadata.resourceVersion, listRv, 'pages report the first page resourceVersion');
    }
    assert.deepEqual(names, ['a', 'b', 'c', 'd', 'e']);
    // WHEN the history moves past the token's resourceVersion
    const first = (await call(c, 'GET', '/api/v1/namespaces/default/configmaps?limit=2')).json();
    for (const n of ['f', 'g', 'h', 'i']) c.store.create(CMS, cm(n));
    const expired = await call(
      c,
      'GET',
      `/api/v1/namespaces/default/configmaps?limit=2&continue=${first.metadata.continue}`,
    );
    // THEN the server answers HTTP 410 Expired
    assert.equal(expired.status, 410);
    assert.equal(expired.json().reason, 'Expired');
  });

  it('watch: replays from a resourceVersion, streams live changes, and sends ERROR 410 for a compacted one', async () => {
    c = await startTestCluster({ historyMaxEvents: 3 });
    const a = c.store.create(CMS, cm('a'));
    const w = openWatch(
      c,
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${a.metadata.resourceVersion}`,
    );
    await eventually('watch open', () => w.status() === 200);
    c.store.patch(CMS, 'default', 'a', 'merge', { data: { k: 'v' } });
    c.store.delete(CMS, 'default', 'a');
    await eventually('two events', () => w.lines.length === 2);
    assert.deepEqual(
      w.lines.map((l) => l.type),
      ['MODIFIED', 'DELETED'],
    );
    assert.equal(w.lines[0].object.data.k, 'v');
    c.server.disconnectWatches();
    await w.ended;
    // A resourceVersion that fell out of history: 200, one ERROR event with a 410 Status, end of stream.
    for (const n of ['b', 'c', 'd', 'e']) c.store.create(CMS, cm(n));
    const old = openWatch(
      c,
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${a.metadata.resourceVersion}`,
    );
    await old.ended;
    assert.equal(old.lines.length, 1);
    assert.equal(old.lines[0].type, 'ERROR');
    assert.equal(old.lines[0].object.code, 410);
    assert.equal(old.lines[0].object.reason, 'Expired');
    assert.match(old.lines[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
  });

  it('watch without a resourceVersion starts with ADDED for the current state; bookmarks carry only the resourceVersion', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    c = await startTestCluster({ clock });
    c.store.create(CMS, cm('x'));
    const w = openWatch(c, '/api/v1/configmaps?watch=1&allowWatchBookmarks=true');
    await eventually('initial ADDED', () => w.lines.length === 1);
    assert.equal(w.lines[0].type, 'ADDED');
    await clock.advance(60_000);
    await eventually('bookmark', () => w.lines.length === 2);
    assert.deepEqual(w.lines[1], {
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: c.store.resourceVersion() } },
    });
    w.abort();
  });

  it('answers Table requests as kubectl get does (list, single object and watch)', async () => {
    c = await startTestCluster();
    c.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
    });
    const accept =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    const t = (await call(c, 'GET', '/api/v1/namespaces/default/pods', { headers: { Accept: accept } })).json();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(
      t.columnDefinitions.filter((d: any) => d.priority === 0).map((d: any) => d.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    );
    assert.deepEqual(t.rows[0].cells.slice(0, 4), ['p', '0/1', 'Pending', '0']);
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
    assert.equal(t.rows[0].object.metadata.name, 'p');
    const one = (await call(c, 'GET', '/api/v1/namespaces/default/pods/p', { headers: { Accept: accept } })).json();
    assert.equal(one.rows.length, 1);
    const w = openWatch(c, `/api/v1/namespaces/default/pods?watch=1&resourceVersion=${t.metadata.resourceVersion}`, {
      Accept: accept,
    });
    await eventually('watch open', () => w.status() === 200);
    c.store.delete(PODS, 'default', 'p', { gracePeriodSeconds: 30 });
    await eventually('event', () => w.lines.length === 1);
    assert.equal(w.lines[0].object.kind, 'Table');
    assert.equal(w.lines[0].object.rows[0].cells[2], 'Terminating');
    w.abort();
  });

  it('injects faults per verb and resource, and honours dryRun=All', async () => {
    c = await startTestCluster({
      faults: {
        before: (verb, ref) => (verb === 'list' && ref?.resource === 'configmaps' ? { status: 429 } : undefined),
      },
    });
    const throttled = await call(c, 'GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '1');
    assert.equal(throttled.json().reason, 'TooManyRequests');
    const dry = await call(c, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      body: JSON.stringify(cm('dry')),
    });
    assert.equal(dry.status, 201);
    assert.equal(c.store.get(CMS, 'default', 'dry'), undefined);
    const created = await call(c, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: JSON.stringify(cm('real')),
    });
    assert.equal(created.status, 201);
    const wrongNs = await call(c, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: JSON.stringify({ ...cm('x'), metadata: { name: 'x', namespace: 'other' } }),
    });
    assert.equal(wrongNs.status, 400);
    const badPatch = await call(c, 'PATCH', '/api/v1/namespaces/default/configmaps/real', {
      body: '{}',
      headers: { 'Content-Type': 'application/xml' },
    });
    assert.equal(badPatch.status, 415);
  });
});
