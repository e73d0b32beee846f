import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  ModifyListenerCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { cutoverBinding, TWO_CLUSTERS } from './fixtures/workloads.ts';
import { AgentHarness, type RunningAgent, readyOf } from './harness.ts';

/**
 * The agent under failures of its two APIs: Kubernetes watches dropped and the API server
 * restarted, ELBv2 throttling and 5xx bursts, a target group deleted underneath, a forbidden
 * target group and a full one. It reports each in the binding's Ready condition, never crashes,
 * and converges once the failure is gone.
 */
describe('agent under faults (green cluster)', () => {
  let h: AgentHarness;
  let tg: Record<string, string>;
  let agent: RunningAgent;

  before(async () => {
    h = await AgentHarness.start(TWO_CLUSTERS);
    await h.installCrds();
    tg = await h.groupArns();
    agent = await h.startAgent('green', {
      allow: ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-*'],
    });
    await h.apply('green', [cutoverBinding('web', 'web', 'web', tg['web-green']!)]);
    await converged(4);
  });
  after(() => h.close());

  /** Live targets of web-green equal green's ready pods (`count` of them). */
  async function converged(count: number, maxSteps = 60) {
    return h.eventually(
      `${count} targets = green pods`,
      async () => {
        const ips = await h.podIps('green', 'web', 'web');
        const live = (await h.targets(tg['web-green']!))
          .filter((d) => d.TargetHealth?.State !== 'draining')
          .map((d) => d.Target!.Id!)
          .sort();
        return ips.length === count && JSON.stringify(live) === JSON.stringify(ips) ? live : undefined;
      },
      5_000,
      maxSteps,
    );
  }

  const status = (name = 'web') => h.binding('green', CUTOVER_BINDINGS, 'web', name);

  async function events(reason: string, name = 'web') {
    const list = await h.kube('green').makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'web' });
    return list.items.filter((e) => e.reason === reason && e.involvedObject.name === name);
  }

  it('WHEN every watch is cut THEN the informers re-watch and a scale-up is still followed', async () => {
    h.sandbox.clusters.find((c) => c.name === 'green')!.server.disconnectWatches();
    await h.scale('green', 'web', 'web', 5);
    await converged(5);
  });

  it('WHEN the API server restarts (and then watch history expires) THEN the agent relists and follows a scale-down', async () => {
    const server = h.sandbox.clusters.find((c) => c.name === 'green')!.server;
    await server.restart();
    // Ten virtual minutes pass before the informers are back: their resourceVersions are older
    // than the server's watch history (5 min), so a re-watch from them gets 410 Gone.
    await h.clock.advance(10 * 60_000);
    await h.scale('green', 'web', 'web', 3);
    await converged(3);
    assert.equal(readyOf(await status()), 'True/Reconciled');
    // A watch re-established while the server was going down can hang until the inactivity
    // timeout (watchTimeoutMs, 1 s of real time here): let those recover before the next test.
    await new Promise((r) => setTimeout(r, 2_500));
  });

  it('GIVEN a burst of ELBv2 Throttling longer than the SDK retries WHEN pods change THEN Ready=False/Throttled with an Event, then it converges', async () => {
    h.sandbox.world.awsFaults.add(
      { atMs: 0, kind: 'awsThrottle', service: 'elbv2', operations: [], probability: 1, forMs: 2 * 60_000 },
      h.clock.now(),
    );
    await h.scale('green', 'web', 'web', 4);
    const b = await h.eventually('Throttled', async () => {
      const s = await status();
      return readyOf(s) === 'False/Throttled' ? s : undefined;
    });
    assert.match(b.status!.conditions![0]!.message!, /Rate exceeded/);
    assert.equal((await events('Throttled')).length, 1);
    await converged(4);
    await h.eventually('Ready again', async () => readyOf(await status()) === 'True/Reconciled');
  });

  it('GIVEN ELBv2 answering 500 InternalFailure WHEN pods change THEN Ready=False/AwsError, then it converges', async () => {
    h.sandbox.world.awsFaults.add(
      {
        atMs: 0,
        kind: 'awsError',
        service: 'elbv2',
        operations: ['DescribeTargetHealth', 'RegisterTargets', 'DeregisterTargets'],
        probability: 1,
        forMs: 45_000,
        code: 'InternalFailure',
        status: 500,
      },
      h.clock.now(),
    );
    await h.scale('green', 'web', 'web', 2);
    await h.eventually('AwsError', async () => readyOf(await status()) === 'False/AwsError', 2_000, 20);
    await converged(2);
    assert.equal((await events('AwsError')).length, 1);
  });

  it('GIVEN a binding on a target group outside the allow-list and untagged THEN Ready=False/Forbidden and the group is never touched', async () => {
    const foreign = 'shared';
    await h.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: tg[foreign]!, Targets: [{ Id: '10.9.0.99', Port: 80 }] }),
    );
    const before = await h.targetSummary(tg[foreign]!, true);
    await h.apply('green', [cutoverBinding('hijack', 'web', 'web', tg[foreign]!)]);
    const b = await h.eventually('Forbidden', async () => {
      const s = await status('hijack');
      return readyOf(s) === 'False/Forbidden' ? s : undefined;
    });
    assert.match(b.status!.conditions![0]!.message!, /not allowed for cluster green/);
    await h.run(60_000);
    assert.deepEqual(
      (await h.targetSummary(tg[foreign]!, true)).map((t) => t.split('=')[0]),
      before.map((t) => t.split('=')[0]),
    );
    assert.equal((await events('Forbidden', 'hijack')).length, 1);
    // Deleting it releases it at once, still without touching the group.
    await h
      .kube('green')
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({ ...CUTOVER_BINDINGS, namespace: 'web', name: 'hijack' });
    await h.eventually('hijack gone', async () => {
      try {
        await status('hijack');
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    });
    assert.deepEqual(
      (await h.targetSummary(tg[foreign]!, true)).map((t) => t.split('=')[0]),
      before.map((t) => t.split('=')[0]),
    );
  });

  it('GIVEN the target quota nearly reached WHEN pods scale past it THEN Ready=False/TooManyTargets with an Event, and it converges once the quota is raised', async () => {
    const quotas = h.sandbox.world.elbv2.quotas;
    const saved = { ...quotas };
    Object.assign(quotas, { targetsPerTargetGroup: 3 });
    try {
      await h.scale('green', 'web', 'web', 4);
      const b = await h.eventually('TooManyTargets', async () => {
        const s = await status();
        return readyOf(s) === 'False/TooManyTargets' ? s : undefined;
      });
      assert.match(b.status!.conditions![0]!.message!, /limit/);
      assert.equal((await events('TooManyTargets')).length, 1);
    } finally {
      Object.assign(quotas, saved);
    }
    await converged(4, 120);
  });

  it('GIVEN the target group deleted underneath THEN Ready=False/TargetGroupNotFound without a retry storm, and it recovers when the group is back', async () => {
    const listener = h.sandbox.world.listenerArn('edge', 80);
    const forward = (groups: string[]) =>
      new ModifyListenerCommand({
        ListenerArn: listener,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: groups.map((TargetGroupArn) => ({ TargetGroupArn, Weight: 1 })) },
          },
        ],
      });
    await h.elb.send(forward([tg['web-blue']!, tg.shared!]));
    await h.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg['web-green']! }));
    await h.scale('green', 'web', 'web', 3);
    await h.eventually('TargetGroupNotFound', async () => readyOf(await status()) === 'False/TargetGroupNotFound');
    await h.run(60_000);
    // Quiet cluster: the missing group is looked at again every 5 minutes (4 times in 20), not
    // on the 2-minute backoff cap of other failures (10 or more), let alone in a tight loop.
    const before = agent.controller.stats.reconciles;
    await h.run(20 * 60_000, 30_000);
    const reconciles = agent.controller.stats.reconciles - before;
    assert.ok(reconciles >= 3 && reconciles <= 6, `3–6 retries in 20 minutes (got ${reconciles})`);
    assert.equal(readyOf(await status()), 'False/TargetGroupNotFound');
    // The group is recreated under the same name (as a Terraform apply would do).
    const created = await h.elb.send(
      new CreateTargetGroupCommand({
        Name: 'web-green',
        Protocol: 'HTTP',
        Port: 80,
        TargetType: 'ip',
        VpcId: 'vpc-0sandbox',
      }),
    );
    const arn = created.TargetGroups![0]!.TargetGroupArn!;
    assert.equal(arn, tg['web-green'], 'the sandbox gives a recreated group the same ARN');
    await h.elb.send(forward([tg['web-blue']!, arn, tg.shared!]));
    await converged(3, 120);
    await h.eventually('Ready again', async () => readyOf(await status()) === 'True/Reconciled');
  });

  it('GIVEN a pod failing its health checks (scenario fault at 90 min) THEN its target stays registered, unhealthy, and turns healthy again', async () => {
    const due = h.sandbox.world.startedAt + 90 * 60_000;
    assert.ok(h.clock.now() < due, 'the earlier tests finish before the fault');
    await h.clock.advance(due - h.clock.now());
    const failing = await h.eventually('one target unhealthy', async () => {
      const s = await h.targetSummary(tg['web-green']!);
      return s.filter((t) => t.endsWith('=unhealthy')).length === 1 ? s : undefined;
    });
    // The load balancer stops routing to it; removing it is not the agent's call.
    const ips = await h.podIps('green', 'web', 'web');
    assert.deepEqual(
      failing.map((t) => t.split(':')[0]),
      ips,
    );
    await h.run(5 * 60_000, 30_000);
    await h.eventually('all healthy again', async () => {
      const s = await h.targetSummary(tg['web-green']!);
      return s.length === ips.length && s.every((t) => t.endsWith('=healthy'));
    });
  });
});
