import { invalidValue, missingParameter } from './errors.ts';

/**
 * Scalars arrive typed by protocol: awsQuery gives strings ("60", "false", ISO timestamps), JSON 1.0
 * numbers/booleans and epoch-second timestamps, CBOR numbers and Dates. These helpers accept all.
 */

export function toDate(v: unknown, field: string): Date {
  const d = optDate(v, field);
  if (!d) throw missingParameter(field);
  return d;
}

export function optDate(v: unknown, field: string): Date | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  let d: Date;
  if (v instanceof Date) d = v;
  else if (typeof v === 'number') d = new Date(v * 1000);
  else if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) d = new Date(Number(v) * 1000);
  else if (typeof v === 'string') d = new Date(v);
  else d = new Date(Number.NaN);
  if (Number.isNaN(d.getTime()))
    throw invalidValue(`The value ${String(v)} for parameter ${field} is not a valid timestamp.`);
  return d;
}

export function toNumber(v: unknown, field: string): number {
  const n = optNumber(v, field);
  if (n === undefined) throw missingParameter(field);
  return n;
}

export function optNumber(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  if (Number.isNaN(n)) throw invalidValue(`The value ${String(v)} for parameter ${field} is not a number.`);
  return n;
}

export function optInt(v: unknown, field: string): number | undefined {
  const n = optNumber(v, field);
  if (n !== undefined && !Number.isInteger(n)) {
    throw invalidValue(`The value ${n} for parameter ${field} must be an integer.`);
  }
  return n;
}

export function optBool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidValue(`The value ${String(v)} for parameter ${field} is not a boolean.`);
}

export function optStr(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

export function toStr(v: unknown, field: string): string {
  const s = optStr(v);
  if (s === undefined || s === '') throw missingParameter(field);
  return s;
}

/** Lists are arrays already; a lone member (some decoders collapse one-element lists) is wrapped. */
export function toList(v: unknown): any[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}
