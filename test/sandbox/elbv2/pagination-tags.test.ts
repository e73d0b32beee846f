import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsCommand,
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  DescribeListenersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  paginateDescribeTargetGroups,
  RemoveTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld } from './fixture.ts';

describe('ELBv2 pagination, tags, attributes, deletion', () => {
  let w: ElbWorld;
  before(async () => {
    w = await startElbWorld();
    for (let i = 0; i < 7; i++)
      w.model.createTargetGroup({ Name: `page-${i}`, Protocol: 'HTTP', Port: 80, TargetType: 'ip' });
  });
  after(async () => {
    await w.close();
  });

  it('pages with Marker/NextMarker and the SDK paginator sees every group once', async () => {
    // WHEN
    const first = await w.elb.send(new DescribeTargetGroupsCommand({ PageSize: 4 }));
    const names: string[] = [];
    for await (const page of paginateDescribeTargetGroups({ client: w.elb, pageSize: 4 }, {})) {
      names.push(...page.TargetGroups!.map((t) => t.TargetGroupName!));
    }
    // THEN
    assert.equal(first.TargetGroups?.length, 4);
    assert.ok(first.NextMarker);
    assert.equal(names.length, 9);
    assert.equal(new Set(names).size, 9);
    assert.equal(
      (await rejection(w.elb.send(new DescribeTargetGroupsCommand({ PageSize: 401 })))).name,
      'ValidationError',
    );
    assert.equal(
      (await rejection(w.elb.send(new DescribeTargetGroupsCommand({ Marker: 'garbage' })))).name,
      'ValidationError',
    );
  });

  it('filters target groups by load balancer', async () => {
    const r = await w.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: w.lbArn }));
    assert.deepEqual(
      r.TargetGroups?.map((t) => t.TargetGroupName),
      ['web-blue'],
    );
  });

  it('adds, overwrites, describes and removes tags on a listener', async () => {
    // WHEN
    await w.elb.send(
      new AddTagsCommand({
        ResourceArns: [w.listenerArn],
        Tags: [
          { Key: 'cutover.dev/state', Value: 'a' },
          { Key: 'team', Value: 'edge' },
        ],
      }),
    );
    await w.elb.send(
      new AddTagsCommand({ ResourceArns: [w.listenerArn], Tags: [{ Key: 'cutover.dev/state', Value: 'b' }] }),
    );
    await w.elb.send(new RemoveTagsCommand({ ResourceArns: [w.listenerArn], TagKeys: ['team'] }));
    const d = await w.elb.send(new DescribeTagsCommand({ ResourceArns: [w.listenerArn, w.blueArn] }));
    // THEN
    assert.deepEqual(d.TagDescriptions, [
      { ResourceArn: w.listenerArn, Tags: [{ Key: 'cutover.dev/state', Value: 'b' }] },
      { ResourceArn: w.blueArn, Tags: [] },
    ]);
  });

  it('enforces the tag rules', async () => {
    const add = (Tags: Array<{ Key: string; Value?: string }>, arns = [w.lbArn]) =>
      w.elb.send(new AddTagsCommand({ ResourceArns: arns, Tags }));
    assert.equal(
      (
        await rejection(
          add([
            { Key: 'a', Value: '1' },
            { Key: 'a', Value: '2' },
          ]),
        )
      ).name,
      'DuplicateTagKeysException',
    );
    assert.equal((await rejection(add([{ Key: 'x'.repeat(129), Value: '1' }]))).name, 'ValidationError');
    assert.equal((await rejection(add([{ Key: 'bad*key', Value: '1' }]))).name, 'ValidationError');
    assert.equal((await rejection(add([{ Key: 'k', Value: 'v'.repeat(257) }]))).name, 'ValidationError');
    await add(Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })));
    assert.equal((await rejection(add([{ Key: 'one-more', Value: 'v' }]))).name, 'TooManyTagsException');
    const missingTg = w.blueArn.replace('web-blue', 'gone');
    assert.equal((await rejection(add([{ Key: 'a' }], [missingTg]))).name, 'TargetGroupNotFoundException');
    const arns = Array.from({ length: 21 }, () => w.lbArn);
    assert.equal(
      (await rejection(w.elb.send(new DescribeTagsCommand({ ResourceArns: arns })))).name,
      'ValidationError',
    );
  });

  it('keeps target group attributes with AWS defaults and validates changes', async () => {
    // WHEN
    const before = await w.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: w.blueArn }));
    const after = await w.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: w.blueArn,
        Attributes: [
          { Key: 'slow_start.duration_seconds', Value: '30' },
          { Key: 'stickiness.enabled', Value: 'true' },
        ],
      }),
    );
    // THEN
    const get = (attrs: Array<{ Key?: string; Value?: string }> | undefined, k: string) =>
      attrs?.find((a) => a.Key === k)?.Value;
    assert.equal(get(before.Attributes, 'deregistration_delay.timeout_seconds'), '300');
    assert.equal(get(before.Attributes, 'slow_start.duration_seconds'), '0');
    assert.equal(get(after.Attributes, 'slow_start.duration_seconds'), '30');
    const bad = await rejection(
      w.elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: w.blueArn,
          Attributes: [{ Key: 'slow_start.duration_seconds', Value: '10' }],
        }),
      ),
    );
    assert.equal(bad.name, 'InvalidConfigurationRequestException');
  });

  it('creates target groups idempotently and refuses a conflicting duplicate', async () => {
    const again = await w.elb.send(
      new CreateTargetGroupCommand({ Name: 'web-blue', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }),
    );
    assert.equal(again.TargetGroups?.[0]?.TargetGroupArn, w.blueArn);
    const clash = await rejection(
      w.elb.send(new CreateTargetGroupCommand({ Name: 'web-blue', Protocol: 'HTTP', Port: 81, TargetType: 'ip' })),
    );
    assert.equal(clash.name, 'DuplicateTargetGroupNameException');
  });

  it('deletes a load balancer with its listeners, freeing its target groups', async () => {
    await w.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: w.lbArn }));
    await w.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: w.lbArn }));
    assert.equal(
      (await rejection(w.elb.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn] })))).name,
      'ListenerNotFoundException',
    );
    assert.equal(w.model.isInUse(w.blueArn), false);
  });
});
