import { AwsError } from './errors.ts';

/**
 * The one place that decodes handler input whatever protocol it came in: awsQuery gives every
 * scalar as a string ("60", "false", ISO-8601 or epoch-second timestamps, `A=` for an empty list),
 * AWS JSON 1.0 gives numbers, booleans and epoch-second timestamps, RPC v2 CBOR numbers and Dates.
 *
 * What a service says about bad input differs, so the readers are made for an {@link InputErrors}
 * style: ELBv2 and STS answer `ValidationError` "1 validation error detected: …" (Coral's model
 * validation, {@link VALIDATION_ERRORS}, bound to the `as*` exports below); CloudWatch answers
 * `InvalidParameterValue` "The value … for parameter …" and `MissingParameter`
 * (`cloudwatch/coerce.ts`).
 */
export type ScalarKind = 'integer' | 'number' | 'boolean' | 'timestamp';

export interface InputErrors {
  /** `raw` is not a value of `kind` (e.g. "abc" for an integer). */
  wrongType(field: string, raw: unknown, kind: ScalarKind): AwsError;
  /** A required parameter is absent (or an empty string). */
  missing(field: string): AwsError;
}

export interface InputReaders {
  /** A string; numbers and booleans are stringified, absence is undefined. */
  str(v: unknown): string | undefined;
  int(v: unknown, field: string): number | undefined;
  num(v: unknown, field: string): number | undefined;
  bool(v: unknown, field: string): boolean | undefined;
  /** Timestamps: Date (CBOR), epoch seconds (JSON), ISO-8601 or epoch-seconds strings (query). */
  date(v: unknown, field: string): Date | undefined;
  /** The value, or the style's `missing` error when it is undefined or ''. */
  required<T>(v: T | undefined, field: string): T;
}

/** Absent in every protocol: not sent, JSON null, or an empty awsQuery value. */
const absent = (v: unknown): v is undefined | null | '' => v === undefined || v === null || v === '';

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'string' ? Number(v.trim()) : Number.NaN;
}

export function inputReaders(errors: InputErrors): InputReaders {
  return {
    str: (v) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v)),
    num(v, field) {
      if (absent(v)) return undefined;
      const n = toNumber(v);
      if (Number.isNaN(n)) throw errors.wrongType(field, v, 'number');
      return n;
    },
    int(v, field) {
      if (absent(v)) return undefined;
      const n = toNumber(v);
      if (!Number.isInteger(n)) throw errors.wrongType(field, v, 'integer');
      return n;
    },
    bool(v, field) {
      if (absent(v)) return undefined;
      if (typeof v === 'boolean') return v;
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw errors.wrongType(field, v, 'boolean');
    },
    date(v, field) {
      if (absent(v)) return undefined;
      let d: Date;
      if (v instanceof Date) d = v;
      else if (typeof v === 'number') d = new Date(v * 1000);
      else if (typeof v === 'string') d = NUMERIC.test(v) ? new Date(Number(v) * 1000) : new Date(v);
      else d = new Date(Number.NaN);
      if (Number.isNaN(d.getTime())) throw errors.wrongType(field, v, 'timestamp');
      return d;
    },
    required(v, field) {
      if (v === undefined || v === '') throw errors.missing(field);
      return v;
    },
  };
}

/** A list parameter; `''` (an empty awsQuery list) and absence both read as `[]`. */
export function asList<T = any>(v: unknown): T[] {
  if (absent(v)) return [];
  return Array.isArray(v) ? (v as T[]) : [v as T];
}

// ---- Coral model validation (ELBv2, STS) ------------------------------------------------------

/** One failed constraint of a member, as Coral words it. */
export interface Violation {
  field: string;
  /** The offending value; `null` for an absent one (written without quotes). */
  value: unknown;
  constraint: string;
}

/**
 * `ValidationError` listing every violation: "1 validation error detected: Value 'x' at 'port'
 * failed to satisfy constraint: Member must have value less than or equal to 65535", or
 * "2 validation errors detected: …; …".
 */
export function validationError(violations: readonly Violation[]): AwsError {
  const n = violations.length;
  const parts = violations.map(
    (v) =>
      `Value ${v.value === null ? 'null' : `'${String(v.value)}'`} at '${v.field}' failed to satisfy constraint: ${v.constraint}`,
  );
  return new AwsError('ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`);
}

/** A single violation as an error. */
export function violation(field: string, value: unknown, constraint: string): AwsError {
  return validationError([{ field, value, constraint }]);
}

/** The constraint text of a numeric range member, for the bound the value broke. */
export function rangeConstraint(v: number, min: number, max: number): string | undefined {
  if (v < min) return `Member must have value greater than or equal to ${min}`;
  if (v > max) return `Member must have value less than or equal to ${max}`;
  return undefined;
}

/** Throws the Coral range violation when `v` is outside [min, max]. */
export function checkRange(field: string, v: number, min: number, max: number): number {
  const broken = rangeConstraint(v, min, max);
  if (broken) throw violation(field, v, broken);
  return v;
}

/** The constraint texts a string member breaks (length, then pattern), empty when it is valid. */
export function stringViolations(
  field: string,
  s: string,
  o: { min?: number; max?: number; pattern?: RegExp; patternText?: string },
): Violation[] {
  const out: Violation[] = [];
  if (o.min !== undefined && s.length < o.min) {
    out.push({ field, value: s, constraint: `Member must have length greater than or equal to ${o.min}` });
  }
  if (o.max !== undefined && s.length > o.max) {
    out.push({ field, value: s, constraint: `Member must have length less than or equal to ${o.max}` });
  }
  if (o.pattern && !o.pattern.test(s)) {
    out.push({
      field,
      value: s,
      constraint: `Member must satisfy regular expression pattern: ${o.patternText ?? o.pattern.source}`,
    });
  }
  return out;
}

/** Coral's model validation: wrong scalar types and absent required members. */
export const VALIDATION_ERRORS: InputErrors = {
  wrongType: (field, raw, kind) =>
    violation(field, raw, kind === 'timestamp' ? 'Member must be a timestamp' : `Member must be ${article(kind)}`),
  missing: (field) => violation(field, null, 'Member must not be null'),
};

function article(kind: ScalarKind): string {
  return kind === 'integer' ? 'an integer' : `a ${kind}`;
}

const coral = inputReaders(VALIDATION_ERRORS);

/** The readers in Coral's style, as ELBv2 and STS answer (field names as in the request, lowerCamel). */
export const asString = coral.str;
export const asInt = coral.int;
export const asBool = coral.bool;
export const asDate = coral.date;
export const requireParam: <T>(v: T | undefined, name: string) => T = coral.required;
