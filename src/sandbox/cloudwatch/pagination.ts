import { createHash } from 'node:crypto';
import { invalidNextToken } from './errors.ts';

/**
 * Opaque NextTokens: base64url JSON of an offset plus a fingerprint of the request, so a token
 * is refused (InvalidNextToken) when replayed against a different request.
 */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export function encodeToken(offset: number, fp: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fp })).toString('base64url');
}

export function decodeToken(token: string | undefined, fp: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed.f === fp && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // Falls through to the error below: any undecodable token is invalid.
  }
  throw invalidNextToken(`The NextToken ${token} is not valid for this request.`);
}
