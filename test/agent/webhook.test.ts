import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BindingObject } from '../../src/agent/binding-spec.ts';
import { admitPod, gatesForPod, readinessGatePatch, type WebhookView } from '../../src/agent/webhook.ts';
import { applyJsonPatch } from '../../src/sandbox/kube/patch.ts';

const CUTOVER = { apiVersion: 'cutover.dev/v1alpha1', namespaces: [] };
const ALBC = { apiVersion: 'elbv2.k8s.aws/v1beta1', namespaces: [] };

/** An ip binding of `service` in namespace shop; `targetType: null` leaves the type out of the spec. */
function binding(
  name: string,
  service: string,
  extra: Partial<BindingObject> & { targetType?: string | null } = {},
): BindingObject {
  const { targetType = 'ip', ...rest } = extra;
  return {
    metadata: { name, namespace: 'shop' },
    spec: {
      serviceRef: { name: service, port: 80 },
      targetGroupARN: `arn:tg/${name}`,
      ...(targetType === null ? {} : { targetType }),
    },
    ...rest,
  } as BindingObject;
}

function view(bindings: BindingObject[], services: Record<string, Record<string, string>>): WebhookView {
  return {
    bindings: (ns) => bindings.filter((b) => b.metadata.namespace === ns),
    serviceSelector: (_ns, name) => services[name],
  };
}

const logs: Array<Record<string, unknown>> = [];
const log = { info: (o: Record<string, unknown>) => logs.push(o), warn: (o: Record<string, unknown>) => logs.push(o) };

function review(pod: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'shop',
      operation: 'CREATE',
      object: pod,
      ...over,
    },
  };
}

/** The pod the API server would create: the response's patch applied to the review's object. */
function admitted(pod: Record<string, any>, v: WebhookView, o = CUTOVER) {
  const res = (admitPod(review(pod), v, o, log) as { response: Record<string, any> }).response;
  assert.equal(res.uid, 'u-1');
  assert.equal(res.allowed, true);
  if (!res.patch) return pod;
  assert.equal(res.patchType, 'JSONPatch');
  return applyJsonPatch(pod, JSON.parse(Buffer.from(res.patch, 'base64').toString('utf8')));
}

const pod = (labels: Record<string, string>, readinessGates?: Array<{ conditionType: string }>) => ({
  metadata: { generateName: 'web-7d9f-', labels },
  spec: { containers: [{ name: 'app', image: 'web:1' }], ...(readinessGates ? { readinessGates } : {}) },
});

const gatesOf = (p: Record<string, any>) =>
  (p.spec.readinessGates ?? []).map((g: { conditionType: string }) => g.conditionType);

describe('readiness-gate webhook: which gates a new pod gets', () => {
  it('GIVEN a pod without readinessGates whose labels a binding’s Service selects THEN the patch adds the list with that gate', () => {
    const v = view([binding('web', 'web')], { web: { app: 'web' } });
    const out = admitted(pod({ app: 'web', tier: 'front' }), v);
    assert.deepEqual(gatesOf(out), ['target-health.cutover.dev/web']);
  });

  it('GIVEN a pod that already lists other gates THEN the gate is appended and the others are kept in order', () => {
    const v = view([binding('web', 'web')], { web: { app: 'web' } });
    const out = admitted(pod({ app: 'web' }, [{ conditionType: 'example.com/warm' }]), v);
    assert.deepEqual(gatesOf(out), ['example.com/warm', 'target-health.cutover.dev/web']);
  });

  it('GIVEN the pod already lists the gate (the documented pod-spec line) THEN no patch at all: never a duplicate', () => {
    const v = view([binding('web', 'web')], { web: { app: 'web' } });
    const res = (
      admitPod(
        review(pod({ app: 'web' }, [{ conditionType: 'target-health.cutover.dev/web' }])),
        v,
        CUTOVER,
        log,
      ) as any
    ).response;
    assert.deepEqual(res, { uid: 'u-1', allowed: true });
  });

  it('GIVEN several bindings whose Services select the pod THEN one gate each, by binding name, no duplicate', () => {
    const v = view([binding('web-b', 'web'), binding('web-a', 'web-canary'), binding('api', 'api')], {
      web: { app: 'web' },
      'web-canary': { app: 'web', track: 'canary' },
      api: { app: 'api' },
    });
    const out = admitted(pod({ app: 'web', track: 'canary' }), v);
    assert.deepEqual(gatesOf(out), ['target-health.cutover.dev/web-a', 'target-health.cutover.dev/web-b']);
  });

  it('GIVEN a Service selector that does not match, an empty selector, or a missing Service THEN no gate', () => {
    const v = view([binding('a', 'other'), binding('b', 'headless'), binding('c', 'gone')], {
      other: { app: 'api' },
      headless: {},
    });
    assert.deepEqual(gatesForPod(v, CUTOVER, 'shop', { app: 'web' }), []);
  });

  it('GIVEN instance bindings, a deleting binding, and one whose target type is known only from its status THEN only the ip ones count', () => {
    const v = view(
      [
        binding('inst', 'web', { targetType: 'instance' }),
        binding('going', 'web', {
          metadata: { name: 'going', namespace: 'shop', deletionTimestamp: '2026-01-01T00:00:00Z' },
        }),
        binding('unresolved', 'web', { targetType: null }),
        binding('resolved', 'web', { targetType: null, status: { targetType: 'ip' } }),
      ],
      { web: { app: 'web' } },
    );
    assert.deepEqual(gatesForPod(v, CUTOVER, 'shop', { app: 'web' }), ['target-health.cutover.dev/resolved']);
  });

  it('GIVEN bindings in another namespace, or an agent limited by --namespace THEN no gate', () => {
    const v = view([binding('web', 'web')], { web: { app: 'web' } });
    assert.deepEqual(gatesForPod(v, CUTOVER, 'other', { app: 'web' }), []);
    assert.deepEqual(gatesForPod(v, { ...CUTOVER, namespaces: ['team-a'] }, 'shop', { app: 'web' }), []);
  });

  it('GIVEN the agent in compat mode (elbv2.k8s.aws bindings) THEN the AWS Load Balancer Controller’s gate name', () => {
    const v = view([binding('web-tgb', 'web')], { web: { app: 'web' } });
    assert.deepEqual(gatesOf(admitted(pod({ app: 'web' }), v, ALBC)), ['target-health.elbv2.k8s.aws/web-tgb']);
  });

  it('GIVEN a ReplicaSet’s pod whose object carries no namespace THEN the request’s namespace is used', () => {
    const v = view([binding('web', 'web')], { web: { app: 'web' } });
    const p = pod({ app: 'web' });
    assert.equal((p.metadata as Record<string, unknown>).namespace, undefined);
    assert.deepEqual(gatesOf(admitted(p, v)), ['target-health.cutover.dev/web']);
  });
});

describe('readiness-gate webhook: it never refuses a pod', () => {
  it('GIVEN a cache that throws THEN allowed without a patch, and a log line says why', () => {
    logs.length = 0;
    const broken: WebhookView = {
      bindings: () => {
        throw new Error('cache not synced');
      },
      serviceSelector: () => undefined,
    };
    const res = (admitPod(review(pod({ app: 'web' })), broken, CUTOVER, log) as any).response;
    assert.deepEqual(res, { uid: 'u-1', allowed: true });
    assert.match(String(logs.at(-1)?.msg), /could not compute readiness gates; pod allowed/);
  });

  it('GIVEN something that is not a v1 AdmissionReview THEN allowed (uid echoed when there is one), and logged', () => {
    logs.length = 0;
    const v = view([], {});
    assert.deepEqual((admitPod(undefined, v, CUTOVER, log) as any).response, { uid: '', allowed: true });
    const beta = { ...review(pod({})), apiVersion: 'admission.k8s.io/v1beta1' };
    assert.deepEqual((admitPod(beta, v, CUTOVER, log) as any).response, { uid: 'u-1', allowed: true });
    assert.equal(logs.length, 2);
  });

  it('GIVEN an UPDATE, or another resource THEN allowed unchanged', () => {
    const v = view([binding('web', 'web')], { web: { app: 'web' } });
    const upd = admitPod(review(pod({ app: 'web' }), { operation: 'UPDATE' }), v, CUTOVER, log) as any;
    assert.equal(upd.response.patch, undefined);
    const svc = admitPod(
      review({}, { resource: { group: '', version: 'v1', resource: 'services' } }),
      v,
      CUTOVER,
      log,
    ) as any;
    assert.equal(svc.response.patch, undefined);
  });

  it('readinessGatePatch: add the list when absent, append to it when present, nothing when complete', () => {
    assert.deepEqual(readinessGatePatch({ spec: {} }, ['g/a']), [
      { op: 'add', path: '/spec/readinessGates', value: [{ conditionType: 'g/a' }] },
    ]);
    assert.deepEqual(readinessGatePatch({ spec: { readinessGates: [{ conditionType: 'g/a' }] } }, ['g/a', 'g/b']), [
      { op: 'add', path: '/spec/readinessGates/-', value: { conditionType: 'g/b' } },
    ]);
    assert.deepEqual(readinessGatePatch({ spec: { readinessGates: [{ conditionType: 'g/a' }] } }, ['g/a']), []);
  });
});
