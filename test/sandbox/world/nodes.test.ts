import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readScenario } from '../../../src/sandbox/scenario/load.ts';
import { MINIMAL } from '../scenario/minimal.ts';
import { makeWorld, pods, REF } from './helpers.ts';

describe('cluster nodes', () => {
  it('GIVEN nodesPerZone 2 THEN six nodes with distinct instances and IPs, and pods spread one per node', () => {
    const { world } = makeWorld((s) => {
      s.clusters[0]!.nodesPerZone = 2;
      s.clusters[0]!.workloads[0]!.replicas = 6;
    });
    const nodes = world.nodes('blue');
    assert.deepEqual(
      nodes.map((n) => `${n.name} ${n.zone} ${n.internalIp}`),
      [
        'blue-node-a us-east-1a 10.1.0.10',
        'blue-node-b us-east-1b 10.1.0.11',
        'blue-node-c us-east-1c 10.1.0.12',
        'blue-node-a2 us-east-1a 10.1.0.13',
        'blue-node-b2 us-east-1b 10.1.0.14',
        'blue-node-c2 us-east-1c 10.1.0.15',
      ],
    );
    assert.equal(new Set(nodes.map((n) => n.instanceId)).size, 6);
    assert.notDeepEqual(
      world.nodes('green').map((n) => n.instanceId),
      nodes.slice(0, 3).map((n) => n.instanceId),
    );
    assert.equal(world.cluster('blue').store.list(REF.nodes).items.length, 6);
    // THEN the six pods land one per node, two per zone, with their node's zone and InternalIP
    const ps = pods(world, 'blue');
    assert.deepEqual(ps.map((p) => p.spec.nodeName).sort(), nodes.map((n) => n.name).sort());
    for (const p of ps) {
      const n = nodes.find((x) => x.name === p.spec.nodeName)!;
      assert.equal(p.status.hostIP, n.internalIp);
    }
  });

  it('reads nodesPerZone from a scenario file, 1 by default, and rejects 0', () => {
    assert.equal(readScenario(MINIMAL).scenario!.clusters[0]!.nodesPerZone, 1);
    const two = readScenario(MINIMAL.replace('- name: c1', '- name: c1\n    nodesPerZone: 2'));
    assert.deepEqual(two.diagnostics, []);
    assert.equal(two.scenario!.clusters[0]!.nodesPerZone, 2);
    const zero = readScenario(MINIMAL.replace('- name: c1', '- name: c1\n    nodesPerZone: 0'));
    assert.match(zero.diagnostics[0]!.message, /nodesPerZone must be between 1 and 20/);
  });
});
