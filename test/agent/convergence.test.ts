import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { gateConditionType } from '../../src/agent/readiness-gate.ts';
import { CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { cutoverBinding, deployment, service, TWO_CLUSTERS } from './fixtures/workloads.ts';
import { AgentHarness, type RunningAgent, readyOf } from './harness.ts';

/**
 * The agent keeps a target group equal to the Service's ready pods while they change: scaling,
 * pods turning unready, terminating pods, and the agent itself restarting in between. Every
 * check is against DescribeTargetHealth.
 */
describe('agent convergence (active cluster, gated pods)', () => {
  let h: AgentHarness;
  let tg: Record<string, string>;
  let agent: RunningAgent;

  before(async () => {
    h = await AgentHarness.start(TWO_CLUSTERS);
    await h.installCrds();
    tg = await h.groupArns();
    agent = await h.startAgent('blue');
  });
  after(() => h.close());

  /** Live (not draining) targets equal the ready pods' IPs (`count` of them), all healthy. */
  const matchesPods =
    (count: number, app = 'web', group = 'web-blue') =>
    async () => {
      const ips = await h.podIps('blue', 'web', app);
      if (ips.length !== count) return undefined;
      const live = await h.targetSummary(tg[group]!);
      const want = ips.map((ip) => `${ip}:80=healthy`);
      return JSON.stringify(live) === JSON.stringify(want) ? live : undefined;
    };

  it('GIVEN gated pods of the active cluster WHEN the binding is applied THEN all 4 are registered, healthy, and every gate and pod turns Ready', async () => {
    await h.apply('blue', [cutoverBinding('web', 'web', 'web', tg['web-blue']!)]);
    const live = await h.eventually('4 healthy targets = pods', matchesPods(4));
    assert.equal(live.length, 4);
    const gate = gateConditionType('web');
    // The agent looks at gated targets again every 15 s (as the AWS controller does).
    const pods = await h.eventually('gates True', async () => {
      const items = (await h.kube('blue').makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'web' })).items;
      return items.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        ? items
        : undefined;
    });
    assert.deepEqual(
      pods.map((p) => [
        p.status?.conditions?.find((c) => c.type === gate)?.status,
        p.status?.conditions?.find((c) => c.type === 'Ready')?.status,
      ]),
      pods.map(() => ['True', 'True']),
    );
  });

  it('WHEN the Deployment scales 4 → 6 THEN exactly the 6 pods are healthy targets', async () => {
    await h.scale('blue', 'web', 'web', 6);
    const live = await h.eventually('6 healthy targets = pods', matchesPods(6));
    assert.equal(live.length, 6);
  });

  it('WHEN it scales 6 → 3 THEN the terminating pods are deregistered at once, well inside their 30 s grace period', async () => {
    const before = new Set(await h.podIps('blue', 'web', 'web'));
    await h.scale('blue', 'web', 'web', 3);
    // 1 s steps, at most 10: the pods are still terminating (and serving) when this holds.
    const live = await h.eventually('3 live targets', matchesPods(3), 1_000, 10);
    assert.equal(live.length, 3);
    const core = h.kube('blue').makeApiClient(CoreV1Api);
    const terminating = (await core.listNamespacedPod({ namespace: 'web' })).items.filter(
      (p) => p.metadata?.deletionTimestamp,
    );
    assert.equal(terminating.length, 3, 'the removed pods still exist, terminating');
    const draining = (await h.targets(tg['web-blue']!))
      .filter((d) => d.TargetHealth?.State === 'draining')
      .map((d) => d.Target!.Id!)
      .sort();
    assert.deepEqual(draining, terminating.map((p) => p.status!.podIP!).sort());
    assert.ok(draining.every((ip) => before.has(ip)));
  });

  it('GIVEN pods with a second readiness gate WHEN one pod turns unready THEN its target is deregistered, and registered again when it is ready', async () => {
    const inRotation = 'example.com/in-rotation';
    await h.apply('blue', [
      deployment('api', 'web', 2, { name: 'http', containerPort: 80 }, [inRotation]),
      service('api', 'web', 'api', 80, 'http'),
      cutoverBinding('api', 'web', 'api', tg['web-green']!),
    ]);
    const core = h.kube('blue').makeApiClient(CoreV1Api);
    const setGate = async (pod: string, status: 'True' | 'False') =>
      core.patchNamespacedPodStatus(
        {
          namespace: 'web',
          name: pod,
          body: { status: { conditions: [{ type: inRotation, status, lastTransitionTime: new Date(h.clock.now()) }] } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
    const apiPods = async () =>
      (await core.listNamespacedPod({ namespace: 'web', labelSelector: 'app=api' })).items.sort((a, b) =>
        a.metadata!.name!.localeCompare(b.metadata!.name!),
      );
    const pods = await h.eventually('2 api pods with IPs', async () => {
      const p = await apiPods();
      return p.length === 2 && p.every((x) => x.status?.podIP) ? p : undefined;
    });
    await h.run(10_000);
    assert.deepEqual(await h.targetSummary(tg['web-green']!), [], 'not ready: nothing registered');
    for (const p of pods) await setGate(p.metadata!.name!, 'True');
    const ips = pods.map((p) => p.status!.podIP!);
    await h.eventually('2 api targets healthy', async () => {
      const s = await h.targetSummary(tg['web-green']!);
      return s.length === 2 && s.every((t) => t.endsWith('=healthy'));
    });
    await setGate(pods[0]!.metadata!.name!, 'False');
    const live = await h.eventually('only the ready pod left', async () => {
      const s = await h.targetSummary(tg['web-green']!);
      return s.length === 1 ? s : undefined;
    });
    assert.deepEqual(live, [`${ips[1]}:80=healthy`]);
    await setGate(pods[0]!.metadata!.name!, 'True');
    const back = await h.eventually('both back', async () => {
      const s = await h.targetSummary(tg['web-green']!);
      return s.length === 2 && s.every((t) => t.endsWith('=healthy')) ? s : undefined;
    });
    assert.deepEqual(back, ips.map((ip) => `${ip}:80=healthy`).sort());
  });

  it('GIVEN the agent stopped WHEN pods are scaled and killed meanwhile THEN a new agent converges to exactly the current pods', async () => {
    await h.stopAgent(agent);
    await h.scale('blue', 'web', 'web', 5);
    const core = h.kube('blue').makeApiClient(CoreV1Api);
    const victim = (await core.listNamespacedPod({ namespace: 'web', labelSelector: 'app=web' })).items.find(
      (p) => !p.metadata?.deletionTimestamp,
    )!;
    await core.deleteNamespacedPod({ namespace: 'web', name: victim.metadata!.name!, gracePeriodSeconds: 0 });
    await h.run(60_000);
    const stale = await h.targetSummary(tg['web-blue']!);
    assert.ok(
      stale.some((t) => t.startsWith(`${victim.status!.podIP}:`)),
      'the killed pod is still a target',
    );
    agent = await h.startAgent('blue');
    const live = await h.eventually('5 healthy targets = pods', matchesPods(5));
    assert.equal(live.length, 5);
    assert.ok(!live.some((t) => t.startsWith(`${victim.status!.podIP}:`)));
    const b = await h.binding('blue', CUTOVER_BINDINGS, 'web', 'web');
    assert.equal(readyOf(b), 'True/Reconciled');
  });
});
