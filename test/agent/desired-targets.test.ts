import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredTargets, instanceIdOf, matchesSelector, waitsOnlyOnGate } from '../../src/agent/desired-targets.ts';
import { gateConditionType } from '../../src/agent/readiness-gate.ts';
import type { BindingSpec, EndpointSliceInfo, NodeInfo, PodInfo, ServiceInfo } from '../../src/agent/types.ts';

const GATE = gateConditionType('web');
const binding = (over: Partial<BindingSpec> = {}): BindingSpec => ({
  namespace: 'web',
  name: 'web',
  serviceRef: { name: 'web', port: 80 },
  targetGroupARN: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66',
  targetType: 'ip',
  ...over,
});
const service: ServiceInfo = {
  name: 'web',
  type: 'NodePort',
  ports: [
    { name: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
    { name: 'metrics', port: 9090, nodePort: 30090 },
  ],
};
const slice = (
  endpoints: EndpointSliceInfo['endpoints'],
  over: Partial<EndpointSliceInfo> = {},
): EndpointSliceInfo => ({
  name: 'web-abc',
  addressType: 'IPv4',
  ports: [
    { name: 'http', port: 8080 },
    { name: 'metrics', port: 9090 },
  ],
  endpoints,
  ...over,
});
const pod = (name: string, over: Partial<PodInfo> = {}): PodInfo => ({
  name,
  deleting: false,
  conditions: { ContainersReady: 'True', Ready: 'False', [GATE]: 'False' },
  readinessGates: [GATE],
  ...over,
});
const none = new Map<string, PodInfo>();

describe('desired targets, ip mode', () => {
  it('GIVEN ready, unknown, not-ready and terminating endpoints THEN ready and unknown are targets on the slice port', () => {
    const d = desiredTargets(
      binding(),
      service,
      [
        slice([
          { addresses: ['10.0.1.5'], ready: true },
          { addresses: ['10.0.1.6'] },
          { addresses: ['10.0.1.7'], ready: false, pod: 'p7' },
          { addresses: ['10.0.1.8'], ready: false, terminating: true, serving: true },
        ]),
      ],
      none,
      [],
      GATE,
    );
    assert.deepEqual(d, {
      ok: true,
      targets: [
        { id: '10.0.1.5', port: 8080 },
        { id: '10.0.1.6', port: 8080 },
      ],
      waitingOnGate: [],
    });
  });

  it('GIVEN a not-ready endpoint whose pod waits only on our gate THEN it is a target (so the gate can turn True)', () => {
    const pods = new Map([['p7', pod('p7')]]);
    const d = desiredTargets(
      binding(),
      service,
      [slice([{ addresses: ['10.0.1.7'], ready: false, pod: 'p7' }])],
      pods,
      [],
      GATE,
    );
    assert.ok(d.ok);
    assert.deepEqual(d.targets, [{ id: '10.0.1.7', port: 8080 }]);
    assert.deepEqual(d.waitingOnGate, ['p7']);
  });

  const gated: Array<[string, Partial<PodInfo>]> = [
    ['its containers are not ready', { conditions: { ContainersReady: 'False', [GATE]: 'False' } }],
    ['it is being deleted', { deleting: true }],
    [
      'another gate is not True',
      {
        readinessGates: [GATE, 'other/gate'],
        conditions: { ContainersReady: 'True', [GATE]: 'False', 'other/gate': 'False' },
      },
    ],
    ['it has no gate of ours', { readinessGates: [] }],
  ];
  for (const [why, over] of gated) {
    it(`GIVEN a not-ready endpoint whose pod ${why} THEN it is not a target`, () => {
      const pods = new Map([['p7', pod('p7', over)]]);
      const d = desiredTargets(
        binding(),
        service,
        [slice([{ addresses: ['10.0.1.7'], ready: false, pod: 'p7' }])],
        pods,
        [],
        GATE,
      );
      assert.deepEqual(d.ok && d.targets, []);
    });
  }

  it('GIVEN the binding names the port by name THEN that port is used; IPv6 slices are skipped for ipv4', () => {
    const d = desiredTargets(
      binding({ serviceRef: { name: 'web', port: 'metrics' } }),
      service,
      [
        slice([{ addresses: ['10.0.1.5'], ready: true }]),
        slice([{ addresses: ['fd00::5'], ready: true }], { addressType: 'IPv6', name: 'web-v6' }),
      ],
      none,
      [],
      GATE,
    );
    assert.deepEqual(d.ok && d.targets, [{ id: '10.0.1.5', port: 9090 }]);
  });

  it('GIVEN the same IP in two slices THEN it is one target', () => {
    const e = [{ addresses: ['10.0.1.5'], ready: true }];
    const d = desiredTargets(binding(), service, [slice(e), slice(e, { name: 'web-def' })], none, [], GATE);
    assert.equal(d.ok && d.targets.length, 1);
  });

  it('GIVEN no service or no such port THEN a reason and a message naming it', () => {
    assert.deepEqual(desiredTargets(binding(), undefined, [], none, [], GATE), {
      ok: false,
      reason: 'ServiceNotFound',
      message: 'service web/web not found',
    });
    const d = desiredTargets(binding({ serviceRef: { name: 'web', port: 443 } }), service, [], none, [], GATE);
    assert.deepEqual(d, {
      ok: false,
      reason: 'PortNotFound',
      message: 'service web/web has no port 443 (ports: http/80, metrics/9090)',
    });
  });
});

describe('desired targets, instance mode', () => {
  const node = (name: string, over: Partial<NodeInfo> = {}): NodeInfo => ({
    name,
    labels: { 'eks.amazonaws.com/nodegroup': 'ingress' },
    providerID: `aws:///us-east-1a/i-0${name.padStart(16, '0')}`,
    ready: true,
    unschedulable: false,
    deleting: false,
    ...over,
  });
  it('GIVEN nodes THEN ready, selected, not excluded ones are registered on the NodePort', () => {
    const nodes = [
      node('1'),
      node('2', { ready: false }),
      node('3', { labels: { 'eks.amazonaws.com/nodegroup': 'batch' } }),
      node('4', {
        labels: {
          'eks.amazonaws.com/nodegroup': 'ingress',
          'node.kubernetes.io/exclude-from-external-load-balancers': '',
        },
      }),
      node('5', { unschedulable: true }),
      node('6', { providerID: undefined }),
    ];
    const d = desiredTargets(
      binding({ targetType: 'instance', nodeSelector: { matchLabels: { 'eks.amazonaws.com/nodegroup': 'ingress' } } }),
      service,
      [],
      none,
      nodes,
      GATE,
    );
    assert.deepEqual(d.ok && d.targets, [
      { id: 'i-00000000000000001', port: 30080 },
      { id: 'i-00000000000000005', port: 30080 },
    ]);
  });

  it('GIVEN a ClusterIP service THEN instance mode says why it cannot work', () => {
    const d = desiredTargets(
      binding({ targetType: 'instance' }),
      { ...service, type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] },
      [],
      none,
      [],
      GATE,
    );
    assert.equal(d.ok, false);
    assert.match(
      !d.ok ? d.message : '',
      /needs a NodePort or LoadBalancer service; web\/web is ClusterIP without a nodePort/,
    );
  });
});

describe('selectors and ids', () => {
  const labels = { a: '1', b: '2' };
  const cases: Array<[object | undefined, boolean]> = [
    [undefined, true],
    [{ matchLabels: { a: '1' } }, true],
    [{ matchLabels: { a: '2' } }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    [{ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['1'] }] }, true],
    [{ matchExpressions: [{ key: 'c', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'c', operator: 'DoesNotExist' }] }, true],
  ];
  for (const [sel, want] of cases) {
    it(`${JSON.stringify(sel)} → ${want}`, () => assert.equal(matchesSelector(labels, sel as never), want));
  }
  it('reads instance ids from providerID', () => {
    assert.equal(instanceIdOf('aws:///eu-west-1a/i-0123456789abcdef0'), 'i-0123456789abcdef0');
    assert.equal(instanceIdOf('kind://docker/kind/node'), undefined);
  });
  it('a pod without our gate never waits on it', () => {
    assert.equal(waitsOnlyOnGate(undefined, GATE), false);
  });
});
