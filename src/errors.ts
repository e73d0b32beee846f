/**
 * The one error model of cutover. Every error a user can cause is a CutoverError with a stable
 * `code`; the CLI entry point (src/cli/main.ts) is the only place that maps errors to exit codes.
 */

/** Exit codes of the `cutover` command (design §6). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  invalid: 2,
  rolledBack: 3,
  aborted: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CutoverErrorOptions {
  /** The offending value, shown as `(got …)`. */
  value?: unknown;
  /** What would have been accepted, or what to do next. */
  hint?: string;
  /** Exit code the CLI uses; defaults to 2 (invalid input). */
  exitCode?: ExitCode;
  cause?: unknown;
}

export class CutoverError extends Error {
  readonly code: string;
  readonly value: unknown;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: CutoverErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CutoverError';
    this.code = code;
    this.value = options.value;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.invalid;
  }
}

export function isCutoverError(e: unknown): e is CutoverError {
  return e instanceof CutoverError;
}

/** A problem found at a position in a user's file; many are collected and reported together. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}

/** One or more problems in input files. Exit 2. */
export class InvalidInputError extends CutoverError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    super('E_INVALID_INPUT', `${n} error${n === 1 ? '' : 's'} found`, { exitCode: ExitCode.invalid });
    this.diagnostics = diagnostics;
  }
}

/** Renders a value for an error message: strings quoted, long values cut. */
export function showValue(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (v === undefined) s = 'nothing';
  else if (v === null) s = 'null';
  else if (typeof v === 'object') s = JSON.stringify(v) ?? String(v);
  else s = String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
