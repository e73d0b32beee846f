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
  /** 128 + the signal's number, as shells report a process a signal ended: SIGHUP 1, SIGINT 2, SIGTERM 15. */
  hungUp: 129,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The signals cutover stops on, and the exit code of a command each one stopped. */
export const STOP_SIGNALS = {
  SIGHUP: ExitCode.hungUp,
  SIGINT: ExitCode.interrupted,
  SIGTERM: ExitCode.terminated,
} as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * The exit code of a command stopped through `signal` (the CLI's AbortSignal, aborted with the
 * received signal's name as its reason's `signal`): 129 SIGHUP, 130 SIGINT (also when unknown), 143 SIGTERM.
 */
export function stoppedExitCode(signal: AbortSignal | undefined): ExitCode {
  const name = (signal?.reason as { signal?: string } | undefined)?.signal;
  return name !== undefined && name in STOP_SIGNALS ? STOP_SIGNALS[name as StopSignal] : ExitCode.interrupted;
}

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

/** One or more problems in input files. Exit 2. `summary` replaces the last line (`3 errors found`). */
export class InvalidInputError extends CutoverError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], summary?: string) {
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    super('E_INVALID_INPUT', summary ?? `${plural(n, 'error')} found`, { exitCode: ExitCode.invalid });
    this.diagnostics = diagnostics;
  }
}

/** `1 step`, `2 steps`: a count and its noun for messages (English plurals in -s). */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How long a value quoted in a message may be, quotes included (longer ones are cut with `…`). */
export const MAX_SHOWN = 80;

/**
 * How long an ARN quoted in a message may be before it is cut. ARNs are shown whole up to this:
 * what tells two apart (a listener's or target group's id) is their tail, which a cut at
 * {@link MAX_SHOWN} would drop. Longer ones lose their middle, never their tail.
 */
export const MAX_ARN_SHOWN = 300;

/**
 * Renders a value for an error message: strings quoted, long values cut. A cut string keeps its
 * closing quote (`"some long text…"`), so the message still reads as a quote; an ARN is shown
 * whole (or, past {@link MAX_ARN_SHOWN}, cut in the middle: `"arn:aws:…/1330ec75395d8e31"`).
 */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return v.startsWith('arn:') ? quoteMiddle(v, MAX_ARN_SHOWN) : quoteCut(v);
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  return cutText(typeof v === 'object' ? (JSON.stringify(v) ?? String(v)) : String(v));
}

/** `s` cut to `max` characters, `…` marking the cut (whole code points: no half emoji). */
export function cutText(s: string, max = MAX_SHOWN): string {
  if (s.length <= max) return s;
  const points = Array.from(s.slice(0, max));
  if (points.join('').length >= max) points.pop();
  return `${points.join('')}…`;
}

/** `s` as a JSON string of at most `max` characters; a cut one ends `…"`. */
function quoteCut(s: string, max = MAX_SHOWN): string {
  const whole = JSON.stringify(s);
  if (whole.length <= max) return whole;
  // Cut the text, not its JSON: an escape (`\n`, `\u2028`) is never split. Escapes make the JSON
  // longer than the text, so shrink until it fits.
  let points = Array.from(s.slice(0, max));
  let out = '';
  do {
    points = points.slice(0, -1);
    out = `${JSON.stringify(points.join('')).slice(0, -1)}…"`;
  } while (out.length > max && points.length > 0);
  return out;
}

/** `s` as a JSON string of at most `max` characters; a long one keeps its head and tail, `…` between. */
function quoteMiddle(s: string, max: number): string {
  const whole = JSON.stringify(s);
  if (whole.length <= max) return whole;
  const points = Array.from(s);
  let keep = max - 3;
  let out = '';
  do {
    const head = Math.ceil(keep / 3);
    out = JSON.stringify(`${points.slice(0, head).join('')}…${points.slice(points.length - (keep - head)).join('')}`);
    keep--;
  } while (out.length > max && keep > 1);
  return out;
}

/**
 * The system error code under an error (`ECONNREFUSED`, `ENOTFOUND`, …): on the error itself, on
 * its `cause` (`fetch failed` keeps it there) or on the first of an AggregateError's `errors`.
 */
export function systemErrorCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (cur as { errors?: unknown }).errors;
    cur = Array.isArray(errors) && errors.length ? errors[0] : (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Codes of a request that never got an answer: nothing listening, no such host, no route, cut off. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * A message from another library (the YAML parser) with every quoted value in it cut like
 * showValue's: the parser quotes whole chunks of the file ("unexpected scalar token: \"…\"").
 */
export function cutQuoted(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, (q) => {
    if (q.length <= MAX_SHOWN) return q;
    try {
      return quoteCut(JSON.parse(q) as string);
    } catch {
      return `${cutText(q, MAX_SHOWN - 2)}"`;
    }
  });
}
