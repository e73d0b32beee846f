import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ElbTargetHealth, summarizeHealth } from '../../src/aws/target-health.ts';
import { type AwsWorld, rejectionOf, startAwsWorld } from './fixture.ts';

describe('ElbTargetHealth (DescribeTargetHealth through the SDK)', () => {
  let w: AwsWorld;
  before(async () => {
    w = await startAwsWorld();
    // blue: 4 targets; 10.1.0.4 fails its checks; 10.1.0.3 is deregistered (draining).
    w.elbModel.setProbe(({ id }) => (id === '10.1.0.4' ? 'timeout' : 'pass'));
    w.elbModel.registerTargets(
      w.blue,
      ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((Id) => ({ Id })),
    );
    await w.clock.advance(10 * 60_000);
    w.elbModel.advanceTo(w.clock.now());
    w.elbModel.deregisterTargets(w.blue, [{ Id: '10.1.0.3' }]);
    // green: one target just registered (initial).
    w.elbModel.registerTargets(w.green, [{ Id: '10.2.0.1' }]);
  });
  after(() => w.close());

  it('counts targets by state and by state/reason; draining targets are not capacity', async () => {
    // WHEN
    const blue = await new ElbTargetHealth(w.clients.elbv2).describeTargetHealth(w.blue);
    // THEN
    assert.equal(blue.targets.length, 4);
    assert.equal(blue.counts.healthy, 2);
    assert.equal(blue.counts.unhealthy, 1);
    assert.equal(blue.counts.draining, 1);
    assert.equal(blue.counts.initial, 0);
    assert.deepEqual(blue.reasons, {
      'unhealthy/Target.Timeout': 1,
      'draining/Target.DeregistrationInProgress': 1,
    });
    assert.equal(blue.active, 3);
    const green = await new ElbTargetHealth(w.clients.elbv2).describeTargetHealth(w.green);
    assert.equal(green.counts.initial, 1);
    assert.deepEqual(green.reasons, { 'initial/Elb.RegistrationInProgress': 1 });
  });

  it('names the target group that does not exist', async () => {
    const arn = w.blue.replace(/[0-9a-f]{16}$/, '0000000000000000');
    const err = await rejectionOf(new ElbTargetHealth(w.clients.elbv2).describeTargetHealth(arn));
    assert.equal(err.code, 'E_AWS_TARGET_GROUP_NOT_FOUND');
    assert.equal(err.value, arn);
  });

  it('refuses a state it does not know instead of guessing', () => {
    assert.throws(
      () => summarizeHealth('tg', [{ Target: { Id: 'x' }, TargetHealth: { State: 'sleepy' as never } }]),
      (e: any) => e.code === 'E_AWS_UNKNOWN_TARGET_STATE' && e.value === 'sleepy',
    );
  });
});
