import {
  AddTagsCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  RemoveTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CutoverError } from '../errors.ts';
import { awsCall } from './errors.ts';
import type { ResourceTags, Tags } from './ports.ts';
import { checkTags, MAX_TAGS_PER_RESOURCE } from './tag-record.ts';

/** DescribeTags takes at most 20 ARNs per call (API reference). */
export const DESCRIBE_TAGS_BATCH = 20;

/**
 * ResourceTags over ELBv2 AddTags/RemoveTags/DescribeTags. AddTags overwrites the values of
 * existing keys; whether one AddTags call is applied atomically is not documented [U] — the
 * record format (tag-record.ts) tolerates a reader seeing the old or the new set of parts.
 */
export class ElbTags implements ResourceTags {
  constructor(private readonly elb: ElasticLoadBalancingV2Client) {}

  async readTags(arns: readonly string[]): Promise<Map<string, Tags>> {
    const out = new Map<string, Tags>(arns.map((a) => [a, {}]));
    for (let i = 0; i < arns.length; i += DESCRIBE_TAGS_BATCH) {
      const batch = arns.slice(i, i + DESCRIBE_TAGS_BATCH);
      const res = await awsCall({ operation: 'DescribeTags', arn: batch.join(', ') }, () =>
        this.elb.send(new DescribeTagsCommand({ ResourceArns: batch })),
      );
      for (const d of res.TagDescriptions ?? []) {
        if (!d.ResourceArn) continue;
        const tags: Tags = {};
        for (const t of d.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
        out.set(d.ResourceArn, tags);
      }
    }
    return out;
  }

  async writeTags(arn: string, set: Tags, remove: readonly string[] = []): Promise<void> {
    checkTags(arn, set);
    const keys = Object.keys(set);
    if (keys.length > 0) {
      await awsCall({ operation: 'AddTags', arn }, () =>
        this.elb.send(
          new AddTagsCommand({ ResourceArns: [arn], Tags: keys.map((Key) => ({ Key, Value: set[Key] ?? '' })) }),
        ),
      );
    }
    const gone = remove.filter((k) => !(k in set));
    if (gone.length > 0) {
      await awsCall({ operation: 'RemoveTags', arn }, () =>
        this.elb.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: gone })),
      );
    }
  }
}

/** Refuses a write that would take a resource past 50 tags, before AWS does (TooManyTags). */
export function checkTagRoom(arn: string, existing: Tags, set: Tags, remove: readonly string[]): void {
  const after = new Set(Object.keys(existing).filter((k) => !k.startsWith('aws:')));
  for (const k of Object.keys(set)) after.add(k);
  for (const k of remove) if (!(k in set)) after.delete(k);
  if (after.size > MAX_TAGS_PER_RESOURCE) {
    throw new CutoverError(
      'E_TAG_LIMIT',
      `${arn} would have ${after.size} tags; ELBv2 allows ${MAX_TAGS_PER_RESOURCE}`,
      {
        value: after.size,
        hint: 'cutover needs up to 5 tags per listener or rule for its state and lease; remove unused tags from it',
      },
    );
  }
}
