import type { Logger } from 'pino';
import type { Diagnostic } from '../errors.ts';
import type { InputStream, TextStream } from './io.ts';

export type OutputFormat = 'text' | 'json';

/** Where command results go: stdout, as text for people or JSON for machines. */
export interface Output {
  readonly format: OutputFormat;
  /** Whether stdout is a terminal. */
  readonly isTTY: boolean;
  /**
   * Whether progress may be a live view redrawn in place: text output to a terminal, NO_COLOR
   * unset and TERM not `dumb` (otherwise plain lines, or JSON events with --output json).
   */
  readonly live: boolean;
  /** stdout itself, for the live view (it redraws in place, and reads the terminal's size). */
  readonly stream: TextStream;
  /** Prints a result: `json` as JSON when --output json, otherwise the text `render` returns. */
  result<T>(data: T, render: (data: T) => string): void;
  /** Prints a line of text (text mode only; ignored with --output json). */
  line(text: string): void;
  /** Prints one JSON object on one line (JSON mode only: a stream of events for machines). */
  json(data: unknown): void;
}

export interface CommandContext {
  out: Output;
  /** Lazily created pino logger writing to stderr. */
  readonly log: Logger;
  /**
   * Prints problems found in input files (warnings of a valid file) to stderr as
   * `file:line:col: warning: …`, the same for every command and whatever --log-level says.
   */
  diag(diagnostics: readonly Diagnostic[]): void;
  /** Where answers to questions come from (process.stdin unless the caller gave another). */
  readonly stdin: InputStream;
  /** Where questions go (stderr, so stdout stays the result: `--output json` too). */
  writeStderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT, SIGTERM or SIGHUP; its reason's `signal` names which (errors.ts stoppedExitCode). */
  signal: AbortSignal;
}
