import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  AdmissionregistrationV1Api,
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type V1MutatingWebhook,
  type V1Pod,
} from '@kubernetes/client-node';
import { generateClusterTls } from '../../../src/sandbox/kube/tls.ts';
import { type Sandbox, startSandbox } from '../../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { eventually } from './harness.ts';

/**
 * Mutating admission webhooks on the sandbox's API server: MutatingWebhookConfigurations created
 * through client-node, a real HTTPS webhook server (its own CA, given as caBundle), and pods
 * created by clients and by the world's ReplicaSet controller (a Deployment's pods).
 */
const tls = generateClusterTls({ commonName: 'test-webhook' });
const otherCa = generateClusterTls({ commonName: 'someone-else' }).caPem;
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Call {
  path: string;
  query: string;
  review: any;
}

/** A webhook server whose answer per path the test sets: a JSONPatch, a denial, or a stall. */
class TestWebhook {
  readonly calls: Call[] = [];
  answer = new Map<string, (review: any) => Record<string, unknown> | 'stall'>();
  private server!: Server;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const [path, query = ''] = (req.url ?? '').split('?') as [string, string?];
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        this.calls.push({ path, query, review });
        const out = (this.answer.get(path) ?? (() => ({})))(review);
        if (out === 'stall') return; // never answers: the API server's timeout must end the call
        const body = {
          apiVersion: review.apiVersion,
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, allowed: true, ...out },
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `https://127.0.0.1:${this.port}${path}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

const patch = (ops: unknown[]) => ({ patchType: 'JSONPatch', patch: b64(JSON.stringify(ops)) });

function hook(name: string, url: string, over: Partial<V1MutatingWebhook> = {}): V1MutatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    clientConfig: { url, caBundle: b64(tls.caPem) },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    namespaceSelector: { matchLabels: { 'inject-test': 'enabled' } },
    ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(String(e.body)) };
    throw e;
  }
  throw new Error('expected the call to fail');
}

const podBody = (name: string, labels: Record<string, string> = { app: 'x' }): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
});

describe('sandbox API server: mutating admission webhooks', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let dir: string;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let admission: AdmissionregistrationV1Api;
  const webhook = new TestWebhook();
  let freePort = 0;

  const configure = async (name: string, hooks: V1MutatingWebhook[]) => {
    await admission.deleteMutatingWebhookConfiguration({ name }).catch(() => {});
    await admission.createMutatingWebhookConfiguration({ body: { metadata: { name }, webhooks: hooks } });
  };
  const namespace = async (name: string, labels: Record<string, string>) =>
    core.createNamespace({ body: { metadata: { name, labels } } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-admission-'));
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    sandbox = await startSandbox({ clock, dir: join(dir, 'sbx') });
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext('blue');
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    admission = kc.makeApiClient(AdmissionregistrationV1Api);
    await webhook.start();
    // A port nothing listens on: a webhook "down".
    const probe = new TestWebhook();
    await probe.start();
    freePort = probe.port;
    await probe.stop();
    await namespace('inject-on', { 'inject-test': 'enabled' });
    await namespace('inject-off', {});
  });
  beforeEach(async () => {
    webhook.calls.length = 0;
    webhook.answer.clear();
    for (const c of (await admission.listMutatingWebhookConfiguration()).items) {
      await admission.deleteMutatingWebhookConfiguration({ name: c.metadata!.name! });
    }
  });
  after(async () => {
    await webhook.stop();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN a configuration for pods in labelled namespaces WHEN a Deployment is created THEN its pods are created as the webhook patched them (add, replace, remove)', async () => {
    webhook.answer.set('/mutate', () =>
      patch([
        { op: 'add', path: '/spec/readinessGates', value: [{ conditionType: 'example.com/registered' }] },
        { op: 'replace', path: '/metadata/labels/tier', value: 'patched' },
        { op: 'remove', path: '/metadata/annotations/drop-me' },
      ]),
    );
    await configure('pods-test', [hook('pods.test.cutover.dev', webhook.url('/mutate'))]);
    const labels = { app: 'shop', tier: 'front' };
    await apps.createNamespacedDeployment({
      namespace: 'inject-on',
      body: {
        metadata: { name: 'shop' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'shop' } },
          template: {
            metadata: { labels, annotations: { 'drop-me': 'x', keep: 'y' } },
            spec: { containers: [{ name: 'app', image: 'shop:1' }] },
          },
        },
      },
    });
    const pods = await eventually('2 pods', async () => {
      const items = (await core.listNamespacedPod({ namespace: 'inject-on', labelSelector: 'app=shop' })).items;
      return items.length === 2 ? items : undefined;
    });
    for (const p of pods!) {
      assert.deepEqual(
        p.spec?.readinessGates?.map((g) => g.conditionType),
        ['example.com/registered'],
      );
      assert.equal(p.metadata?.labels?.tier, 'patched');
      assert.deepEqual(p.metadata?.annotations, { keep: 'y' });
      assert.match(p.metadata!.name!, /^shop-[0-9a-f]+-[a-z0-9]{5}$/);
      assert.ok(p.spec?.nodeName, 'scheduled after admission');
    }
    // What the webhook was sent: a v1 review of a pod CREATE by the ReplicaSet controller, with no
    // name yet (generateName), the request's namespace, and the configured timeout.
    assert.equal(webhook.calls.length, 2);
    const r = webhook.calls[0]!;
    assert.equal(r.query, 'timeout=10s');
    assert.equal(r.review.apiVersion, 'admission.k8s.io/v1');
    assert.deepEqual(r.review.request.resource, { group: '', version: 'v1', resource: 'pods' });
    assert.equal(r.review.request.operation, 'CREATE');
    assert.equal(r.review.request.namespace, 'inject-on');
    assert.equal(r.review.request.name, undefined);
    assert.match(r.review.request.object.metadata.generateName, /^shop-[0-9a-f]+-$/);
    assert.equal(r.review.request.userInfo.username, 'system:serviceaccount:kube-system:replicaset-controller');
    assert.equal(r.review.request.dryRun, false);
  });

  it('GIVEN a namespace without the label, or a pod the objectSelector excludes THEN the webhook is not called and the pod is created as sent', async () => {
    webhook.answer.set('/mutate', () => patch([{ op: 'add', path: '/metadata/labels/seen', value: 'yes' }]));
    await configure('pods-test', [
      hook('pods.test.cutover.dev', webhook.url('/mutate'), {
        objectSelector: { matchExpressions: [{ key: 'skip-webhook', operator: 'DoesNotExist' }] },
      }),
    ]);
    const a = await core.createNamespacedPod({ namespace: 'inject-off', body: podBody('plain') });
    const b = await core.createNamespacedPod({
      namespace: 'inject-on',
      body: podBody('excluded', { app: 'x', 'skip-webhook': 'true' }),
    });
    assert.equal(webhook.calls.length, 0);
    assert.equal(a.metadata?.labels?.seen, undefined);
    assert.equal(b.metadata?.labels?.seen, undefined);
    const c = await core.createNamespacedPod({ namespace: 'inject-on', body: podBody('selected') });
    assert.equal(c.metadata?.labels?.seen, 'yes', 'the same configuration does patch a selected pod');
    assert.equal(webhook.calls[0]!.review.request.name, 'selected');
    assert.equal(webhook.calls[0]!.review.request.userInfo.username, 'kubernetes-admin');
  });

  it('GIVEN failurePolicy Fail and the webhook down WHEN a pod is created THEN it is refused with the API server’s wording; a Deployment gets no pods and a ReplicaFailure condition, until the webhook is back', async () => {
    const down = `https://127.0.0.1:${freePort}/mutate`;
    await configure('pods-test', [hook('pods.test.cutover.dev', down, { failurePolicy: 'Fail' })]);
    const err = await failure(core.createNamespacedPod({ namespace: 'inject-on', body: podBody('refused') }));
    assert.equal(err.code, 500);
    assert.equal(err.body.reason, 'InternalError');
    assert.equal(
      err.body.message,
      `Internal error occurred: failed calling webhook "pods.test.cutover.dev": failed to call webhook: Post "https://127.0.0.1:${freePort}/mutate?timeout=10s": dial tcp 127.0.0.1:${freePort}: connect: connection refused`,
    );
    await assert.rejects(core.readNamespacedPod({ namespace: 'inject-on', name: 'refused' }));

    await apps.createNamespacedDeployment({
      namespace: 'inject-on',
      body: {
        metadata: { name: 'blocked' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'blocked' } },
          template: { metadata: { labels: { app: 'blocked' } }, spec: { containers: [{ name: 'app', image: 'b:1' }] } },
        },
      },
    });
    const rs = await eventually('a ReplicaFailure condition', async () => {
      const [set] = (await apps.listNamespacedReplicaSet({ namespace: 'inject-on', labelSelector: 'app=blocked' }))
        .items;
      return set?.status?.conditions?.some((c) => c.type === 'ReplicaFailure') ? set : undefined;
    });
    const cond = rs!.status!.conditions!.find((c) => c.type === 'ReplicaFailure')!;
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    assert.match(
      cond.message!,
      /^Internal error occurred: failed calling webhook "pods\.test\.cutover\.dev": failed to call webhook: Post .*connection refused$/,
    );
    assert.equal(
      (await core.listNamespacedPod({ namespace: 'inject-on', labelSelector: 'app=blocked' })).items.length,
      0,
    );

    // The webhook comes back on the same address: the controller's retry creates the pod.
    const back = new TestWebhook();
    await back.start(freePort);
    try {
      await eventually(
        'the pod, once the webhook answers',
        async () => {
          // The controller retries with backoff, in the world's (virtual) time.
          await clock.advance(2000);
          const pods = (await core.listNamespacedPod({ namespace: 'inject-on', labelSelector: 'app=blocked' })).items;
          return pods.length === 1;
        },
        15_000,
      );
      const after = (await apps.listNamespacedReplicaSet({ namespace: 'inject-on', labelSelector: 'app=blocked' }))
        .items[0]!;
      await eventually('the condition cleared', async () => {
        const s = (await apps.readNamespacedReplicaSet({ namespace: 'inject-on', name: after.metadata!.name! })).status;
        return !s?.conditions?.some((c) => c.type === 'ReplicaFailure');
      });
    } finally {
      await back.stop();
    }
  });

  it('GIVEN failurePolicy Ignore and the webhook down THEN the pod is created unpatched', async () => {
    await configure('pods-test', [
      hook('pods.test.cutover.dev', `https://127.0.0.1:${freePort}/mutate`, { failurePolicy: 'Ignore' }),
    ]);
    const p = await core.createNamespacedPod({ namespace: 'inject-on', body: podBody('ignored') });
    assert.equal(p.spec?.readinessGates, undefined);
  });

  it('GIVEN a caBundle of another CA THEN the TLS verification fails the call, worded as Go’s x509', async () => {
    await configure('pods-test', [
      hook('pods.test.cutover.dev', webhook.url('/mutate'), {
        clientConfig: { url: webhook.url('/mutate'), caBundle: b64(otherCa) },
      }),
    ]);
    const err = await failure(core.createNamespacedPod({ namespace: 'inject-on', body: podBody('untrusted') }));
    assert.match(
      err.body.message,
      /failed to call webhook: Post ".*": tls: failed to verify certificate: x509: certificate signed by unknown authority$/,
    );
  });

  it('GIVEN a webhook slower than timeoutSeconds THEN the call ends with context deadline exceeded', async () => {
    webhook.answer.set('/slow', () => 'stall');
    await configure('pods-test', [hook('pods.test.cutover.dev', webhook.url('/slow'), { timeoutSeconds: 1 })]);
    const err = await failure(core.createNamespacedPod({ namespace: 'inject-on', body: podBody('slow') }));
    assert.match(
      err.body.message,
      /failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/slow\?timeout=1s": context deadline exceeded$/,
    );
  });

  it('GIVEN a webhook that denies THEN the pod is refused with its code and message, whatever the failurePolicy', async () => {
    webhook.answer.set('/deny', () => ({ allowed: false, status: { code: 403, message: 'pods need an owner label' } }));
    await configure('pods-test', [hook('deny.test.cutover.dev', webhook.url('/deny'), { failurePolicy: 'Ignore' })]);
    const err = await failure(core.createNamespacedPod({ namespace: 'inject-on', body: podBody('denied') }));
    assert.equal(err.code, 403);
    assert.equal(
      err.body.message,
      'admission webhook "deny.test.cutover.dev" denied the request: pods need an owner label',
    );
  });

  it('GIVEN a patch that does not apply THEN the create fails with the patch error (policy or not)', async () => {
    webhook.answer.set('/bad', () => patch([{ op: 'replace', path: '/spec/nothing/here', value: 1 }]));
    await configure('pods-test', [hook('bad.test.cutover.dev', webhook.url('/bad'), { failurePolicy: 'Ignore' })]);
    const err = await failure(core.createNamespacedPod({ namespace: 'inject-on', body: podBody('badpatch') }));
    assert.equal(err.code, 500);
    assert.match(err.body.message, /^Internal error occurred: replace operation does not apply/);
  });

  it('GIVEN two configurations THEN they run in name order, and an IfNeeded webhook is called again after a later one changed the object', async () => {
    webhook.answer.set('/first', (r) =>
      patch([
        {
          op: 'add',
          path: '/metadata/annotations',
          value: {
            ...(r.request.object.metadata.annotations ?? {}),
            first: String(Object.keys(r.request.object.metadata.labels).length),
          },
        },
      ]),
    );
    webhook.answer.set('/second', () => patch([{ op: 'add', path: '/metadata/labels/second', value: 'yes' }]));
    await configure('b-second', [hook('second.test.cutover.dev', webhook.url('/second'))]);
    await configure('a-first', [
      hook('first.test.cutover.dev', webhook.url('/first'), { reinvocationPolicy: 'IfNeeded' }),
    ]);
    const p = await core.createNamespacedPod({ namespace: 'inject-on', body: podBody('ordered') });
    assert.deepEqual(
      webhook.calls.map((c) => c.path),
      ['/first', '/second', '/first'],
    );
    assert.equal(p.metadata?.labels?.second, 'yes');
    assert.equal(p.metadata?.annotations?.first, '2', 'the second call of first saw second’s label');
  });

  it('GIVEN a dry-run create THEN the webhook is told so and nothing is stored', async () => {
    webhook.answer.set('/mutate', () => ({}));
    await configure('pods-test', [hook('pods.test.cutover.dev', webhook.url('/mutate'))]);
    await core.createNamespacedPod({ namespace: 'inject-on', body: podBody('dry'), dryRun: 'All' });
    assert.equal(webhook.calls[0]!.review.request.dryRun, true);
    await assert.rejects(core.readNamespacedPod({ namespace: 'inject-on', name: 'dry' }));
  });

  it('validates configurations (sideEffects, https url, timeout) and defaults the rest as v1 does', async () => {
    const bad = await failure(
      admission.createMutatingWebhookConfiguration({
        body: {
          metadata: { name: 'bad' },
          webhooks: [
            {
              ...hook('bad.test.cutover.dev', 'http://127.0.0.1:1/x'),
              sideEffects: undefined as never,
              timeoutSeconds: 31,
            },
          ],
        },
      }),
    );
    assert.equal(bad.code, 422);
    const fields = bad.body.details.causes.map((c: { field: string }) => c.field).sort();
    assert.deepEqual(fields, ['webhooks[0].clientConfig.url', 'webhooks[0].sideEffects', 'webhooks[0].timeoutSeconds']);
    assert.match(bad.body.message, /'https' is the only allowed URL scheme/);
    await configure('defaults', [hook('d.test.cutover.dev', webhook.url('/x'))]);
    const got = await admission.readMutatingWebhookConfiguration({ name: 'defaults' });
    const h = got.webhooks![0]!;
    assert.equal(h.failurePolicy, 'Fail');
    assert.equal(h.timeoutSeconds, 10);
    assert.equal(h.matchPolicy, 'Equivalent');
    assert.equal(h.reinvocationPolicy, 'Never');
    assert.deepEqual(JSON.parse(JSON.stringify(h.objectSelector)), {});
    assert.equal(h.rules![0]!.scope, '*');
  });
});
