import { asInt, asString } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';

/** Marker/PageSize pagination of Describe* calls: PageSize 1–400, opaque markers. */
export function paginate<T>(items: T[], input: Record<string, any>): { page: T[]; NextMarker?: string } {
  const size = asInt(input.PageSize, 'pageSize') ?? 400;
  if (size < 1 || size > 400) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${size}' at 'pageSize' failed to satisfy constraint: Member must have value ${size < 1 ? 'greater than or equal to 1' : 'less than or equal to 400'}`,
    );
  }
  const marker = asString(input.Marker);
  let offset = 0;
  if (marker) {
    const m = /^o(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
    // [U] AWS's text for a marker it did not issue.
    if (!m) throw new AwsError('ValidationError', `Invalid marker '${marker}'`);
    offset = Number(m[1]);
  }
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  return end < items.length ? { page, NextMarker: Buffer.from(`o${end}`).toString('base64url') } : { page };
}
