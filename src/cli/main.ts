import { ExitCode, STOP_SIGNALS, type StopSignal, showValue } from '../errors.ts';
import { didYouMean } from '../spec/did-you-mean.ts';
import { commands, NOT_BUILT } from './commands.ts';
import type { CommandContext, OutputFormat } from './context.ts';
import { DETACHED_FD_ENV } from './detach.ts';
import { type CliIo, processIo } from './io.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from './logger.ts';
import { createOutput, printDiagnostics, type Write } from './output.ts';
import { reportError } from './report-error.ts';

export { reportError };

interface GlobalArgs {
  output: OutputFormat;
  logLevel: LogLevel;
}

/**
 * The cutover command line. Parses, wires, and maps errors to exit codes — the only place that
 * does (0 done, 1 internal error, 2 invalid input or usage, 3 rolled back, 4 aborted, 129
 * stopped by SIGHUP, 130 interrupted by Ctrl-C, 143 by SIGTERM).
 */
export async function main(argv: string[]): Promise<void> {
  // After a hang-up the terminal is gone: writing the last lines to it fails (EIO), which must
  // not turn a clean stop into a crash.
  process.once('SIGHUP', () => {
    for (const s of [process.stdout, process.stderr]) s.on('error', () => {});
  });
  const code = await runCli(argv);
  process.exitCode = code;
  // An interrupted command may still hold the event loop (a read that never ends): stop now.
  if ((Object.values(STOP_SIGNALS) as number[]).includes(code)) process.exit(code);
}

/** The exit codes, as --help lists them (README "CLI reference" has the same table). */
export const EXIT_CODES =
  'Exit codes: 0 done, 1 internal error (a bug), 2 invalid input or usage, 3 rolled back, 4 aborted by an ' +
  'operator, 129 stopped by SIGHUP (terminal closed), 130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM; ' +
  'the long-running sandbox and agent stop on any of them with 0.';

/** Options every command takes; all of them take a value (`-o json`), which commandWord relies on. */
const GLOBAL_OPTIONS = {
  output: {
    alias: 'o',
    choices: ['text', 'json'] as const,
    default: 'text' as const,
    describe: 'result format',
  },
  'log-level': { choices: LOG_LEVELS, default: 'warn' as LogLevel, describe: 'stderr log level' },
};

/**
 * Runs one command line and resolves with its exit code. `io` replaces what it takes from the
 * process (tests run it in-process with buffers); it never exits the process.
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const { stdout, stderr, stdin, env, cwd } = { ...processIo(), ...io };
  const writeStderr: Write = (text) => {
    stderr.write(text);
  };
  const word = await commandWord(argv);
  const unknown = word === undefined ? undefined : unknownCommand(word);
  if (unknown) {
    writeStderr(`error: ${unknown}\n`);
    return ExitCode.invalid;
  }
  const abort = new AbortController();
  // Ctrl-C ends a command with 130 (SIGTERM 143, a hang-up 129) at once, unless the command stops
  // on it by design.
  let stopsOnSignal = false;
  let received: StopSignal | undefined;
  let interrupted!: (code: number) => void;
  const interruption = new Promise<number>((resolve) => {
    interrupted = resolve;
  });
  const onSignal = (signal: StopSignal) => {
    received = signal;
    // The reason names the signal: a command that stops on it reports its exit code (stoppedExitCode).
    abort.abort(Object.assign(new Error(`interrupted by ${signal}`), { signal }));
    if (stopsOnSignal) return;
    writeStderr(`error: interrupted by ${signal}${word ? ` before "cutover ${word}" finished` : ''}\n`);
    interrupted(STOP_SIGNALS[signal]);
  };
  // A driver started by --detach ignores hang-ups (detach.ts): it outlives the terminal by design.
  const signals: StopSignal[] = env[DETACHED_FD_ENV] ? ['SIGINT', 'SIGTERM'] : ['SIGHUP', 'SIGINT', 'SIGTERM'];
  for (const s of signals) process.once(s, onSignal);
  try {
    const code = await Promise.race([
      parseAndRun(argv, word, { stdout, stderr, stdin, writeStderr, env, cwd }, abort.signal, () => {
        stopsOnSignal = true;
      }),
      interruption,
    ]);
    // A command that stops gracefully on a signal (run, demo) says "interrupted" (130): SIGTERM's
    // own code is 143 (what a Job, CI runner or supervisor that sent it expects to see), SIGHUP's 129.
    return code === ExitCode.interrupted && received ? STOP_SIGNALS[received] : code;
  } catch (e) {
    // Only the environment turns stacks on: an argument (a file called `debug`) must not.
    return reportError(e, env.CUTOVER_DEBUG === '1', writeStderr);
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

interface RunIo extends CliIo {
  writeStderr: Write;
}

/** Parses `argv` with yargs and runs the command it names; resolves with the exit code. */
async function parseAndRun(
  argv: string[],
  word: string | undefined,
  io: RunIo,
  signal: AbortSignal,
  onStopsOnSignal: () => void,
): Promise<number> {
  const { stdout, writeStderr } = io;
  const { default: yargs } = await import('yargs');
  let exit: number = ExitCode.ok;
  let usageError: string | undefined;

  const parser = yargs()
    .scriptName('cutover')
    // yargs' own messages in English whatever LANG says, like the rest of cutover's.
    .locale('en')
    .usage('$0 <command> [options]\n\nMove live traffic between Kubernetes clusters behind an AWS ALB, in gated steps.')
    .options(GLOBAL_OPTIONS)
    .strict()
    .demandCommand(1, 'a command is required; see the list above')
    .epilog(EXIT_CODES)
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    });

  for (const c of commands) {
    parser.command(c.command, c.describe, c.builder, async (args) => {
      // With exitProcess(false) yargs still calls the handler after a validation failure.
      if (usageError) return;
      if (c.stopsOnSignal) onStopsOnSignal();
      const ctx = makeContext(args as unknown as GlobalArgs, io, signal);
      const mod = await c.load();
      exit = await mod.run(args, ctx);
    });
  }

  // With a callback yargs hands over what it would print (--help, --version) instead of printing it.
  let printed = '';
  await parser.parseAsync(argv, {}, (_err, _argv, output) => {
    printed = output;
  });
  if (printed && !usageError) stdout.write(`${printed}\n`);
  if (usageError) {
    // No command: the list of them is the answer, then why it was printed.
    if (word === undefined) parser.showHelp((help) => writeStderr(`${help}\n\nerror: ${usageError}\n`));
    else
      writeStderr(
        `error: ${missingArgument(word, usageError) ?? usageError}\n(run 'cutover ${word} --help' for usage)\n`,
      );
    return ExitCode.invalid;
  }
  return exit;
}

/**
 * A command run without its positional argument, in cutover's words: what it needs and an example
 * (yargs says "Not enough non-option arguments: got 0, need at least 1" or "Missing required argument").
 */
function missingArgument(word: string, yargsMessage: string): string | undefined {
  const entry = commands.find((c) => c.command.split(' ')[0] === word);
  const missing = /^(Not enough non-option arguments|Missing required argument)/.test(yargsMessage);
  if (!entry?.needs || !missing) return undefined;
  return `"cutover ${word}" needs ${entry.needs.what} (got none)\nexample: ${entry.needs.example}`;
}

/** The command a command line names: its first positional argument (options may come first). */
async function commandWord(argv: string[]): Promise<string | undefined> {
  const { Parser } = await import('yargs/helpers');
  const aliases = Object.fromEntries(
    Object.entries(GLOBAL_OPTIONS).map(([name, o]) => [name, 'alias' in o ? [o.alias] : []]),
  );
  const parsed = Parser(argv, { string: Object.keys(GLOBAL_OPTIONS), alias: aliases });
  const first = parsed._[0];
  return first === undefined ? undefined : String(first);
}

/**
 * Why `word` is not a command that runs, or undefined when it is one: a command the design
 * lists that is not built yet, or a typo of a command (`valdate`).
 */
export function unknownCommand(word: string): string | undefined {
  const built = commands.map((c) => c.command.split(' ')[0]!);
  if (built.includes(word)) return undefined;
  if ((NOT_BUILT as readonly string[]).includes(word))
    return `"cutover ${word}" is not built yet (designed: see README "Status")`;
  const guess = didYouMean(word, [...built, ...NOT_BUILT]);
  if (!guess) return `unknown command ${showValue(word)}; commands: ${built.join(', ')}`;
  const notBuilt = built.includes(guess) ? '' : ' (not built yet: see README "Status")';
  return `unknown command ${showValue(word)}; did you mean "${guess}"?${notBuilt}`;
}

function makeContext(g: GlobalArgs, io: RunIo, signal: AbortSignal): CommandContext {
  let log: CommandContext['log'] | undefined;
  return {
    out: createOutput(g.output, io.stdout, io.env),
    get log() {
      log ??= createLogger(g.logLevel, io.env, io.stderr);
      return log;
    },
    diag: (diagnostics) => printDiagnostics(io.writeStderr, diagnostics),
    // process.stdin is created on first use: only a command that asks touches it.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    writeStderr: io.writeStderr,
    cwd: io.cwd,
    env: io.env,
    signal,
  };
}
