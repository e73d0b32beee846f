import { asInt, asString, checkRange } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';

/** Marker/PageSize pagination of Describe* calls: PageSize 1–400, opaque markers. */
export function paginate<T>(items: T[], input: Record<string, any>): { page: T[]; NextMarker?: string } {
  const size = checkRange('pageSize', asInt(input.PageSize, 'pageSize') ?? 400, 1, 400);
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
