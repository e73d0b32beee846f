import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli as runCliInProcess } from '../../src/cli/main.ts';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to the test's environment (NO_COLOR=1 is always set). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * Runs `cutover <args>` in this process (the same runCli the binary calls), capturing stdout and
 * stderr: the way to test what the CLI prints and its exit code. What only the real process
 * shows (signals, the exit status, start-up) is for runCliProcess.
 */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd ?? ROOT,
  };
  const limit = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cutover ${args.join(' ')} ran over ${limit} ms`)), limit);
  });
  try {
    const code = await Promise.race([runCliInProcess(args, io), timeout]);
    // Servers the command closed leave the active handles a turn later, as at a process's exit.
    await new Promise((r) => setImmediate(r));
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `cutover <args>` from source in a child process, as a user would run it. */
export function runCliProcess(
  args: string[],
  opts: CliOptions & { input?: string } = {},
): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export const REPO_ROOT = ROOT;

export interface RunningCli {
  /** Everything printed so far, stdout and stderr interleaved. */
  out(): string;
  /** The exit code once the process ended. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
  /** Waits until the output contains `text` (fails the test after `ms`, showing the output). */
  until(text: string, ms?: number): Promise<void>;
}

/**
 * Starts `cutover <args>` from source in the background, as a user runs a long-lived command (a
 * driver, an agent). A guard kills it after `guardMs` whatever happens, so no test leaves it behind.
 */
export function startCliProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; guardMs?: number } = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), opts.guardMs ?? 180_000);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve(code);
    }),
  );
  return {
    out: () => out,
    exited,
    kill: (signal = 'SIGKILL') => child.kill(signal),
    until: async (text, ms = 120_000) => {
      for (let waited = 0; waited < ms && !out.includes(text); waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      if (!out.includes(text)) throw new Error(`cutover ${args[0]} never printed ${JSON.stringify(text)}:\n${out}`);
    },
  };
}
