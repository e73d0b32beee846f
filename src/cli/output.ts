import { type Diagnostic, formatDiagnostic } from '../errors.ts';
import type { Output, OutputFormat } from './context.ts';
import type { TextStream } from './io.ts';

export function createOutput(
  format: OutputFormat,
  stream: TextStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Output {
  const isTTY = Boolean(stream.isTTY);
  return {
    format,
    isTTY,
    live: format === 'text' && isTTY && colorAllowed(env) && env.TERM !== 'dumb',
    stream,
    result(data, render) {
      stream.write(format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : ensureNewline(render(data)));
    },
    line(text) {
      if (format === 'text') stream.write(ensureNewline(text));
    },
    json(data) {
      if (format === 'json') stream.write(`${JSON.stringify(data)}\n`);
    },
  };
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/** Where diagnostics and error messages go (stderr in the CLI). */
export type Write = (text: string) => void;

/**
 * The one way cutover prints problems in files, errors and warnings alike, whatever the command
 * and --log-level: `file:line:col: severity: message`, one per line.
 */
export function printDiagnostics(write: Write, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) write(`${formatDiagnostic(d)}\n`);
}

/**
 * Whether colour may be used: not when NO_COLOR is set to a non-empty value
 * (no-color.org: "when present and not an empty string").
 */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR;
}
