import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterStore, type KubeObject } from '../../../src/sandbox/kube/store.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { thrown } from './harness.ts';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const CMS = { group: '', version: 'v1', resource: 'configmaps' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const EVENTS = { group: '', version: 'v1', resource: 'events' };
const EVENTS_V1 = { group: 'events.k8s.io', version: 'v1', resource: 'events' };

function newStore() {
  return new ClusterStore({ name: 'blue', clock: new ManualClock(Date.UTC(2026, 0, 1)) });
}

const cm = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  ...extra,
});

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx' }] },
});

const lease = (renewTime: string): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'agent', namespace: 'default' },
  spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime },
});

describe('API server fidelity: validation', () => {
  it('refuses a ConfigMap over 1 MiB (data + decoded binaryData) with the real 422', () => {
    const store = newStore();
    // GIVEN exactly 1 MiB of values THEN it is accepted
    const half = 'x'.repeat(512 * 1024);
    store.create(CMS, cm('full', { data: { a: half }, binaryData: { b: Buffer.from(half).toString('base64') } }));
    // WHEN one byte more THEN 422 with an empty field path, as field.TooLong(field.NewPath(""), …) prints
    const e = thrown(() => store.create(CMS, cm('big', { data: { a: half, b: `${half}x` } })));
    assert.equal(e.code, 422);
    assert.equal(e.message, 'ConfigMap "big" is invalid: : Too long: may not be more than 1048576 bytes');
    assert.deepEqual(e.status.details?.causes, [
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes' },
    ]);
    // AND an update that grows it past the limit fails the same way
    const u = thrown(() => store.patch(CMS, 'default', 'full', 'merge', { data: { c: 'y' } }));
    assert.equal(u.code, 422);
  });

  it('validates owner references: required fields and a single controller', () => {
    const store = newStore();
    const noUid = thrown(() =>
      store.create(
        CMS,
        cm('a', { metadata: { name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 's' }] } }),
      ),
    );
    assert.equal(
      noUid.message,
      'ConfigMap "a" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    );
    const two = thrown(() =>
      store.create(
        CMS,
        cm('b', {
          metadata: {
            name: 'b',
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Service', name: 's1', uid: 'u1', controller: true },
              { apiVersion: 'v1', kind: 'Service', name: 's2', uid: 'u2', controller: true },
            ],
          },
        }),
      ),
    );
    assert.match(
      two.message,
      /Only one reference can have Controller set to true\. Found "true" in references for Service\/s1 and Service\/s2$/,
    );
  });

  it('checks generateName as a prefix (a trailing dash is fine, a trailing dot is not) and cuts it to 58 characters', () => {
    const store = newStore();
    const made = store.create(CMS, cm('', { metadata: { generateName: `${'a'.repeat(70)}-` } }));
    assert.equal(made.metadata.name.length, 63);
    assert.ok(made.metadata.name.startsWith('a'.repeat(58)));
    const e = thrown(() => store.create(CMS, cm('', { metadata: { generateName: 'web.' } })));
    assert.equal(e.code, 422);
    assert.deepEqual(
      e.status.details?.causes?.map((c) => c.field),
      ['metadata.generateName'],
    );
  });

  it('validates core Events (namespace of the involved object) and events.k8s.io/v1 Events (strict)', () => {
    const store = newStore();
    const core = thrown(() =>
      store.create(EVENTS, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e1', namespace: 'default' },
        involvedObject: { kind: 'Pod', namespace: 'web', name: 'p' },
        reason: 'Registered',
      }),
    );
    assert.equal(
      core.message,
      'Event "e1" is invalid: involvedObject.namespace: Invalid value: "web": does not match event.namespace',
    );
    const strict = thrown(() =>
      store.create(EVENTS_V1, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'e2', namespace: 'default' },
        regarding: { kind: 'Pod', namespace: 'default', name: 'p' },
        reason: 'Registered',
        note: 'x',
      }),
    );
    assert.equal(strict.code, 422);
    assert.deepEqual(
      strict.status.details?.causes?.map((c) => `${c.field}: ${c.message}`),
      ['eventTime: Required value', 'type: Invalid value: "": has invalid value: '],
    );
  });
});

describe('API server fidelity: timestamps', () => {
  it("MicroTime needs exactly 6 fractional digits; the error is Go's, 400 on create, 422 on a patch", () => {
    const store = newStore();
    const seven = thrown(() => store.create(LEASES, lease('2026-01-01T00:00:00.1234567Z')));
    assert.equal(seven.code, 400);
    assert.equal(
      seven.message,
      'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-01-01T00:00:00.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00"',
    );
    store.create(LEASES, lease('2026-01-01T00:00:00.123456Z'));
    // WHEN a merge patch writes a client-node Date (3 digits) THEN 422 on `patch`, as the patch handler reports it
    const merge = thrown(() =>
      store.patch(LEASES, 'default', 'agent', 'merge', { spec: { renewTime: '2026-01-01T00:00:01.278Z' } }),
    );
    assert.equal(merge.code, 422);
    assert.equal(merge.reason, 'Invalid');
    assert.match(
      merge.message,
      /^ "" is invalid: patch: Invalid value: "\{.*\}": parsing time "2026-01-01T00:00:01\.278Z" as "2006-01-02T15:04:05\.000000Z07:00": cannot parse "\.278Z" as "\.000000"$/,
    );
    const smp = thrown(() =>
      store.patch(LEASES, 'default', 'agent', 'strategic', { spec: { renewTime: '2026-01-01T00:00:01.278Z' } }),
    );
    assert.match(
      smp.message,
      /^ "" is invalid: patch: Invalid value: "map\[spec:map\[renewTime:2026-01-01T00:00:01\.278Z\]\]": parsing time/,
    );
  });

  it('stores condition times in whole seconds UTC, shows unset pod condition times as null and drops empty reasons', () => {
    const store = newStore();
    store.create(PODS, pod('p'));
    const out = store.patch(
      PODS,
      'default',
      'p',
      'strategic',
      {
        status: {
          conditions: [
            { type: 'x.io/gate', status: 'True', reason: '', lastTransitionTime: '2026-01-01T02:00:05.123+02:00' },
            { type: 'y.io/gate', status: 'False' },
          ],
        },
      },
      { subresource: 'status' },
    );
    assert.deepEqual(out.status.conditions, [
      { type: 'x.io/gate', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z', lastProbeTime: null },
      { type: 'y.io/gate', status: 'False', lastProbeTime: null, lastTransitionTime: null },
    ]);
    const bad = thrown(() =>
      store.patch(
        PODS,
        'default',
        'p',
        'merge',
        { status: { conditions: [{ type: 'z', status: 'True', lastTransitionTime: 'yesterday' }] } },
        { subresource: 'status' },
      ),
    );
    assert.match(
      bad.message,
      /parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"$/,
    );
  });
});

describe('API server fidelity: uid preconditions', () => {
  it("a patch carrying another uid (ALBC's UID precondition) is 422; a PUT with one is a 409 precondition failure", () => {
    const store = newStore();
    const p = store.create(PODS, pod('p'));
    const patch = { metadata: { uid: 'other' }, status: { conditions: [{ type: 'g', status: 'True' }] } };
    const e = thrown(() => store.patch(PODS, 'default', 'p', 'strategic', patch, { subresource: 'status' }));
    assert.equal(e.code, 422);
    assert.equal(e.message, 'Pod "p" is invalid: metadata.uid: Invalid value: "other": field is immutable');
    const put = thrown(() => store.update(PODS, { ...p, metadata: { ...p.metadata, uid: 'other' } }));
    assert.equal(put.code, 409);
    assert.equal(
      put.message,
      `Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: other, UID in object meta: ${p.metadata.uid}`,
    );
    // AND with the right uid the patch applies
    const ok = store.patch(
      PODS,
      'default',
      'p',
      'strategic',
      { ...patch, metadata: { uid: p.metadata.uid } },
      { subresource: 'status' },
    );
    assert.equal(ok.status.conditions.find((c: any) => c.type === 'g').status, 'True');
  });
});
