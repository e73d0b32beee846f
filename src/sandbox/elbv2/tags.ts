import { asList, asString, stringViolations, type Violation, validationError } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import type { TagMap } from './types.ts';

/** Tag rules (API `Tag`, botocore `TagKey`/`TagValue`): key 1–128, value 0–256, this character set. */
const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const TAG_PATTERN_TEXT = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';
/** User tags per resource; `aws:` tags are reserved and not counted. */
export const MAX_TAGS = 50;

export interface TagInput {
  Key: string;
  Value?: string;
}

const keyViolations = (field: string, key: string) =>
  stringViolations(field, key, { min: 1, max: 128, pattern: TAG_PATTERN, patternText: TAG_PATTERN_TEXT });

/**
 * Tags of a request, checked as Coral checks the model: every broken constraint of every tag in
 * one ValidationError ("2 validation errors detected: …"), then duplicate keys (`DuplicateTagKeys`).
 * `required` is AddTags' `Tags` (a list of at least one); Create* take an optional one.
 */
export function readTags(raw: unknown, field = 'tags', required = false): TagInput[] {
  const list = asList(raw);
  if (required && list.length === 0) {
    throw validationError([
      raw === undefined
        ? { field, value: null, constraint: 'Member must not be null' }
        : { field, value: '[]', constraint: 'Member must have length greater than or equal to 1' },
    ]);
  }
  const violations: Violation[] = [];
  const tags = list.map((t: any, i) => {
    const Key = asString(t?.Key);
    const Value = asString(t?.Value);
    const at = `${field}.${i + 1}.member`;
    if (Key === undefined) violations.push({ field: `${at}.key`, value: null, constraint: 'Member must not be null' });
    else violations.push(...keyViolations(`${at}.key`, Key));
    if (Value !== undefined) {
      violations.push(
        ...stringViolations(`${at}.value`, Value, { max: 256, pattern: TAG_PATTERN, patternText: TAG_PATTERN_TEXT }),
      );
    }
    return Value === undefined ? { Key: Key ?? '' } : { Key: Key ?? '', Value };
  });
  if (violations.length) throw validationError(violations);
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.Key)) throw new AwsError('DuplicateTagKeys', `Tag key '${t.Key}' was specified more than once`);
    seen.add(t.Key);
  }
  return tags;
}

/** RemoveTags' `TagKeys`: required, each a valid tag key. */
export function readTagKeys(raw: unknown): string[] {
  if (raw === undefined)
    throw validationError([{ field: 'tagKeys', value: null, constraint: 'Member must not be null' }]);
  const keys = asList(raw).map((k) => asString(k) ?? '');
  const violations = keys.flatMap((k, i) => keyViolations(`tagKeys.${i + 1}.member`, k));
  if (violations.length) throw validationError(violations);
  return keys;
}

/** User tags counted against the quota; `aws:` tags are reserved and not counted. */
const counted = (tags: TagMap) => [...tags.keys()].filter((k) => !k.startsWith('aws:')).length;

/** Applies `tags` to `target` (an existing key's value is overwritten) or throws TooManyTags. */
export function applyTags(target: TagMap, tags: TagInput[], arn: string): void {
  for (const t of tags) {
    if (t.Key.startsWith('aws:')) {
      // [U] exact code/text; the prefix is reserved for AWS.
      throw new AwsError('ValidationError', `Tag keys starting with 'aws:' are reserved: '${t.Key}'`);
    }
  }
  const next = new Map(target);
  for (const t of tags) next.set(t.Key, t.Value ?? '');
  if (counted(next) > MAX_TAGS) {
    // [U] exact text; the code and the limit are documented.
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
