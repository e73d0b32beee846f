import type { Logger } from 'pino';

export type OutputFormat = 'text' | 'json';

/** Where command results go: stdout, as text for people or JSON for machines. */
export interface Output {
  readonly format: OutputFormat;
  /** Whether stdout is a terminal (live progress, colour). */
  readonly isTTY: boolean;
  /** Whether colour may be used (TTY and NO_COLOR unset). */
  readonly color: boolean;
  /** Prints a result: `json` as JSON when --output json, otherwise the text `render` returns. */
  result<T>(data: T, render: (data: T) => string): void;
  /** Prints a line of text (text mode only; ignored with --output json). */
  line(text: string): void;
}

export interface CommandContext {
  out: Output;
  /** Lazily created pino logger writing to stderr. */
  readonly log: Logger;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** Each command module under src/cli/commands/ exports `run`, returning the process exit code. */
export type CommandRun<A> = (args: A, ctx: CommandContext) => Promise<number>;
