/** The subset of a pino logger the sandbox and its world use (`info(obj, msg)`, as pino takes it). */
export interface SandboxLog {
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: SandboxLog = { info() {}, debug() {}, warn() {}, error() {} };

/** A list for a log line: the first `max` items, then how many more. */
export function firstOf(items: readonly string[], max = 10): string[] {
  return items.length <= max ? [...items] : [...items.slice(0, max), `… ${items.length - max} more`];
}
