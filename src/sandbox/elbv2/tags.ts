import { asList, asString } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import type { TagMap } from './types.ts';

/** Tag rules (API `Tag`, botocore): key 1–128, value 0–256, this character set, ≤ 50 per resource. */
const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
export const MAX_TAGS = 50;

export interface TagInput {
  Key: string;
  Value?: string;
}

export function readTags(raw: unknown, field = 'tags'): TagInput[] {
  const tags = asList(raw).map((t: any, i) => {
    const Key = asString(t?.Key) ?? '';
    const Value = asString(t?.Value);
    const at = `${field}.${i + 1}.member`;
    if (Key.length < 1 || Key.length > 128 || !TAG_PATTERN.test(Key)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${Key}' at '${at}.key' failed to satisfy constraint: Member must have length between 1 and 128 and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`,
      );
    }
    if (Value !== undefined && (Value.length > 256 || !TAG_PATTERN.test(Value))) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${Value}' at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to 256 and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`,
      );
    }
    return Value === undefined ? { Key } : { Key, Value };
  });
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.Key)) throw new AwsError('DuplicateTagKeys', `Tag key '${t.Key}' was specified more than once`);
    seen.add(t.Key);
  }
  return tags;
}

/** User tags counted against the quota; `aws:` tags are reserved and not counted. */
const counted = (tags: TagMap) => [...tags.keys()].filter((k) => !k.startsWith('aws:')).length;

/** Applies `tags` to `target` (an existing key's value is overwritten) or throws TooManyTags. */
export function applyTags(target: TagMap, tags: TagInput[], arn: string): void {
  for (const t of tags) {
    if (t.Key.startsWith('aws:')) {
      // [U] exact text; the prefix is reserved for AWS.
      throw new AwsError('ValidationError', `Tag keys starting with 'aws:' are reserved: '${t.Key}'`);
    }
  }
  const next = new Map(target);
  for (const t of tags) next.set(t.Key, t.Value ?? '');
  if (counted(next) > MAX_TAGS) {
    throw new AwsError(
      'TooManyTags',
      `The quota for the number of tags that can be assigned to '${arn}' has been reached`,
    );
  }
  for (const t of tags) target.set(t.Key, t.Value ?? '');
}

export function tagList(tags: TagMap): Array<{ Key: string; Value: string }> {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}
