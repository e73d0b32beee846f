import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CutoverError } from '../../src/errors.ts';
import { listenerArn, loadBalancerArn, ruleArn, targetGroupArn } from '../../src/sandbox/ids.ts';
import {
  checkElbArn,
  listenerArnOf,
  loadBalancerArnOf,
  loadBalancerDimension,
  parseElbArn,
  parseIamRoleArn,
  targetGroupDimension,
} from '../../src/spec/arn.ts';
import { partitionOfRegion, REGION_PATTERN } from '../../src/spec/regions.ts';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/storefront-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/761fbf0b36bfccac';

describe('parseElbArn', () => {
  it('splits a listener ARN', () => {
    assert.deepEqual(parseElbArn(LISTENER), {
      arn: LISTENER,
      partition: 'aws',
      region: 'us-east-1',
      account: '000000000000',
      resourceType: 'listener',
      loadBalancerType: 'app',
      loadBalancerName: 'edge',
      lbId: '1330ec75395d8e31',
      listenerId: '7ea743f6b4084ae9',
    });
  });

  it('splits a rule ARN and a target group ARN', () => {
    const r = parseElbArn(RULE, 'listener-rule');
    assert.equal(r.ruleId, '9683b2d02a6cabee');
    assert.equal(r.listenerId, 'f2f7dc8efc522ab2');
    assert.equal(r.region, 'eu-west-1');
    const t = parseElbArn(TG);
    assert.equal(t.targetGroupName, 'web-green');
    assert.equal(t.tgId, '761fbf0b36bfccac');
    assert.equal(t.loadBalancerName, undefined);
  });

  it('reads the sandbox ARNs (same shapes as the emulator generates)', () => {
    const c = { region: 'us-east-1', account: '000000000000' };
    const lb = loadBalancerArn(c, 'edge');
    const l = listenerArn(lb, 80);
    assert.equal(parseElbArn(lb).resourceType, 'loadbalancer');
    assert.equal(parseElbArn(l, 'listener').loadBalancerName, 'edge');
    assert.equal(parseElbArn(ruleArn(l, 10), 'listener-rule').resourceType, 'listener-rule');
    assert.equal(parseElbArn(targetGroupArn(c, 'web-blue'), 'targetgroup').targetGroupName, 'web-blue');
  });

  it('explains what is wrong', () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['edge', undefined, /is not an ARN/],
      [LISTENER.replace('arn:aws:', 'arn:aws-eu:'), undefined, /unknown partition "aws-eu"/],
      [LISTENER.replace('elasticloadbalancing', 'ec2'), undefined, /is a ec2 ARN/],
      [LISTENER.replace('000000000000', '1234'), undefined, /12 digits/],
      [RULE, 'listener', /is a listener-rule ARN, not a listener ARN/],
      [LISTENER, 'listener-rule', /is a listener ARN, not a listener-rule ARN/],
      [TG.replace('/761fbf0b36bfccac', ''), 'targetgroup', /malformed targetgroup ARN/],
      [TG.replace('web-green', '-web'), 'targetgroup', /malformed/],
      [TG.replace('761fbf0b36bfccac', '761FBF0B36BFCCAC'), 'targetgroup', /malformed/],
    ];
    for (const [arn, expect, problem] of cases) {
      const r = checkElbArn(arn, expect as never);
      assert.equal(r.ok, false, arn);
      if (!r.ok) assert.match(r.problem, problem, arn);
    }
    assert.match((checkElbArn(RULE, 'listener') as { hint: string }).hint, /rules go in ruleArn/);
    assert.throws(
      () => parseElbArn('nope'),
      (e: unknown) => e instanceof CutoverError && e.code === 'E_BAD_ARN',
    );
  });
});

describe('ARN-derived values', () => {
  it('gives the CloudWatch dimension values (ARN suffixes)', () => {
    assert.equal(loadBalancerDimension(LISTENER), 'app/edge/1330ec75395d8e31');
    assert.equal(loadBalancerDimension(RULE), 'app/storefront-prod/50dc6c495c0c9188');
    assert.equal(targetGroupDimension(TG), 'targetgroup/web-green/761fbf0b36bfccac');
    assert.throws(() => loadBalancerDimension(TG), CutoverError);
  });

  it('walks up from a rule to its listener and load balancer', () => {
    assert.equal(
      listenerArnOf(RULE),
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/storefront-prod/50dc6c495c0c9188/f2f7dc8efc522ab2',
    );
    assert.equal(listenerArnOf(LISTENER), LISTENER);
    assert.equal(
      loadBalancerArnOf(LISTENER),
      'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/edge/1330ec75395d8e31',
    );
  });

  it('parses IAM role ARNs and maps regions to partitions', () => {
    const r = parseIamRoleArn('arn:aws:iam::123456789012:role/platform/cutover-tgb');
    assert.deepEqual(r, {
      arn: 'arn:aws:iam::123456789012:role/platform/cutover-tgb',
      partition: 'aws',
      account: '123456789012',
      path: '/platform/',
      roleName: 'cutover-tgb',
    });
    assert.throws(() => parseIamRoleArn('arn:aws:iam::123456789012:user/bob'), CutoverError);
    assert.equal(partitionOfRegion('cn-north-1'), 'aws-cn');
    assert.equal(partitionOfRegion('us-gov-west-1'), 'aws-us-gov');
    assert.equal(partitionOfRegion('eu-west-1'), 'aws');
  });
});

describe('partitions (botocore partitions.json)', () => {
  it('maps each region to its one partition', () => {
    const cases: [string, string | undefined][] = [
      ['us-east-1', 'aws'],
      ['il-central-1', 'aws'],
      ['mx-central-1', 'aws'],
      ['cn-northwest-1', 'aws-cn'],
      ['us-gov-east-1', 'aws-us-gov'],
      ['us-iso-east-1', 'aws-iso'],
      ['us-isob-east-1', 'aws-iso-b'],
      ['eu-isoe-west-1', 'aws-iso-e'],
      ['us-isof-south-1', 'aws-iso-f'],
      ['eusc-de-east-1', 'aws-eusc'],
      ['xx-north-1', undefined],
      ['us-east', undefined],
    ];
    for (const [region, partition] of cases) {
      assert.equal(partitionOfRegion(region), partition, region);
      assert.equal(REGION_PATTERN.test(region), partition !== undefined, region);
    }
  });

  it("reads an ARN of any partition, and refuses one whose partition is not its region's", () => {
    const gov = LISTENER.replace(
      'arn:aws:elasticloadbalancing:us-east-1:',
      'arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:',
    );
    assert.equal(parseElbArn(gov).partition, 'aws-us-gov');
    const iso = TG.replace(
      'arn:aws:elasticloadbalancing:us-east-1:',
      'arn:aws-iso:elasticloadbalancing:us-iso-east-1:',
    );
    assert.equal(parseElbArn(iso, 'targetgroup').region, 'us-iso-east-1');
    assert.equal(parseIamRoleArn('arn:aws-iso-b:iam::123456789012:role/x').partition, 'aws-iso-b');
    const wrong = checkElbArn(LISTENER.replace(':us-east-1:', ':us-iso-east-1:'));
    assert.deepEqual(wrong, {
      ok: false,
      problem: 'has partition aws, but region us-iso-east-1 belongs to partition aws-iso',
      hint: 'write arn:aws-iso:elasticloadbalancing:us-iso-east-1:…',
    });
  });
});
