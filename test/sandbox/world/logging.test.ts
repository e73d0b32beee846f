import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SandboxLog } from '../../../src/sandbox/log.ts';
import { MINUTE, makeWorld } from './helpers.ts';

type Line = { level: 'info' | 'debug' | 'warn' | 'error'; obj: any; msg: string };

function capture(): { log: SandboxLog; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: Line['level']) =>
    (obj: object, msg = '') =>
      lines.push({ level, obj, msg });
  return { log: { info: at('info'), debug: at('debug'), warn: at('warn'), error: at('error') }, lines };
}

describe('the world logs what it does', () => {
  it('logs every fault started and ended, with its fields and the virtual time, and the pods it kills and replaces', async () => {
    // GIVEN a world with a timed error-rate fault and a pod kill
    const { log, lines } = capture();
    const { world, clock, advance } = makeWorld(
      (s) => {
        s.faults = [
          { atMs: MINUTE, kind: 'errorRate', cluster: 'green', errorRate: 0.04, forMs: 2 * MINUTE },
          { atMs: 2 * MINUTE, kind: 'killPods', cluster: 'blue', pods: 2 },
        ];
      },
      { log },
    );
    const start = clock.now();
    // WHEN the faults run their course
    await advance(4 * MINUTE);
    const info = lines.filter((l) => l.level === 'info');
    // THEN the timeline says when each started and ended
    const started = info.find((l) => l.msg === 'fault errorRate started')!;
    assert.deepEqual(
      { ...started.obj },
      {
        kind: 'errorRate',
        cluster: 'green',
        errorRate: 0.04,
        at: '1m',
        for: '2m',
        virtualTime: new Date(start + MINUTE).toISOString(),
      },
    );
    const ended = info.find((l) => l.msg === 'fault errorRate ended')!;
    assert.equal(ended.obj.virtualTime, new Date(start + 3 * MINUTE).toISOString());
    // AND the kill names the pods and the replacements
    const killed = info.find((l) => l.msg === 'killed 2 pod(s) (grace 0)')!;
    assert.equal(killed.obj.cluster, 'blue');
    assert.equal(killed.obj.pods.length, 2);
    assert.match(killed.obj.pods[0], /^web-\w+-\w{5} 10\.1\.\d+\.\d+$/);
    const created = info.find((l) => l.msg.startsWith('replicaset controller created 2 pod(s)'))!;
    assert.equal(created.obj.cluster, 'blue');
    assert.equal(created.obj.workload, 'web/web');
    assert.equal(created.obj.virtualTime, new Date(start + 2 * MINUTE).toISOString());
    // AND nothing is logged per sub-step: four minutes (240 sub-steps) gave a handful of lines
    assert.ok(lines.length < 10, lines.map((l) => l.msg).join('\n'));
    world.close();
  });

  it('logs weight changes at debug, once per change', async () => {
    const { log, lines } = capture();
    const { world, advance } = makeWorld(() => {}, { log });
    world.elbv2.setForwardWeights(world.listenerArn('edge', 80), [
      { targetGroupArn: world.targetGroupArn('web-blue'), weight: 75 },
      { targetGroupArn: world.targetGroupArn('web-green'), weight: 25 },
    ]);
    await advance(MINUTE);
    const debug = lines.filter((l) => l.level === 'debug');
    assert.equal(debug.length, 1);
    assert.deepEqual(debug[0]!.obj.weights, { 'web-blue': 75, 'web-green': 25 });
    world.close();
  });

  it('warns when an alarmState fault fires for an alarm that does not exist', async () => {
    const { log, lines } = capture();
    const { world, advance } = makeWorld(
      (s) => {
        s.faults = [{ atMs: MINUTE, kind: 'alarmState', alarm: 'nope', state: 'ALARM', reason: 'test' }];
      },
      { log },
    );
    await advance(2 * MINUTE);
    const warn = lines.filter((l) => l.level === 'warn');
    assert.equal(warn.length, 1);
    assert.match(warn[0]!.msg, /alarm "nope", which does not exist/);
    world.close();
  });

  it('logs a trigger when it fires, with when the fault starts', async () => {
    const { log, lines } = capture();
    const { world, clock, advance } = makeWorld(
      (s) => {
        s.faults = [
          {
            atMs: 30_000,
            trigger: { kind: 'weightChange', loadBalancer: 'edge', port: 80, count: 1 },
            kind: 'killPods',
            cluster: 'green',
            pods: 1,
          },
        ];
      },
      { log },
    );
    await advance(MINUTE);
    world.elbv2.setForwardWeights(world.listenerArn('edge', 80), [
      { targetGroupArn: world.targetGroupArn('web-blue'), weight: 90 },
      { targetGroupArn: world.targetGroupArn('web-green'), weight: 10 },
    ]);
    const at = clock.now();
    await advance(MINUTE);
    const fired = lines.filter((l) => l.msg === 'fault killPods triggered');
    assert.equal(fired.length, 1);
    assert.deepEqual(
      { ...fired[0]!.obj },
      {
        kind: 'killPods',
        cluster: 'green',
        pods: 1,
        when: { kind: 'weightChange', loadBalancer: 'edge', port: 80, count: 1 },
        after: '30s',
        startsAt: new Date(at + 30_000).toISOString(),
        virtualTime: new Date(at).toISOString(),
      },
    );
    assert.ok(
      lines.some(
        (l) => l.msg === 'fault killPods started' && l.obj.virtualTime === new Date(at + 30_000).toISOString(),
      ),
    );
  });
});
