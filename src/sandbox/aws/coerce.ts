import { AwsError } from './errors.ts';

/**
 * Reading handler input whatever protocol it came in (awsQuery gives strings, JSON numbers and
 * epoch seconds, CBOR numbers and Dates). Every reader names the parameter in its error, as AWS's
 * `ValidationError` messages do.
 */
export function validation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

export function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

export function asInt(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) {
    throw validation(
      `1 validation error detected: Value '${String(v)}' at '${name}' failed to satisfy constraint: Member must be an integer`,
    );
  }
  return n;
}

export function asBool(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw validation(
    `1 validation error detected: Value '${String(v)}' at '${name}' failed to satisfy constraint: Member must be a boolean`,
  );
}

/** A list parameter; `''` (an empty awsQuery list) and absence both read as `[]`. */
export function asList<T = any>(v: unknown): T[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? (v as T[]) : [v as T];
}

/** Timestamps: Date (CBOR), epoch seconds (JSON), ISO-8601 or epoch-seconds strings (query). */
export function asDate(v: unknown, name: string): Date | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v * 1000);
  const s = String(v);
  const d = /^-?\d+(\.\d+)?$/.test(s) ? new Date(Number(s) * 1000) : new Date(s);
  if (Number.isNaN(d.getTime())) {
    throw validation(
      `1 validation error detected: Value '${s}' at '${name}' failed to satisfy constraint: Member must be a timestamp`,
    );
  }
  return d;
}

export function requireParam<T>(v: T | undefined, name: string): T {
  if (v === undefined || (typeof v === 'string' && v === '')) {
    throw validation(
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}
