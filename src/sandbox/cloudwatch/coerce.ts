import { asList, type InputErrors, inputReaders } from '../aws/coerce.ts';
import { invalidValue, missingParameter } from './errors.ts';

/**
 * CloudWatch's readers: the protocol decoding of `aws/coerce.ts` with CloudWatch's own words for
 * bad input — `InvalidParameterValue` "The value … for parameter … is not …" and
 * `MissingParameter` "The parameter … is required." (field names as in the API, PascalCase).
 */
const CLOUDWATCH_ERRORS: InputErrors = {
  wrongType(field, raw, kind) {
    const what =
      kind === 'timestamp'
        ? 'is not a valid timestamp'
        : kind === 'boolean'
          ? 'is not a boolean'
          : kind === 'integer' && !Number.isNaN(Number(raw))
            ? 'must be an integer'
            : 'is not a number';
    return invalidValue(`The value ${String(raw)} for parameter ${field} ${what}.`);
  },
  missing: missingParameter,
};

const read = inputReaders(CLOUDWATCH_ERRORS);

export const optStr = read.str;
export const optNumber = read.num;
export const optInt = read.int;
export const optBool = read.bool;
export const optDate = read.date;
export const toList = asList;

/** A required, non-empty string. */
export function toStr(v: unknown, field: string): string {
  return read.required(read.str(v), field);
}

export function toDate(v: unknown, field: string): Date {
  return read.required(read.date(v, field), field);
}
