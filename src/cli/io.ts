/** A text stream the CLI writes to: process.stdout / process.stderr, or a test's buffer. */
export interface TextStream {
  write(text: string): unknown;
  /** A terminal (live progress, readable logs)? */
  readonly isTTY?: boolean;
  /** Terminal width, for help text and the live view. */
  readonly columns?: number;
  /** Terminal height (the live view keeps its frame within it). */
  readonly rows?: number;
}

/** What the CLI reads from: process.stdin, or a test's stream (`isTTY` set to play a terminal). */
export type InputStream = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** Everything the CLI takes from its process, so it also runs in-process (tests) with other values. */
export interface CliIo {
  stdout: TextStream;
  stderr: TextStream;
  /** Read only to ask a question (`cutover run` at a terminal); process.stdin unless given. */
  stdin?: InputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
