import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../helpers/run-cli.ts';

const BIN = join(REPO_ROOT, 'src/cli/bin.ts');
// Absolute, so the child finds tsx from any working directory.
const TSX = fileURLToPath(import.meta.resolve('tsx'));

export interface RunningSandbox {
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `cutover sandbox <args>` and resolves once its banner is out ("press Ctrl-C") or it exited.
 * A 30-second guard kills it whatever happens, so a test never leaves it behind.
 */
export async function startSandboxCli(args: string[], cwd = REPO_ROOT): Promise<RunningSandbox> {
  const child = spawn(process.execPath, ['--import', TSX, BIN, 'sandbox', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => clearTimeout(killer));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('Ctrl-C')) resolve();
    });
    void exited.then(() => resolve());
  });
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}
