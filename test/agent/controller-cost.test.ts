import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { AgentController } from '../../src/agent/controller.ts';
import type { ClusterView, TargetGroupPort } from '../../src/agent/ports.ts';
import { gateConditionType } from '../../src/agent/readiness-gate.ts';
import type { PodInfo } from '../../src/agent/types.ts';
import { ManualClock } from '../../src/util/clock.ts';

/**
 * What one reconcile costs in cache reads: reading a namespace's pods converts every cached pod,
 * so it must happen a fixed number of times per pass, not once per endpoint (with 10,000 pods
 * that made each pass take seconds; bench/agent.ts).
 */
describe('agent controller: cache reads per reconcile', () => {
  it('GIVEN 200 gated endpoints WHEN a binding is reconciled THEN the pods are read a few times, not per endpoint', async () => {
    const N = 200;
    const gate = gateConditionType('web');
    const pods = new Map<string, PodInfo>(
      [...Array(N).keys()].map((i) => [
        `web-${i}`,
        { name: `web-${i}`, deleting: false, conditions: { ContainersReady: 'True' }, readinessGates: [gate] },
      ]),
    );
    let podReads = 0;
    const gatesSet: string[] = [];
    const binding = {
      apiVersion: 'cutover.dev/v1alpha1',
      kind: 'TargetGroupBinding',
      metadata: { namespace: 'web', name: 'web', generation: 1, finalizers: ['cutover.dev/targets'] },
      spec: {
        serviceRef: { name: 'web', port: 80 },
        targetGroupARN: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/0123456789abcdef',
        targetType: 'ip',
      },
    };
    const view: ClusterView = {
      bindings: () => [binding] as never,
      binding: () => binding as never,
      service: () => ({ name: 'web', type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      slicesOf: () => [
        {
          name: 'web-abc',
          addressType: 'IPv4',
          ports: [{ name: 'http', port: 8080 }],
          endpoints: [...Array(N).keys()].map((i) => ({
            addresses: [`10.1.${i >> 8}.${i & 255}`],
            ready: false,
            pod: `web-${i}`,
          })),
        },
      ],
      podsIn: () => {
        podReads++;
        return pods;
      },
      nodes: () => [],
      patchBindingStatus: async () => {},
      setFinalizers: async () => {},
      setPodCondition: async (_ns, pod, c) => {
        if (c.status === 'True') gatesSet.push(pod);
      },
      event: async () => {},
      ownership: () => ({ load: async () => new Set(), save: async () => {} }),
    };
    const tg: TargetGroupPort = {
      describeTargets: async () => [],
      register: async () => {},
      deregister: async () => {},
      tags: async () => ({}),
      describeGroup: async () => undefined,
    };
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const controller = new AgentController(view, tg, {
      cluster: 'blue',
      guard: { cluster: 'blue', allow: ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/*-blue/*'] },
      namespaces: [],
      clock,
      log: pino({ level: 'silent' }),
      random: () => 0.5,
      resyncMs: 30 * 60_000,
      classify: () => 'AwsError',
    });
    controller.start();
    await controller.idle();
    await controller.stop();

    assert.equal(controller.stats.reconciles, 1);
    // The pass registered every pod (each waits only on its gate) and looked at each one's gate.
    assert.equal(controller.stats.awsCalls, 2, 'one DescribeTargetHealth and one RegisterTargets');
    assert.equal(gatesSet.length, 0, 'gates stay False while the new targets are still initial');
    assert.ok(podReads >= 1 && podReads <= 3, `pods read ${podReads} times in one reconcile of ${N} endpoints`);
  });
});
