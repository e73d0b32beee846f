import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSlices, type SlicePod, type SliceService } from '../../../src/sandbox/world/endpoint-slices.ts';

const svc: SliceService = {
  name: 'web',
  namespace: 'web',
  uid: 'u',
  ports: [{ name: 'http', port: 80, targetPort: 'http' }],
};
const pod = (i: number, over: Partial<SlicePod> = {}): SlicePod => ({
  name: `p${String(i).padStart(3, '0')}`,
  uid: `uid${i}`,
  ip: `10.1.1.${i}`,
  ready: true,
  terminating: false,
  containerPorts: [{ name: 'http', containerPort: 8080 }],
  ...over,
});
let n = 0;
const newName = () => `web-${++n}`;

describe('EndpointSlice planning', () => {
  it('resolves a named targetPort per pod and sets conditions as Kubernetes does', () => {
    const plan = planSlices(svc, [pod(1), pod(2, { ready: false }), pod(3, { terminating: true })], [], 100, newName);
    assert.equal(plan.create.length, 1);
    const s = plan.create[0]!;
    assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(
      s.endpoints.map((e) => e.conditions),
      [
        { ready: true, serving: true, terminating: false },
        { ready: false, serving: false, terminating: false },
        { ready: false, serving: true, terminating: true },
      ],
    );
  });

  it('groups pods whose named port resolves differently into different slices, and skips pods without it', () => {
    const other = pod(2, { containerPorts: [{ name: 'http', containerPort: 9090 }] });
    const none = pod(3, { containerPorts: [{ name: 'metrics', containerPort: 9100 }] });
    const plan = planSlices(svc, [pod(1), other, none], [], 100, newName);
    assert.deepEqual(plan.create.map((s) => s.ports[0]!.port).sort(), [8080, 9090]);
    assert.equal(plan.create.flatMap((s) => s.endpoints).length, 2);
  });

  it('keeps existing endpoints in place and fills free room before creating slices', () => {
    const first = planSlices(
      svc,
      [1, 2, 3].map((i) => pod(i)),
      [],
      3,
      newName,
    ).create;
    assert.equal(first.length, 1);
    // WHEN pod 2 goes and pods 4 and 5 come
    const plan = planSlices(
      svc,
      [1, 3, 4, 5].map((i) => pod(i)),
      first,
      3,
      newName,
    );
    // THEN the slice keeps 1 and 3, takes 4, and 5 gets a new slice
    assert.deepEqual(
      plan.update.map((s) => s.endpoints.map((e) => e.targetRef.name)),
      [['p001', 'p003', 'p004']],
    );
    assert.deepEqual(
      plan.create.map((s) => s.endpoints.map((e) => e.targetRef.name)),
      [['p005']],
    );
    assert.deepEqual(plan.delete, []);
  });

  it('changes nothing when nothing changed, and keeps one empty slice when no pod is left', () => {
    const first = planSlices(svc, [pod(1)], [], 100, newName).create;
    assert.deepEqual(planSlices(svc, [pod(1)], first, 100, newName), { create: [], update: [], delete: [] });
    const empty = planSlices(svc, [], first, 100, newName);
    assert.deepEqual(empty.delete, [first[0]!.name]);
    assert.equal(empty.create.length, 1);
    assert.deepEqual(empty.create[0]!.endpoints, []);
  });

  it('with publishNotReadyAddresses marks every endpoint ready and serving, terminating ones included', () => {
    const plan = planSlices(
      { ...svc, publishNotReadyAddresses: true },
      [pod(1, { ready: false }), pod(2, { ready: false, terminating: true })],
      [],
      100,
      newName,
    );
    assert.deepEqual(
      plan.create[0]!.endpoints.map((e) => e.conditions),
      [
        { ready: true, serving: true, terminating: false },
        { ready: true, serving: true, terminating: true },
      ],
    );
  });
});
