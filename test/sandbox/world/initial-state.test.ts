import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadScenarioFile } from '../../../src/sandbox/scenario/load.ts';
import { World } from '../../../src/sandbox/world/world.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';
import { endpoints, MINUTE, makeWorld, pods, REF } from './helpers.ts';

const GATE = 'target-health.cutover.dev/web';
const readyOf = (p: any) => p.status.conditions.find((c: any) => c.type === 'Ready');
const gateOf = (p: any) => p.status.conditions.find((c: any) => c.type === GATE);

function emptyTargetGroupsWorld() {
  const scenario = loadScenarioFile(join(REPO_ROOT, 'scenarios/empty-target-groups.yaml'));
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const world = new World({ scenario, clock });
  const advance = async (ms: number) => {
    await clock.advance(ms);
    world.advanceTo(clock.now());
  };
  return { world, advance };
}

describe('readiness gates at start follow the initial registrations', () => {
  it('scenarios/empty-target-groups.yaml: green pods wait not-Ready, their endpoints not ready, and the ELB answers 503', async () => {
    // GIVEN the scenario whose target groups start empty and whose green pods carry the agent's gate
    const { world, advance } = emptyTargetGroupsWorld();
    try {
      // THEN every green pod is Running but not Ready: the gate condition does not exist yet
      const green = pods(world, 'green');
      assert.equal(green.length, 4);
      for (const p of green) {
        assert.equal(p.status.phase, 'Running');
        assert.equal(gateOf(p), undefined);
        assert.equal(readyOf(p).status, 'False');
        assert.equal(readyOf(p).reason, 'ReadinessGatesNotReady');
        assert.equal(readyOf(p).message, `corresponding condition of pod readiness gate "${GATE}" does not exist.`);
      }
      // AND green's EndpointSlice lists them not ready; blue (no gate) is ready
      assert.ok(endpoints(world, 'green').every((e: any) => e.conditions.ready === false));
      assert.equal(endpoints(world, 'green').length, 4);
      assert.ok(endpoints(world, 'blue').every((e: any) => e.conditions.ready === true));
      // AND both target groups are empty
      for (const tg of ['web-blue', 'web-green']) assert.deepEqual(world.elbv2.targetsOf(world.targetGroupArn(tg)), []);
      // WHEN a minute of traffic passes THEN every request was answered 503 by the ELB itself
      await advance(2 * MINUTE);
      const truth = world.truth.get(world.loadBalancerArn('edge'))!;
      assert.ok(truth.elb503 > 0);
      assert.equal(truth.requests, 0);
      // WHEN a client (the agent) sets a pod's gate condition True THEN that pod becomes Ready
      const store = world.cluster('green').store;
      const name = green[0]!.metadata.name;
      const pod = store.get(REF.pods, 'web', name)!;
      store.update(
        REF.pods,
        { ...pod, status: { ...pod.status, conditions: [...pod.status.conditions, { type: GATE, status: 'True' }] } },
        { subresource: 'status' },
      );
      await advance(1000);
      assert.equal(readyOf(store.get(REF.pods, 'web', name)).status, 'True');
      assert.equal(endpoints(world, 'green').filter((e: any) => e.conditions.ready).length, 1);
    } finally {
      world.close();
    }
  });

  it('pods a registered: entry puts into a target group start with their gate True (as the registering controller left them)', () => {
    // GIVEN the default world (web-green registered from green) with a gate on green's pods
    const { world } = makeWorld((s) => {
      s.clusters[1]!.workloads[0]!.readinessGates = [GATE];
    });
    // THEN the gate condition is True, the pods Ready and registered
    for (const p of pods(world, 'green')) {
      assert.equal(gateOf(p).status, 'True');
      assert.equal(readyOf(p).status, 'True');
    }
    assert.equal(world.elbv2.targetsOf(world.targetGroupArn('web-green')).length, 4);
    world.close();
  });

  it('pods with a gate that no registration covers start without the condition, even next to registered ones', () => {
    // GIVEN web-green registers nothing, while green's pods carry the gate
    const { world } = makeWorld((s) => {
      s.clusters[1]!.workloads[0]!.readinessGates = [GATE];
      s.targetGroups[1]!.registered = null;
    });
    assert.ok(pods(world, 'green').every((p) => gateOf(p) === undefined && readyOf(p).status === 'False'));
    assert.equal(world.elbv2.targetsOf(world.targetGroupArn('web-green')).length, 0);
    world.close();
  });
});

describe('the cluster looks like a real one', () => {
  it('names ReplicaSets and pods with the alphabets Kubernetes uses', () => {
    const { world } = makeWorld();
    for (const cluster of ['blue', 'green']) {
      const [rs] = world.cluster(cluster).store.list(REF.replicaSets, 'web').items;
      const hash = rs!.metadata.labels?.['pod-template-hash'] ?? '';
      // SafeEncodeString of a decimal FNV-32 hash: only the digits' images 4–9, b, c, d, f.
      assert.match(hash, /^[456789bcdf]{1,10}$/);
      assert.equal(rs!.metadata.name, `web-${hash}`);
      for (const p of pods(world, cluster)) {
        assert.match(p.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
        assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
      }
    }
    world.close();
  });

  it('has the kubernetes Service in default: ClusterIP 10.96.0.1, port 443, no selector and no controller slice', () => {
    const { world } = makeWorld();
    for (const cluster of ['blue', 'green']) {
      const store = world.cluster(cluster).store;
      const svc = store.get(REF.services, 'default', 'kubernetes')!;
      assert.equal(svc.spec.type, 'ClusterIP');
      assert.equal(svc.spec.clusterIP, '10.96.0.1');
      assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }]);
      assert.equal(svc.spec.selector, undefined);
      assert.deepEqual(store.list(REF.endpointSlices, 'default').items, []);
      // The scenario's own Services get other addresses.
      assert.notEqual(store.get(REF.services, 'web', 'web')!.spec.clusterIP, '10.96.0.1');
    }
    world.close();
  });
});
