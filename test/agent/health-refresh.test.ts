import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { cutoverBinding, TWO_CLUSTERS } from './fixtures/workloads.ts';
import { AgentHarness } from './harness.ts';

/**
 * `--health-refresh`: with nothing changing in the cluster, the agent still reads each binding's
 * target health on a period, so the status counts follow the load balancer's checks and a target
 * someone deregistered by hand comes back within the period (not at the 30-minute resync).
 */
describe('agent health refresh (green cluster, 1 minute)', () => {
  let h: AgentHarness;
  let tg: Record<string, string>;
  const status = async () => (await h.binding('green', CUTOVER_BINDINGS, 'web', 'web')).status;

  before(async () => {
    h = await AgentHarness.start(TWO_CLUSTERS);
    await h.installCrds();
    tg = await h.groupArns();
    await h.startAgent('green', { healthRefreshMs: 60_000 });
    await h.apply('green', [cutoverBinding('web', 'web', 'web', tg['web-green']!)]);
    await h.eventually('4 healthy in the status', async () => (await status())?.healthyTargets === 4);
  });
  after(() => h.close());

  it('GIVEN a target deregistered by hand THEN it is registered again within a refresh period', async () => {
    const [victim] = await h.targets(tg['web-green']!);
    await h.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg['web-green']!, Targets: [victim!.Target!] }));
    // Let it finish draining out of the group (the sandbox's deregistration delay), then at most
    // one refresh period more.
    const removed = await h.eventually(
      'the target gone or re-registered',
      async () => {
        const live = await h.targetSummary(tg['web-green']!);
        return live.length === 4 && live.some((t) => t.startsWith(`${victim!.Target!.Id}:`)) ? live : undefined;
      },
      15_000,
      40,
    );
    assert.equal(removed.length, 4);
    await h.eventually('4 healthy again in the status', async () => (await status())?.healthyTargets === 4);
  });

  it('GIVEN a pod failing its health checks (scenario fault at 90 min) THEN the status counts it unhealthy, then healthy again', async () => {
    const due = h.sandbox.world.startedAt + 90 * 60_000;
    assert.ok(h.clock.now() < due, 'the earlier test finishes before the fault');
    await h.clock.advance(due - h.clock.now());
    const during = await h.eventually(
      'status: 3 of 4 healthy',
      async () => {
        const s = await status();
        return s?.healthyTargets === 3 && s.registeredTargets === 4 ? s : undefined;
      },
      15_000,
      20,
    );
    assert.equal(during.registeredTargets, 4);
    await h.eventually('status: 4 healthy again', async () => (await status())?.healthyTargets === 4, 15_000, 60);
  });

  it('GIVEN a quiet cluster THEN one refresh costs one DescribeTargetHealth and no writes', async () => {
    const agent = h.agents[0]!;
    await h.run(2 * 60_000, 10_000);
    const before = { ...agent.controller.stats };
    const targets = await h.targetSummary(tg['web-green']!);
    await h.run(10 * 60_000, 10_000);
    // A pass that finds nothing changed costs one call (the health read); passes started by
    // informer events with an unchanged checkpoint cost none.
    const calls = agent.controller.stats.awsCalls - before.awsCalls;
    assert.ok(calls >= 9 && calls <= 11, `about one DescribeTargetHealth a minute for 10 minutes (got ${calls})`);
    assert.deepEqual(await h.targetSummary(tg['web-green']!), targets, 'nothing registered or deregistered');
  });
});
