import { ExitCode, InvalidInputError, isCutoverError, showValue } from '../errors.ts';
import { commands } from './commands.ts';
import type { CommandContext, OutputFormat } from './context.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from './logger.ts';
import { createOutput, printDiagnostics, type Write } from './output.ts';

interface GlobalArgs {
  output: OutputFormat;
  logLevel: LogLevel;
}

/**
 * The cutover command line. Parses, wires, and maps errors to exit codes — the only place that
 * does (0 done, 1 internal error, 2 invalid input or usage, 3 rolled back, 4 aborted).
 */
export async function main(argv: string[]): Promise<void> {
  process.exitCode = await runCli(argv);
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { default: yargs } = await import('yargs');
  let exit: number = ExitCode.ok;
  let usageError: string | undefined;
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const parser = yargs(argv)
    .scriptName('cutover')
    .usage('$0 <command> [options]\n\nMove live traffic between Kubernetes clusters behind an AWS ALB, in gated steps.')
    .option('output', {
      alias: 'o',
      choices: ['text', 'json'] as const,
      default: 'text' as const,
      describe: 'result format',
    })
    .option('log-level', { choices: LOG_LEVELS, default: 'warn' as LogLevel, describe: 'stderr log level' })
    .strict()
    .demandCommand(1, 'a command is required; see the list above')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    });

  for (const c of commands) {
    parser.command(c.command, c.describe, c.builder, async (args) => {
      // With exitProcess(false) yargs still calls the handler after a validation failure.
      if (usageError) return;
      const g = args as unknown as GlobalArgs;
      const ctx = makeContext(g, env, abort.signal);
      const mod = await c.load();
      exit = await mod.run(args, ctx);
    });
  }

  try {
    await parser.parseAsync();
    if (usageError) {
      writeStderr(`error: ${usageError}\n(run 'cutover --help' for usage)\n`);
      return ExitCode.invalid;
    }
    return exit;
  } catch (e) {
    // Only the environment turns stacks on: an argument (a file called `debug`) must not.
    return reportError(e, env.CUTOVER_DEBUG === '1');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const writeStderr: Write = (text) => {
  process.stderr.write(text);
};

function makeContext(g: GlobalArgs, env: NodeJS.ProcessEnv, signal: AbortSignal): CommandContext {
  let log: CommandContext['log'] | undefined;
  return {
    out: createOutput(g.output, process.stdout),
    get log() {
      log ??= createLogger(g.logLevel, env);
      return log;
    },
    diag: (diagnostics) => printDiagnostics(writeStderr, diagnostics),
    cwd: process.cwd(),
    env,
    signal,
  };
}

/**
 * Prints an error the way its kind deserves and returns the exit code: diagnostics as-is, user
 * errors without a stack (their own exit code, e.g. 3 rolled back, 4 aborted), anything else as
 * a bug (exit 1). `debug` (CUTOVER_DEBUG=1) adds the stack.
 */
export function reportError(e: unknown, debug: boolean, write: Write = writeStderr): number {
  if (e instanceof InvalidInputError) {
    printDiagnostics(write, e.diagnostics);
    write(`${e.message}\n`);
    return e.exitCode;
  }
  if (isCutoverError(e)) {
    const got = e.value === undefined ? '' : ` (got ${showValue(e.value)})`;
    write(`error: ${e.message}${got}\n`);
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
