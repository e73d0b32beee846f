import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeStatusError } from '../../../src/sandbox/kube/errors.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../../src/sandbox/kube/patch.ts';
import { parseFieldSelector, parseLabelSelector } from '../../../src/sandbox/kube/selectors.ts';

describe('JSON patch (RFC 6902)', () => {
  const doc = { a: { b: 1 }, list: [1, 2, 3] };
  const cases: Array<[string, unknown[], unknown]> = [
    ['add to a map', [{ op: 'add', path: '/a/c', value: 2 }], { a: { b: 1, c: 2 }, list: [1, 2, 3] }],
    ['append with -', [{ op: 'add', path: '/list/-', value: 4 }], { a: { b: 1 }, list: [1, 2, 3, 4] }],
    ['insert at an index', [{ op: 'add', path: '/list/0', value: 0 }], { a: { b: 1 }, list: [0, 1, 2, 3] }],
    ['remove', [{ op: 'remove', path: '/list/1' }], { a: { b: 1 }, list: [1, 3] }],
    ['replace', [{ op: 'replace', path: '/a/b', value: 9 }], { a: { b: 9 }, list: [1, 2, 3] }],
    ['move', [{ op: 'move', from: '/a/b', path: '/x' }], { a: {}, list: [1, 2, 3], x: 1 }],
    ['copy', [{ op: 'copy', from: '/a', path: '/y' }], { a: { b: 1 }, list: [1, 2, 3], y: { b: 1 } }],
    ['passing test', [{ op: 'test', path: '/a', value: { b: 1 } }], doc],
    ['escaped pointer', [{ op: 'add', path: '/a/x~1y~0z', value: 1 }], { a: { b: 1, 'x/y~z': 1 }, list: [1, 2, 3] }],
  ];
  for (const [name, patch, want] of cases) {
    it(name, () => assert.deepEqual(applyJsonPatch(doc, patch), want));
  }
  it('a failing test op is 422 and changes nothing', () => {
    assert.throws(
      () => applyJsonPatch(doc, [{ op: 'test', path: '/a/b', value: 2 }]),
      (e: unknown) => e instanceof KubeStatusError && e.code === 422,
    );
    assert.deepEqual(doc, { a: { b: 1 }, list: [1, 2, 3] });
  });
  it('replacing a missing key is 422', () => {
    assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/nope', value: 1 }]), /missing/);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes on null, replaces lists', () => {
    assert.deepEqual(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] }), {
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});

describe('strategic merge patch', () => {
  const podObj = {
    metadata: { finalizers: ['a'] },
    spec: {
      containers: [
        { name: 'app', image: 'v1', ports: [{ containerPort: 80, name: 'http' }] },
        { name: 'side', image: 's1' },
      ],
      tolerations: [{ key: 'x' }],
    },
    status: {
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'ContainersReady', status: 'True' },
      ],
    },
  };

  it('merges containers by name and container ports by containerPort', () => {
    const out = applyStrategicMergePatch('Pod', podObj, {
      spec: { containers: [{ name: 'app', image: 'v2', ports: [{ containerPort: 8080 }] }] },
    });
    assert.deepEqual(out.spec.containers, [
      { name: 'app', image: 'v2', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 8080 }] },
      { name: 'side', image: 's1' },
    ]);
  });

  it('merges status.conditions by type, and deletes with $patch: delete', () => {
    const out = applyStrategicMergePatch('Pod', podObj, {
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'ContainersReady', $patch: 'delete' },
          { type: 'gate/x', status: 'True' },
        ],
      },
    });
    assert.deepEqual(out.status.conditions, [
      { type: 'Ready', status: 'True' },
      { type: 'gate/x', status: 'True' },
    ]);
  });

  it('replaces lists without a merge key; unions finalizers; honours $deleteFromPrimitiveList and $setElementOrder', () => {
    const out = applyStrategicMergePatch('Pod', podObj, {
      metadata: { finalizers: ['b'] },
      spec: { tolerations: [{ key: 'y' }], '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }] },
    });
    assert.deepEqual(out.metadata.finalizers, ['a', 'b']);
    assert.deepEqual(out.spec.tolerations, [{ key: 'y' }]);
    assert.deepEqual(
      out.spec.containers.map((x: any) => x.name),
      ['side', 'app'],
    );
    const removed = applyStrategicMergePatch('Pod', out, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
    });
    assert.deepEqual(removed.metadata.finalizers, ['b']);
  });

  it('$patch: replace on a list replaces it whole', () => {
    const out = applyStrategicMergePatch('Pod', podObj, {
      spec: { containers: [{ $patch: 'replace' }, { name: 'only' }] },
    });
    assert.deepEqual(out.spec.containers, [{ name: 'only' }]);
  });
});

describe('selectors', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app in (web, db)', { app: 'db' }, true],
    ['app notin (web,db)', { app: 'db' }, false],
    ['app', { app: '' }, true],
    ['!app', { app: 'x' }, false],
    ['app=web,tier in (a),!canary', { app: 'web', tier: 'a' }, true],
    ['', { any: 'thing' }, true],
  ];
  for (const [sel, labels, want] of cases) {
    it(`label selector ${JSON.stringify(sel)} on ${JSON.stringify(labels)} → ${want}`, () => {
      assert.equal(parseLabelSelector(sel)(labels), want);
    });
  }
  it('field selectors on supported pod fields; unsupported fields are 400', () => {
    const p = { metadata: { name: 'a', namespace: 'n' }, spec: { nodeName: 'x' }, status: { phase: 'Running' } };
    assert.equal(parseFieldSelector('spec.nodeName=x,status.phase!=Pending', '/pods')(p), true);
    assert.equal(parseFieldSelector('metadata.name==b', '/pods')(p), false);
    assert.throws(() => parseFieldSelector('spec.nodeName=x', '/configmaps'), /field label not supported/);
    assert.throws(() => parseLabelSelector('a b c'), /unable to parse requirement/);
  });
});
