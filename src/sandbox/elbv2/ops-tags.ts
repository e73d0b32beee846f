import { asList, violation } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import type { Elbv2State } from './state.ts';
import { applyTags, readTagKeys, readTags, tagList } from './tags.ts';
import type { TagMap } from './types.ts';

/** DescribeTags: "up to 20 resources in a single call" (API text); applied to AddTags/RemoveTags too [U]. */
const MAX_ARNS = 20;

/** The tags of the resource an ARN names, or its type's not-found error. */
function tagsOf(s: Elbv2State, arn: string): TagMap {
  if (arn.includes(':listener-rule/')) return s.rule(arn).tags;
  if (arn.includes(':listener/')) return s.listener(arn).tags;
  if (arn.includes(':targetgroup/')) return s.tg(arn).tags;
  if (arn.includes(':loadbalancer/')) return s.lb(arn).tags;
  throw new AwsError('ValidationError', `'${arn}' is not a valid load balancer, listener, rule or target group ARN`);
}

function readArns(v: unknown): string[] {
  const arns = asList(v).map(String);
  if (arns.length === 0) throw violation('resourceArns', null, 'Member must not be null');
  if (arns.length > MAX_ARNS) {
    throw violation(
      'resourceArns',
      `[${arns.join(', ')}]`,
      `Member must have length less than or equal to ${MAX_ARNS}`,
    );
  }
  return arns;
}

export function addTags(s: Elbv2State, input: Record<string, any>) {
  const arns = readArns(input.ResourceArns);
  const tags = readTags(input.Tags, 'tags', true);
  const targets = arns.map((a) => ({ arn: a, map: tagsOf(s, a) }));
  // Check every resource before tagging any, so a TooManyTags on the last one changes nothing.
  for (const t of targets) applyTags(new Map(t.map), tags, t.arn);
  for (const t of targets) {
    applyTags(t.map, tags, t.arn);
    s.emit({ type: 'tags', arn: t.arn });
  }
  return {};
}

export function removeTags(s: Elbv2State, input: Record<string, any>) {
  const arns = readArns(input.ResourceArns);
  const keys = readTagKeys(input.TagKeys);
  const targets = arns.map((a) => ({ arn: a, map: tagsOf(s, a) }));
  for (const t of targets) {
    for (const k of keys) t.map.delete(k);
    s.emit({ type: 'tags', arn: t.arn });
  }
  return {};
}

export function describeTags(s: Elbv2State, input: Record<string, any>) {
  const arns = readArns(input.ResourceArns);
  return { TagDescriptions: arns.map((a) => ({ ResourceArn: a, Tags: tagList(tagsOf(s, a)) })) };
}
