import { CutoverError, cutText, showValue } from '../errors.ts';
import type { Checked } from './duration.ts';
import { PARTITIONS, type Partition, partitionList, partitionOfRegion } from './regions.ts';

/**
 * ARN shapes cutover reads, and the CloudWatch dimension values derived from them.
 * ELBv2 resource ARNs:
 *   loadbalancer/app/<lb-name>/<lb-id>
 *   listener/app/<lb-name>/<lb-id>/<listener-id>
 *   listener-rule/app/<lb-name>/<lb-id>/<listener-id>/<rule-id>
 *   targetgroup/<tg-name>/<tg-id>
 * Names are 1–32 letters, digits and hyphens, not starting or ending with a hyphen; ids are 16
 * lowercase hex digits (as real ALB ids and the sandbox's are).
 */
export type ElbResourceType = 'loadbalancer' | 'listener' | 'listener-rule' | 'targetgroup';

export interface ElbArn {
  arn: string;
  partition: Partition;
  region: string;
  account: string;
  resourceType: ElbResourceType;
  /** `app` (ALB), `net` (NLB) or `gwy` (GWLB); absent for target groups. */
  loadBalancerType?: 'app' | 'net' | 'gwy';
  loadBalancerName?: string;
  lbId?: string;
  listenerId?: string;
  ruleId?: string;
  targetGroupName?: string;
  tgId?: string;
}

export interface IamRoleArn {
  arn: string;
  partition: Partition;
  account: string;
  path: string;
  roleName: string;
}

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?';
const ID = '[0-9a-f]{16}';
const HEAD = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/;
const RESOURCE: Record<ElbResourceType, RegExp> = {
  loadbalancer: new RegExp(`^loadbalancer/(app|net|gwy)/(${NAME})/(${ID})$`),
  listener: new RegExp(`^listener/(app|net|gwy)/(${NAME})/(${ID})/(${ID})$`),
  'listener-rule': new RegExp(`^listener-rule/(app|net|gwy)/(${NAME})/(${ID})/(${ID})/(${ID})$`),
  targetgroup: new RegExp(`^targetgroup/(${NAME})/(${ID})$`),
};
const RESOURCE_SHAPE: Record<ElbResourceType, string> = {
  loadbalancer: 'loadbalancer/app/<name>/<16 hex>',
  listener: 'listener/app/<lb-name>/<16 hex>/<16 hex>',
  'listener-rule': 'listener-rule/app/<lb-name>/<16 hex>/<16 hex>/<16 hex>',
  targetgroup: 'targetgroup/<name>/<16 hex>',
};

const PARTITION = `(${PARTITIONS.join('|')})`;
/**
 * What a region looks like. An ARN's region is only required to fit its partition when the
 * partition table knows it; whether it is a real region is judged where one is named on its own
 * (spec.region, REGION_PATTERN) — so a rollout in an unknown region gets one error, not one per ARN.
 */
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d+';
const REGION_SHAPE = new RegExp(`^${REGION}$`);

/** JSON Schema patterns (that the region fits the partition is checked further by the validator). */
export function elbArnPattern(type: ElbResourceType): string {
  const body = RESOURCE[type].source.slice(1, -1);
  return `^arn:${PARTITION.replace('(', '(?:')}:elasticloadbalancing:${REGION}:\\d{12}:${body}$`;
}
export const IAM_ROLE_PATTERN = new RegExp(
  `^arn:${PARTITION}:iam::(\\d{12}):role\\/((?:[\\w+=,.@-]+\\/)*)([\\w+=,.@-]{1,64})$`,
);

/**
 * Explains what is wrong with an ELBv2 ARN, or parses it. With `expect`, an ARN of another
 * resource type is a problem too (a rule ARN where a listener ARN belongs, say).
 */
export function checkElbArn(arn: string, expect?: ElbResourceType): Checked<ElbArn> {
  const shape = `arn:aws:elasticloadbalancing:<region>:<account>:${RESOURCE_SHAPE[expect ?? 'listener']}`;
  const head = HEAD.exec(arn);
  if (!head) return { ok: false, problem: 'is not an ARN', hint: `expected ${shape}` };
  const [, partition, service, region, account, resource] = head as unknown as string[];
  if (!PARTITIONS.includes(partition as Partition)) {
    return {
      ok: false,
      problem: `has an unknown partition ${showValue(partition)}`,
      hint: `use one of ${partitionList()}`,
    };
  }
  if (service !== 'elasticloadbalancing') {
    return {
      ok: false,
      problem: `is a ${cutText(service!) || 'blank'} ARN`,
      hint: `expected an elasticloadbalancing ARN, ${shape}`,
    };
  }
  if (!REGION_SHAPE.test(region!)) {
    return { ok: false, problem: `has no valid region`, hint: `expected a region such as us-east-1 in ${shape}` };
  }
  const regionPartition = partitionOfRegion(region!);
  if (regionPartition && regionPartition !== partition) {
    return {
      ok: false,
      problem: `has partition ${partition}, but region ${region} belongs to partition ${regionPartition}`,
      hint: `write arn:${regionPartition}:elasticloadbalancing:${region}:…`,
    };
  }
  if (!/^\d{12}$/.test(account!)) return { ok: false, problem: 'has an account id that is not 12 digits', hint: shape };
  const type = (Object.keys(RESOURCE) as ElbResourceType[]).find((t) => resource!.startsWith(`${t}/`));
  if (!type) return { ok: false, problem: 'names no load balancer resource', hint: `expected ${shape}` };
  if (expect && type !== expect) {
    const use =
      type === 'listener-rule' ? '; rules go in ruleArn' : type === 'listener' ? '; listeners go in listenerArn' : '';
    return { ok: false, problem: `is a ${type} ARN, not a ${expect} ARN`, hint: `expected ${shape}${use}` };
  }
  const m = RESOURCE[type].exec(resource!);
  if (!m) return { ok: false, problem: `is a malformed ${type} ARN`, hint: `expected ${shape}` };
  const base = { arn, partition: partition as Partition, region: region!, account: account!, resourceType: type };
  if (type === 'targetgroup') return { ok: true, value: { ...base, targetGroupName: m[1]!, tgId: m[2]! } };
  return {
    ok: true,
    value: {
      ...base,
      loadBalancerType: m[1] as 'app' | 'net' | 'gwy',
      loadBalancerName: m[2]!,
      lbId: m[3]!,
      ...(m[4] ? { listenerId: m[4] } : {}),
      ...(m[5] ? { ruleId: m[5] } : {}),
    },
  };
}

/** Parses an ELBv2 ARN; throws a CutoverError (exit 2) naming the problem. */
export function parseElbArn(arn: string, expect?: ElbResourceType): ElbArn {
  const r = checkElbArn(arn, expect);
  if (!r.ok) throw new CutoverError('E_BAD_ARN', `ARN ${r.problem}`, { value: arn, hint: r.hint });
  return r.value;
}

export function checkIamRoleArn(arn: string): Checked<IamRoleArn> {
  const m = IAM_ROLE_PATTERN.exec(arn);
  if (!m) {
    return {
      ok: false,
      problem: 'is not an IAM role ARN',
      hint: 'expected arn:aws:iam::<12-digit account>:role/<name>',
    };
  }
  return { ok: true, value: { arn, partition: m[1] as Partition, account: m[2]!, path: `/${m[3]}`, roleName: m[4]! } };
}

export function parseIamRoleArn(arn: string): IamRoleArn {
  const r = checkIamRoleArn(arn);
  if (!r.ok) throw new CutoverError('E_BAD_ARN', `ARN ${r.problem}`, { value: arn, hint: r.hint });
  return r.value;
}

/** The load balancer ARN behind a listener or rule ARN. */
export function loadBalancerArnOf(arn: string): string {
  const a = parseElbArn(arn);
  if (a.resourceType === 'targetgroup') {
    throw new CutoverError('E_BAD_ARN', 'a target group ARN names no load balancer', { value: arn });
  }
  return `arn:${a.partition}:elasticloadbalancing:${a.region}:${a.account}:loadbalancer/${a.loadBalancerType}/${a.loadBalancerName}/${a.lbId}`;
}

/** The listener ARN a rule belongs to (a listener ARN is returned as is). */
export function listenerArnOf(arn: string): string {
  const a = parseElbArn(arn);
  if (a.resourceType === 'listener') return arn;
  if (a.resourceType !== 'listener-rule') {
    throw new CutoverError('E_BAD_ARN', `a ${a.resourceType} ARN names no listener`, { value: arn });
  }
  return `arn:${a.partition}:elasticloadbalancing:${a.region}:${a.account}:listener/${a.loadBalancerType}/${a.loadBalancerName}/${a.lbId}/${a.listenerId}`;
}

/** CloudWatch `LoadBalancer` dimension value, `app/<name>/<id>`, from a load balancer, listener or rule ARN. */
export function loadBalancerDimension(arn: string): string {
  const a = parseElbArn(arn);
  if (a.resourceType === 'targetgroup') {
    throw new CutoverError('E_BAD_ARN', 'a target group ARN names no load balancer', { value: arn });
  }
  return `${a.loadBalancerType}/${a.loadBalancerName}/${a.lbId}`;
}

/** CloudWatch `TargetGroup` dimension value, `targetgroup/<name>/<id>`, from a target group ARN. */
export function targetGroupDimension(arn: string): string {
  const a = parseElbArn(arn, 'targetgroup');
  return `targetgroup/${a.targetGroupName}/${a.tgId}`;
}
