import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld } from './fixture.ts';

const s = 1000;

/** Availability Zones of targets and load balancers (ALB-guide; AWS's words quoted in ALBC #561, #3084). */
describe('ELBv2 zones over the real SDK', () => {
  let w: ElbWorld;
  afterEach(async () => {
    await w.close();
  });
  const subnet = (zone: string) => w.model.subnets.find((n) => n.zone === zone)!.id;
  const health = async (tgArn: string) =>
    (await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions!.map(
      (d) => `${d.Target?.Id} ${d.Target?.AvailabilityZone} ${d.TargetHealth?.State}/${d.TargetHealth?.Reason ?? '-'}`,
    );
  const register = (tgArn: string, Id: string, AvailabilityZone?: string) =>
    w.elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id, AvailabilityZone }] }));

  /** A second load balancer enabled in zones a and b only, forwarding to a new ip group. */
  async function zonalGroup(): Promise<string> {
    const lb = await w.elb.send(
      new CreateLoadBalancerCommand({ Name: 'zonal', Subnets: [subnet('us-east-1a'), subnet('us-east-1b')] }),
    );
    const tg = await w.elb.send(
      new CreateTargetGroupCommand({
        Name: 'zonal-web',
        Protocol: 'HTTP',
        Port: 80,
        TargetType: 'ip',
        VpcId: w.model.vpcId,
      }),
    );
    const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
    await w.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn,
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    );
    assert.deepEqual(
      lb.LoadBalancers![0]!.AvailabilityZones?.map((z) => z.ZoneName),
      ['us-east-1a', 'us-east-1b'],
    );
    return tgArn;
  }

  it('leaves a target in a zone the load balancer has not enabled unused/Target.NotInUse, unchecked', async () => {
    // GIVEN
    w = await startElbWorld();
    const tgArn = await zonalGroup();
    let probes = 0;
    w.model.setProbe(({ id }) => {
      if (id === '10.0.2.5') probes++;
      return 'pass';
    });
    // WHEN one target lands in zone b (third octet 1), one in zone c (third octet 2)
    await register(tgArn, '10.0.1.5');
    await register(tgArn, '10.0.2.5');
    await w.clock.advance(60 * s);
    // THEN
    assert.deepEqual(await health(tgArn), [
      '10.0.1.5 us-east-1b healthy/-',
      '10.0.2.5 us-east-1c unused/Target.NotInUse',
    ]);
    assert.equal(probes, 0);
    // AND on the load balancer enabled in every zone (the default) the same address is served
    await register(w.blueArn, '10.0.2.5');
    await w.clock.advance(60 * s);
    assert.deepEqual(await health(w.blueArn), ['10.0.2.5 us-east-1c healthy/-']);
  });

  it("requires 'all' (or a zone) for an IP outside the VPC, and refuses 'all' for one inside", async () => {
    // GIVEN a VPC of 10.0.0.0/16: a cluster at 10.9.0.0/16 is reached over peering
    w = await startElbWorld({ model: { vpcCidrs: ['10.0.0.0/16'] } });
    // WHEN
    const outside = await rejection(register(w.blueArn, '10.9.0.7'));
    const inside = await rejection(register(w.blueArn, '10.0.1.7', 'all'));
    const wrongZone = await rejection(register(w.blueArn, '10.0.1.7', 'us-east-1a'));
    await register(w.blueArn, '10.9.0.7', 'all');
    await w.clock.advance(60 * s);
    // THEN
    assert.equal(outside.name, 'ValidationError');
    assert.equal(
      outside.message,
      "You must specify a valid Availability Zone or select 'all' for all enabled Availability zones, since the IP address '10.9.0.7' is outside the VPC",
    );
    assert.equal(
      inside.message,
      "The IP address '10.0.1.7' is within the VPC, and cannot have its Availability Zone overridden to 'all' from 'us-east-1b'",
    );
    assert.equal(wrongZone.name, 'ValidationError');
    // AND a target registered with 'all' is served from every enabled zone
    assert.deepEqual(await health(w.blueArn), ['10.9.0.7 all healthy/-']);
  });

  it('refuses unknown subnets and a load balancer in one zone', async () => {
    // GIVEN
    w = await startElbWorld();
    // WHEN
    const unknown = await rejection(w.elb.send(new CreateLoadBalancerCommand({ Name: 'x', Subnets: ['subnet-nope'] })));
    const oneZone = await rejection(
      w.elb.send(new CreateLoadBalancerCommand({ Name: 'y', Subnets: [subnet('us-east-1a')] })),
    );
    // THEN
    assert.equal(unknown.name, 'SubnetNotFoundException');
    assert.match(unknown.message, /subnet-nope.*us-east-1a/);
    assert.equal(oneZone.name, 'InvalidConfigurationRequestException');
  });

  it('registers only existing instances, in their zones', async () => {
    // GIVEN the world knows one instance
    w = await startElbWorld({
      model: { instances: { zoneOf: (id) => (id === 'i-0123456789abcdef0' ? 'us-east-1a' : undefined) } },
    });
    const tg = await w.elb.send(
      new CreateTargetGroupCommand({ Name: 'nodes', Protocol: 'HTTP', Port: 30080, TargetType: 'instance' }),
    );
    const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
    // WHEN
    await register(tgArn, 'i-0123456789abcdef0');
    const unknown = await rejection(register(tgArn, 'i-00000000'));
    // THEN
    assert.equal(unknown.name, 'InvalidTargetException');
    assert.match(unknown.message, /i-00000000/);
    assert.equal(w.model.targetsOf(tgArn)[0]?.availabilityZone, 'us-east-1a');
  });
});
