/**
 * The agent's memory as it runs in production: `cutover agent` as a child process against a
 * sandbox cluster with `bindings × podsPerBinding` pods, its VmRSS and VmHWM read from
 * /proc/<pid>/status after start-up (every pod watched, no binding yet) and once every pod's
 * target is registered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ALLOW, applyBindings, CLUSTER, sleep, startAgentBench, until } from './agent-world.ts';

const REPO_ROOT = join(import.meta.dirname, '..');

/**
 * How to start the CLI: as the image does (`node bin/cutover.js`, compiled dist/) when dist/ is
 * newer than every source file, else from source through the tsx loader (which adds its own memory).
 */
export function agentCommand(): { argv: string[]; how: string } {
  const main = join(REPO_ROOT, 'dist/cli/main.js');
  const newestSource = Math.max(
    ...readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(REPO_ROOT, 'src', f)).mtimeMs),
  );
  if (existsSync(main) && statSync(main).mtimeMs >= newestSource) {
    return { argv: [join(REPO_ROOT, 'bin/cutover.js')], how: 'node bin/cutover.js (dist/)' };
  }
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  return {
    argv: ['--import', tsx, join(REPO_ROOT, 'src/cli/bin.ts')],
    how: 'node --import tsx src/cli/bin.ts (dist/ stale)',
  };
}

export interface RssFigures {
  pods: number;
  /** MiB after the informers' initial lists (no binding). */
  idleMiB: number;
  /** MiB once every target is registered, and the peak (VmHWM) so far. */
  convergedMiB: number;
  peakMiB: number;
  /** Wall time from applying the bindings to the last target registered. */
  convergeMs: number;
  /** How the agent was started. */
  how: string;
}

/** VmRSS and VmHWM of a process, in MiB (Linux /proc). */
export function procMemory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const m = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    if (!m) throw new Error(`agent benchmark: /proc/${pid}/status has no ${field} line`);
    return Number(m[1]) / 1024;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

export async function benchAgentRss(bindings: number, podsPerBinding: number): Promise<RssFigures> {
  const bench = await startAgentBench(bindings, podsPerBinding);
  const { sandbox, elb, kc } = bench;
  let child: ChildProcess | undefined;
  let out = '';
  let how = '';
  try {
    const args = [
      '--log-level=info',
      'agent',
      `--cluster-name=${CLUSTER}`,
      '--context',
      CLUSTER,
      `--allow-target-group=${ALLOW}`,
    ];
    const cmd = agentCommand();
    how = cmd.how;
    child = spawn(process.execPath, [...cmd.argv, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...sandbox.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const pid = child.pid!;
    // Start-up is over when the agent logs that its caches are synced; then let it settle.
    await until('the agent to start', () => /watching \S+ TargetGroupBindings/.test(out), 60_000, 100).catch(
      (e: Error) => {
        throw new Error(`${e.message}; agent output:\n${out.slice(-2000)}`);
      },
    );
    await sleep(1_000);
    const idle = procMemory(pid);
    const t0 = performance.now();
    const arns = await applyBindings(kc, sandbox, bindings);
    const registered = async () => {
      let n = 0;
      for (const TargetGroupArn of arns) {
        n +=
          (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }))).TargetHealthDescriptions?.length ?? 0;
      }
      return n;
    };
    const pods = bindings * podsPerBinding;
    await until(`${pods} targets registered`, async () => (await registered()) >= pods, 120_000, 250).catch(
      (e: Error) => {
        throw new Error(`${e.message}; agent output:\n${out.slice(-2000)}`);
      },
    );
    const convergeMs = performance.now() - t0;
    await sleep(1_000);
    const converged = procMemory(pid);
    return { pods, idleMiB: idle.rss, convergedMiB: converged.rss, peakMiB: converged.hwm, convergeMs, how };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('close', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      child.kill('SIGKILL');
    }
    await bench.close();
  }
}
