/**
 * The sandbox's DIR (`--dir`): made ready before any server starts (a bad DIR is the user's error,
 * exit 2, and nothing is left running), guarded against a second live sandbox, and marked stale
 * when the sandbox stops. The files themselves are written by sandbox.ts.
 */
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CutoverError } from '../errors.ts';

export const SANDBOX_JSON = 'sandbox.json';

const HINT = 'pass --dir a directory you can write to (created if missing), e.g. --dir .sandbox';

function dirError(dir: string, why: string, cause?: unknown): CutoverError {
  return new CutoverError('E_SANDBOX_DIR', `cannot use ${dir} as the sandbox directory: ${why}`, {
    hint: HINT,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** "ENOENT: no such file or directory" from a Node fs error (its message without the call). */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.message?.split(',')[0] ?? String(e);
}

/**
 * Creates `dir` if it is missing and checks it is a writable directory; a CutoverError (exit 2)
 * naming the path and the reason otherwise. Missing levels are created one by one, not with
 * `mkdirSync(recursive)`: on procfs that call retries forever (ENOENT for the child, EEXIST for
 * the parent) and blocks the event loop, so not even SIGTERM gets through.
 */
export function prepareDir(dir: string): void {
  const missing: string[] = [];
  for (let p = dir; ; ) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw dirError(dir, `cannot read ${p} (${reason(e)})`, e);
      const parent = dirname(p);
      if (parent === p) throw dirError(dir, `${p} does not exist`, e);
      missing.unshift(p);
      p = parent;
      continue;
    }
    if (!isDir) throw dirError(dir, p === dir ? 'it is a file, not a directory' : `${p} is a file, not a directory`);
    break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      // Created meanwhile by someone else: fine if it is a directory.
      const raced =
        (e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(p, { throwIfNoEntry: false })?.isDirectory();
      if (!raced) throw dirError(dir, `cannot create ${p} (${reason(e)})`, e);
    }
  }
  const probe = join(dir, `.cutover-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw dirError(dir, `it is not writable (${reason(e)})`, e);
  }
}

/** Whether a process with this pid exists (EPERM: it does, but is someone else's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What DIR/sandbox.json says about the sandbox that wrote it, if it can be read. */
export function readSandboxJson(dir: string): { pid?: number; awsUrl?: string; stopped?: boolean } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, SANDBOX_JSON), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Refuses a DIR whose sandbox.json names a live sandbox that has not stopped (its files would be
 * overwritten under it). A pid reused by another process after a crash looks alive too: the hint
 * says what to do then.
 */
export function checkNotInUse(dir: string, alive: (pid: number) => boolean = pidAlive): void {
  const info = readSandboxJson(dir);
  const pid = info?.pid;
  if (info?.stopped === true || typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  throw new CutoverError('E_SANDBOX_RUNNING', `a sandbox (pid ${pid}) is already running with ${dir}`, {
    hint: `stop it or use another --dir (if no sandbox runs, delete ${join(dir, SANDBOX_JSON)})`,
  });
}
