import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AwsPorts,
  createAwsClients,
  createAwsPorts,
  detectDrift,
  type RouteRef,
  type TargetGroupWeights,
} from '../../src/aws/index.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { DUMMY } from './fixture.ts';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/761fbf0b36bfccac';
const MINUTE = 60_000;

/**
 * The ports against the whole sandbox (default world, scenario faults): the steps of one cutover
 * step as the driver will make them, with half of the ModifyListener calls throttled.
 */
describe('AWS ports against the default sandbox world, with ModifyListener throttled', () => {
  let dir: string;
  let sandbox: Sandbox;
  let clock: ManualClock;
  let ports: AwsPorts;
  let destroy: () => void;
  const throttled: string[] = [];
  const route: RouteRef = { name: 'web', kind: 'listener', arn: LISTENER, targetGroups: { blue: BLUE, green: GREEN } };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-aws-'));
    const scenario = `${readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8')}
faults:
  - {at: 0s, kind: awsThrottle, service: elbv2, operations: [ModifyListener], probability: 50%, for: 1h}
`;
    writeFileSync(join(dir, 'scenario.yaml'), scenario);
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const log = {
      info() {},
      warn() {},
      error() {},
      debug(obj: { code?: string; op?: string }) {
        if (obj.code === 'Throttling' && obj.op) throttled.push(obj.op);
      },
    };
    sandbox = await startSandbox({ clock, dir: join(dir, 'sbx'), scenario: join(dir, 'scenario.yaml'), log });
    const clients = createAwsClients({ region: 'us-east-1', clock, credentials: DUMMY, endpoint: sandbox.awsUrl });
    destroy = () => clients.destroy();
    ports = createAwsPorts(clients, { clock, leaseTtlMs: 5 * MINUTE, settleMs: 0 });
  });
  after(async () => {
    destroy();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leases the route, steps green to 25% through the throttling, records state, and sees the traffic', async (t) => {
    // GIVEN the lease and the live weights, which match the world's start
    const lease = await ports.lease.acquire(LISTENER, 'test@host/1');
    const live = await ports.forward.readForward(route);
    assert.deepEqual(live.weights, { [BLUE]: 100, [GREEN]: 0 });
    assert.equal((await ports.health.describeTargetHealth(GREEN)).counts.healthy, 4);
    // WHEN three steps are written as the driver writes them: drift check, write + read-back, state
    // (half of the ModifyListener attempts are throttled and retried by the SDK)
    let last: TargetGroupWeights = live.weights;
    for (const [step, green] of [5, 10, 25].entries()) {
      assert.equal(detectDrift(last, await ports.forward.readForward(route)), undefined);
      last = (await ports.forward.setWeights(route, { [BLUE]: 100 - green, [GREEN]: green })).weights;
      await ports.state.writeState(LISTENER, {
        rollout: 'sandbox-web',
        specHash: 'a'.repeat(64),
        route: 'web',
        step,
        phase: 'baking',
        weights: last,
        updatedAt: clock.now(),
        leaseGeneration: lease.generation,
      });
    }
    // THEN the world routes by the last weights, the state reads back, and nothing drifted
    assert.deepEqual(sandbox.world.elbv2.forwardTargets(LISTENER), [
      { targetGroupArn: BLUE, weight: 75 },
      { targetGroupArn: GREEN, weight: 25 },
    ]);
    const record = await ports.state.readOne(LISTENER);
    assert.equal(record.state?.step, 2);
    assert.deepEqual(record.state?.weights, { [BLUE]: 75, [GREEN]: 25 });
    assert.equal(record.lease?.holder, 'test@host/1');
    assert.equal(detectDrift(record.state!.weights, await ports.forward.readForward(route)), undefined);
    // and green gets requests once five minutes have been published
    const shiftedAt = clock.now();
    await clock.advance(5 * MINUTE);
    sandbox.world.advanceTo(clock.now());
    const [req] = await ports.metrics.queryMetrics(
      [
        {
          id: 'green',
          namespace: 'AWS/ApplicationELB',
          metricName: 'RequestCount',
          dimensions: {
            LoadBalancer: 'app/edge/1330ec75395d8e31',
            TargetGroup: 'targetgroup/web-green/761fbf0b36bfccac',
          },
          stat: 'Sum',
          periodSec: 60,
        },
      ],
      { startMs: shiftedAt - (shiftedAt % MINUTE) + MINUTE, endMs: clock.now() - 2 * MINUTE },
    );
    assert.ok(req!.values.length >= 2, JSON.stringify(req));
    assert.ok(
      req!.values.every((v) => v > 1500 && v < 4500),
      JSON.stringify(req!.values),
    );
    assert.ok(throttled.includes('ModifyListener'), 'the scenario throttled at least one ModifyListener');
    t.diagnostic(`throttled ModifyListener attempts: ${throttled.length}`);
    const { alarms } = await ports.alarms.describeAlarms(['edge-p99-latency']);
    assert.equal(alarms[0]?.state, 'OK');
  });
});
