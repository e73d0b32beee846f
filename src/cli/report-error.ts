import { ExitCode, formatDiagnostic, InvalidInputError, isCutoverError, showValue } from '../errors.ts';
import { printDiagnostics, type Write } from './output.ts';

/**
 * Prints an error the way its kind deserves and returns the exit code: diagnostics as-is, user
 * errors without a stack (their own exit code, e.g. 3 rolled back, 4 aborted), anything else as
 * a bug (exit 1). `debug` (CUTOVER_DEBUG=1) adds the stack.
 */
export function reportError(e: unknown, debug: boolean, write: Write): number {
  if (e instanceof InvalidInputError) {
    printDiagnostics(write, e.diagnostics);
    write(`${e.message}\n`);
    return e.exitCode;
  }
  if (isCutoverError(e)) {
    write(`error: ${errorReason(e)}\n`);
    if (e.hint) write(`hint: ${e.hint}\n`);
    if (debug && e.stack) write(`${e.stack}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  write(
    `internal error: ${err.message}\nthis is a bug in cutover; please report it with the output of CUTOVER_DEBUG=1\n`,
  );
  if (debug && err.stack) write(`${err.stack}\n`);
  return ExitCode.internal;
}

/**
 * `e` in one text, as stderr says it without the `error:` and `hint:` prefixes: an invalid file's
 * diagnostics (`file:line:col: error: …`, one a line) then the count; `message (got value)`; a bug's message.
 */
export function errorReason(e: unknown): string {
  if (e instanceof InvalidInputError) return [...e.diagnostics.map(formatDiagnostic), e.message].join('\n');
  if (isCutoverError(e)) return `${e.message}${e.value === undefined ? '' : ` (got ${showValue(e.value)})`}`;
  return e instanceof Error ? e.message : String(e);
}

/** The exit code reportError gives `e`: its own for cutover's errors, 1 (a bug) for anything else. */
export function exitCodeOfError(e: unknown): number {
  return isCutoverError(e) ? e.exitCode : ExitCode.internal;
}

/**
 * `e` as data, for the last JSON event of `run -o json`: what reportError prints on stderr, as
 * fields (`code`, `message`, `value`, `hint`; the diagnostics of an invalid file; `internal` for a bug).
 */
export function errorData(e: unknown): Record<string, unknown> {
  if (isCutoverError(e)) {
    return {
      code: e.code,
      message: e.message,
      ...(e.value !== undefined ? { value: e.value } : {}),
      ...(e.hint !== undefined ? { hint: e.hint } : {}),
      ...(e instanceof InvalidInputError ? { diagnostics: e.diagnostics } : {}),
      internal: false,
    };
  }
  return { message: e instanceof Error ? e.message : String(e), internal: true };
}
