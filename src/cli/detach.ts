import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverEvent } from '../engine/events.ts';
import { CutoverError, ExitCode, isCutoverError } from '../errors.ts';
import type { Plan } from '../plan/plan-types.ts';
import type { CommandContext } from './context.ts';

/**
 * `cutover run FILE --detach`: the driver as a background process that outlives the terminal.
 *
 * The parent starts the same Node and the same cutover entry with `run FILE --yes` in a new
 * session (detached: no controlling terminal, its own process group, so neither Ctrl-C nor a
 * closed terminal reaches it), with stdout and stderr appended to a log file. It then waits for the
 * child's word on a pipe (fd 3, named by CUTOVER_DETACHED_FD): `started` once the driver took the
 * lease and left loading (its first phase), or `ended` when it stopped before that — lease held,
 * no such listener, spec changed, or nothing to do — with the error or result the foreground run
 * would have printed. Only then does the parent print the pid and the log and exit: a `--detach`
 * that exits 0 has a driver running.
 */

/** The environment variable that tells a driver it was started by --detach, and on which fd to report. */
export const DETACHED_FD_ENV = 'CUTOVER_DETACHED_FD';

/** What a detached driver reports to the process that started it (one JSON line on fd 3). */
export type DetachMessage =
  | { type: 'started'; phase: string; step: number; detail?: string }
  | {
      type: 'ended';
      code: number;
      /** The run's result, as `--output json` prints it (the driver ended before it started: done already). */
      result?: Record<string, unknown>;
      /** The error the run failed with, enough to print it as the foreground run would. */
      error?: { code?: string; message: string; value?: unknown; hint?: string; internal: boolean };
    };

export interface DetachInput {
  file: string;
  plan: Plan;
  now: number;
  logFile: string | undefined;
  /** Options passed on to the background `cutover run`. */
  argv: string[];
}

export interface Detached {
  pid: number;
  logFile: string;
  started: Extract<DetachMessage, { type: 'started' }>;
}

/**
 * Starts the background driver and waits for its word. Resolves with its pid and log once it has
 * started; when it ended first, resolves with its `ended` message (the caller prints it as the
 * foreground run would and exits with its code). Ctrl-C while waiting stops the child (SIGTERM:
 * it lets its lease go) and ends with 130.
 */
export async function startDetached(
  input: DetachInput,
  ctx: CommandContext,
): Promise<Detached | Extract<DetachMessage, { type: 'ended' }>> {
  const { fd, path: logFile } = input.logFile
    ? openLog(resolve(ctx.cwd, input.logFile), false)
    : openLog(defaultLogFile(ctx.env, input.plan.name, input.now, ctx.cwd), true);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [...nodeFlags(), entryScript(), 'run', input.file, '--yes', ...input.argv], {
      cwd: ctx.cwd,
      env: { ...ctx.env, [DETACHED_FD_ENV]: '3' },
      detached: true,
      stdio: ['ignore', fd, fd, 'pipe'],
    });
  } finally {
    closeSync(fd);
  }
  const word = await firstWord(child, ctx.signal);
  const channel = child.stdio[3];
  if (word.type === 'interrupted') {
    child.kill('SIGTERM');
    child.unref();
    channel?.destroy();
    throw new CutoverError('E_INTERRUPTED', `interrupted before the background driver (pid ${child.pid}) started`, {
      hint: `it was sent SIGTERM: it lets its lease go and leaves the routes as they were; its output is in ${logFile}`,
      exitCode: ExitCode.interrupted,
    });
  }
  // From here the driver lives on its own: nothing of it may keep this process waiting.
  child.unref();
  channel?.destroy();
  if (word.type === 'exited') {
    const how = word.signal ? `was killed by ${word.signal}` : `exited with code ${word.code}`;
    throw new CutoverError('E_DETACHED', `the background driver ${how} before it started`, {
      hint: `its output is in ${logFile}`,
      exitCode: (word.code || ExitCode.internal) as ExitCode,
    });
  }
  if (word.type === 'ended') return word;
  return { pid: child.pid!, logFile, started: word };
}

/** Re-creates the error a detached driver ended with, so it is printed as the foreground run prints it. */
export function errorOf(e: NonNullable<Extract<DetachMessage, { type: 'ended' }>['error']>, code: number): Error {
  if (e.internal) return new Error(e.message);
  return new CutoverError(e.code ?? 'E_DETACHED', e.message, {
    ...(e.value !== undefined ? { value: e.value } : {}),
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
    exitCode: code as ExitCode,
  });
}

type Word =
  | DetachMessage
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'interrupted' };

/** The child's first message on fd 3; or its exit when it sent none; or Ctrl-C. */
function firstWord(child: ReturnType<typeof spawn>, signal: AbortSignal): Promise<Word> {
  return new Promise((resolveWord) => {
    let text = '';
    let settled = false;
    const settle = (w: Word) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolveWord(w);
    };
    const onAbort = () => settle({ type: 'interrupted' });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const channel = child.stdio[3];
    channel?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n')[0];
      if (line === undefined || !text.includes('\n')) return;
      try {
        settle(JSON.parse(line) as DetachMessage);
      } catch {
        // Not a message of ours: wait for the exit and report that.
      }
    });
    channel?.on('error', () => {
      // The child closed its end early; its exit says why.
    });
    // Node itself could not be started (spawn failed): no message will come.
    child.on('error', () => settle({ type: 'exited', code: ExitCode.internal, signal: null }));
    child.on('exit', (code, sig) => {
      // Give a message written just before the exit its turn to be read.
      setImmediate(() => settle({ type: 'exited', code, signal: sig }));
    });
  });
}

/**
 * `$XDG_STATE_HOME/cutover/<rollout>-<UTC timestamp>.log` (XDG state: logs and history that
 * should survive a restart), else `~/.local/state/cutover/…`. XDG says a relative
 * XDG_STATE_HOME is to be ignored.
 */
export function defaultLogFile(env: NodeJS.ProcessEnv, rollout: string, now: number, cwd: string): string {
  const xdg = env.XDG_STATE_HOME;
  const home = env.HOME || homedir() || cwd;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join(base, 'cutover', `${rollout}-${stamp}.log`);
}

/**
 * Opens the log for appending, creating its directory. A default name is taken fresh (a second
 * run in the same second gets `-2`); a file given with --log-file is appended to.
 */
function openLog(path: string, fresh: boolean): { fd: number; path: string } {
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (!fresh) return { fd: openSync(path, 'a'), path };
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? path : path.replace(/\.log$/, `-${i}.log`);
      try {
        return { fd: openSync(candidate, 'ax'), path: candidate };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 100) throw e;
      }
    }
  } catch (e) {
    throw new CutoverError('E_LOG_FILE', `cannot write the background driver's log file ${path}`, {
      value: (e as NodeJS.ErrnoException).code ?? String(e),
      hint: 'pass --log-file PATH in a directory you can write to',
    });
  }
}

/**
 * The script this process runs as: src/cli/bin.ts from source (under tsx), bin/cutover.js once
 * built — found from this module, not from process.argv, so it is cutover whoever called it.
 */
function entryScript(): string {
  const here = import.meta.url;
  return fileURLToPath(here.endsWith('.ts') ? new URL('./bin.ts', here) : new URL('../../bin/cutover.js', here));
}

/** This Node's flags (`--import tsx` from source), without a debugger's: its port is taken. */
function nodeFlags(): string[] {
  const out: string[] = [];
  const flags = process.execArgv;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (/^--inspect/.test(f) || /^--test/.test(f)) continue;
    out.push(f);
  }
  return out;
}

/**
 * In a driver started by --detach: the way to tell its parent how it goes, and SIGHUP ignored (a
 * terminal hang-up is no reason to stop moving traffic). Undefined in any other process.
 */
export function detachedChannel(env: NodeJS.ProcessEnv): DetachedChannel | undefined {
  const raw = env[DETACHED_FD_ENV];
  if (!raw) return undefined;
  // Read once: nothing this process starts inherits it.
  delete env[DETACHED_FD_ENV];
  const fd = Number(raw);
  // Only a pipe or socket from a --detach parent; never write into whatever else fd 3 may be.
  const isChannel = (() => {
    try {
      const s = fstatSync(fd);
      return s.isFIFO() || s.isSocket();
    } catch {
      return false;
    }
  })();
  if (!Number.isInteger(fd) || !isChannel) return undefined;
  process.on('SIGHUP', () => {});
  return new DetachedChannel(fd);
}

export class DetachedChannel {
  private open = true;
  constructor(private readonly fd: number) {}

  /** Every driver event: the first phase after loading means the driver has started. */
  onEvent(e: DriverEvent): void {
    if (e.type !== 'phase' || ['loading', 'failed', 'completed'].includes(e.phase)) return;
    this.send({ type: 'started', phase: e.phase, step: e.step, ...(e.detail ? { detail: e.detail } : {}) });
  }

  /** The run ended (before it started, the parent prints this; after, nobody listens). */
  ended(code: number, result: Record<string, unknown>): void {
    this.send({ type: 'ended', code, result });
  }

  failed(e: unknown): void {
    const code = isCutoverError(e) ? e.exitCode : ExitCode.internal;
    const error = isCutoverError(e)
      ? {
          code: e.code,
          message: e.message,
          ...(e.value !== undefined ? { value: e.value } : {}),
          ...(e.hint !== undefined ? { hint: e.hint } : {}),
          internal: false,
        }
      : { message: e instanceof Error ? e.message : String(e), internal: true };
    this.send({ type: 'ended', code, error });
  }

  private send(m: DetachMessage): void {
    if (!this.open) return;
    this.open = false;
    try {
      writeSync(this.fd, `${JSON.stringify(m)}\n`);
    } catch {
      // The parent is gone (EPIPE): nobody to tell.
    }
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
