import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VpcZones } from '../../src/aws/vpc-zones.ts';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/a/1';
const outside = (ip: string) =>
  Object.assign(
    new Error(
      `You must specify a valid Availability Zone or select 'all' for all enabled Availability zones, since the IP address '${ip}' is outside the VPC`,
    ),
    { name: 'ValidationError' },
  );
const inside = (ip: string) =>
  Object.assign(
    new Error(
      `The IP address '${ip}' is within the VPC, and cannot have its Availability Zone overridden to 'all' from 'us-east-1b'`,
    ),
    { name: 'ValidationError' },
  );

describe('VpcZones: which IP targets need AvailabilityZone all', () => {
  it('GIVEN nothing learned THEN no zone is sent (in-VPC IPs get theirs from AWS)', () => {
    assert.deepEqual(new VpcZones().zoneFor(TG, '10.1.0.5'), {});
  });

  it('GIVEN one IP refused as outside THEN it and the group’s other unknown IPs are sent with all; instances never', () => {
    const z = new VpcZones();
    assert.equal(z.learn(TG, outside('10.3.0.5')), true);
    assert.deepEqual(z.zoneFor(TG, '10.3.0.5'), { AvailabilityZone: 'all' });
    assert.deepEqual(z.zoneFor(TG, '10.3.0.6'), { AvailabilityZone: 'all' });
    assert.deepEqual(z.zoneFor(TG, 'i-0123456789abcdef0'), {});
    assert.deepEqual(z.zoneFor('other-group', '10.3.0.6'), {}, 'learned per target group');
  });

  it('GIVEN an IP then refused as inside THEN it alone goes without a zone', () => {
    const z = new VpcZones();
    z.learn(TG, outside('10.3.0.5'));
    assert.equal(z.learn(TG, inside('10.1.0.9')), true);
    assert.deepEqual(z.zoneFor(TG, '10.1.0.9'), {});
    assert.deepEqual(z.zoneFor(TG, '10.3.0.7'), { AvailabilityZone: 'all' });
  });

  it('GIVEN the same refusal twice, or another error THEN it is not worth retrying', () => {
    const z = new VpcZones();
    assert.equal(z.learn(TG, outside('10.3.0.5')), true);
    assert.equal(z.learn(TG, outside('10.3.0.5')), false);
    assert.equal(z.learn(TG, Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })), false);
  });

  it('GIVEN IPs the binding says are outside THEN they get all without any refusal', () => {
    const z = new VpcZones((ip) => ip.startsWith('10.3.'));
    assert.deepEqual(z.zoneFor(TG, '10.3.0.5'), { AvailabilityZone: 'all' });
    assert.deepEqual(z.zoneFor(TG, '10.1.0.5'), {});
  });
});
