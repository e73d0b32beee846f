import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CutoverError } from '../errors.ts';
import { type Clock, ScaledClock } from '../util/clock.ts';
import { type AwsServer, startAwsServer } from './aws/server.ts';
import { createCloudWatchHandler } from './cloudwatch/handler.ts';
import { createElbv2Handler } from './elbv2/handler.ts';
import { envFileText } from './env-file.ts';
import { kubeconfigYaml } from './kube/kubeconfig.ts';
import { type KubeApiServer, startKubeApiServer } from './kube/server.ts';
import { generateClusterTls } from './kube/tls.ts';
import { type SandboxLog, silentLog } from './log.ts';
import { checkNotInUse, prepareDir, readSandboxJson, SANDBOX_JSON } from './sandbox-dir.ts';
import { defaultScenario } from './scenario/default-world.ts';
import { readScenarioFile } from './scenario/load.ts';
import type { Scenario } from './scenario/types.ts';
import { createStsHandler, StsModel } from './sts/sts.ts';
import { KubeFaults } from './world/faults.ts';
import { createRandom } from './world/prng.ts';
import { World } from './world/world.ts';

export type { SandboxLog } from './log.ts';

export interface SandboxOptions {
  /** A scenario file path, or a parsed scenario; default: the built-in world (scenarios/default.yaml). */
  scenario?: string | Scenario;
  /** Virtual seconds per wall second (ignored when `clock` is given). Default 1. */
  speed?: number;
  /** Where to write `env`, `kubeconfig` and `sandbox.json`. Default `.sandbox` under `cwd`. */
  dir?: string;
  cwd?: string;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** A clock to run on (tests pass a ManualClock: then there is no wall-clock loop). */
  clock?: Clock;
  /** How often the wall-clock loop advances the world, in wall ms. Default 100. */
  tickMs?: number;
  /** AWS-like token-bucket throttling on the AWS endpoint. Default off. */
  awsThrottle?: boolean;
  /** Simulated history before start. Default 5 virtual minutes. */
  warmupMs?: number;
  log?: SandboxLog;
}

export interface SandboxCluster {
  name: string;
  url: string;
  /** The kubeconfig context, named after the cluster. */
  context: string;
  server: KubeApiServer;
}

export interface Sandbox {
  world: World;
  /** The base clock (ScaledClock, or the one passed in). */
  clock: Clock;
  awsUrl: string;
  clusters: SandboxCluster[];
  /** Virtual seconds per wall second. */
  speed: number;
  dir: string;
  envFile: string;
  kubeconfigFile: string;
  /** Environment variables the env file sets (handy for child processes). */
  env: Record<string, string>;
  /** Stops the loop and the servers, and marks the files in DIR stopped. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox: the simulated world, one AWS endpoint (ELBv2, CloudWatch, STS) and one HTTPS
 * Kubernetes API server per cluster on 127.0.0.1 ephemeral ports, the files in DIR, and — with a
 * ScaledClock — a wall-clock loop advancing the world. Every request first brings the world up to
 * the clock's time (beforeRequest), so answers always reflect current virtual time.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const log = opts.log ?? silentLog;
  const cwd = opts.cwd ?? process.cwd();
  const scenario = loadScenario(opts.scenario, cwd, log);
  // DIR first: a bad or busy DIR must fail before anything listens.
  const dir = resolve(cwd, opts.dir ?? '.sandbox');
  prepareDir(dir);
  checkNotInUse(dir);
  const speed = opts.speed ?? 1;
  const clock = opts.clock ?? new ScaledClock({ origin: Date.now(), wallOrigin: Date.now(), speed });
  const world = new World({
    scenario,
    clock,
    log,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.warmupMs !== undefined ? { warmupMs: opts.warmupMs } : {}),
  });
  const sync = () => {
    try {
      world.advanceTo(clock.now());
    } catch (err) {
      log.error({ err }, 'the simulated world failed to advance');
    }
  };

  const started: { close(): Promise<void> }[] = [];
  const clusters: (SandboxCluster & { caPem: string; token: string })[] = [];
  const cleanups: (() => void)[] = [() => world.close()];
  const stopAll = async () => {
    await Promise.allSettled(started.map((s) => s.close()));
    for (const fn of cleanups) fn();
  };
  let aws: AwsServer;
  let env: Record<string, string>;
  const envFile = resolve(dir, 'env');
  const kubeconfigFile = resolve(dir, 'kubeconfig');
  try {
    aws = await startAwsServer({
      services: {
        elbv2: createElbv2Handler(world.elbv2),
        cloudwatch: createCloudWatchHandler(world.cloudwatch),
        sts: createStsHandler(new StsModel({ clock: world.clock, account: scenario.account })),
      },
      beforeRequest: sync,
      faults: { before: (service, op) => world.awsFault(service, op) },
      throttle: opts.awsThrottle ?? false,
      clock: world.clock,
      log,
    });
    started.push(aws);
    for (const c of world.clusters) {
      // Certificates are checked by kubectl and client-node against the real clock, never the virtual one.
      const tls = generateClusterTls({ commonName: `${c.name}.sandbox.local` });
      const token = `sandbox-${c.name}-${randomBytes(12).toString('hex')}`;
      const server = await startKubeApiServer({
        store: c.store,
        clock: world.clock,
        tls: { cert: tls.certPem, key: tls.keyPem },
        token,
        admission: c.admission,
        beforeRequest: sync,
        // The request has brought the world to the clock's time (beforeRequest) before faults are asked.
        faults: new KubeFaults(
          scenario.faults,
          c.name,
          (f) => world.faultStart(f),
          () => world.clock.now(),
          createRandom(world.seed).fork(`kube-faults:${c.name}`),
        ),
      });
      started.push(server);
      clusters.push({ name: c.name, url: server.url, context: c.name, server, caPem: tls.caPem, token });
    }
    cleanups.push(
      world.onServerFault((f) => {
        const server = clusters.find((c) => c.name === f.cluster)?.server;
        if (!server) return;
        if (f.kind === 'watchDisconnect') server.disconnectWatches();
        else server.restart().catch((err) => log.error({ err, cluster: f.cluster }, 'API server restart failed'));
      }),
    );
    env = {
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: aws.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: aws.url,
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_REGION: scenario.region,
      AWS_DEFAULT_REGION: scenario.region,
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      KUBECONFIG: kubeconfigFile,
      ...(clock instanceof ScaledClock ? { CUTOVER_CLOCK: clock.toEnv() } : {}),
      CUTOVER_SANDBOX: '1',
    };
    writeDirFile(
      dir,
      kubeconfigFile,
      kubeconfigYaml(clusters.map((c) => ({ name: c.name, url: c.url, caPem: c.caPem, token: c.token }))),
    );
    writeDirFile(dir, envFile, envFileText(env));
    writeDirFile(dir, resolve(dir, SANDBOX_JSON), sandboxJson(world, aws.url, clusters, env, speed));
  } catch (e) {
    await stopAll();
    throw e;
  }

  let timer: NodeJS.Timeout | undefined;
  if (clock instanceof ScaledClock) {
    timer = setInterval(sync, opts.tickMs ?? 100);
    timer.unref();
  }
  log.info(
    {
      awsUrl: aws.url,
      clusters: clusters.map((c) => c.url),
      dir,
      seed: world.seed,
      virtualTime: new Date(world.startedAt).toISOString(),
      speed: clock.speed,
    },
    'sandbox started',
  );

  let closed: Promise<void> | undefined;
  const awsUrl = aws.url;
  return {
    world,
    clock,
    speed: clock.speed,
    awsUrl,
    clusters: clusters.map(({ name, url, context, server }) => ({ name, url, context, server })),
    dir,
    envFile,
    kubeconfigFile,
    env,
    close() {
      closed ??= (async () => {
        if (timer) clearInterval(timer);
        await stopAll();
        markStopped(dir, awsUrl, env, log);
      })();
      return closed;
    },
  };
}

function loadScenario(scenario: string | Scenario | undefined, cwd: string, log: SandboxLog): Scenario {
  if (typeof scenario !== 'string') return scenario ?? defaultScenario();
  const { scenario: s, warnings } = readScenarioFile(resolve(cwd, scenario));
  for (const w of warnings) log.warn({ file: w.file, line: w.line, col: w.col }, w.message);
  return s;
}

/** Writes a file of DIR; failing to is the same user error as a bad DIR (exit 2). */
function writeDirFile(dir: string, path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600 });
  } catch (e) {
    throw new CutoverError('E_SANDBOX_DIR', `cannot write ${path} (${(e as Error).message.split(',')[0]})`, {
      hint: `pass --dir a directory you can write to instead of ${dir}`,
      cause: e,
    });
  }
}

function sandboxJson(
  world: World,
  awsUrl: string,
  clusters: readonly SandboxCluster[],
  env: Record<string, string>,
  speed: number,
): string {
  const info = {
    pid: process.pid,
    awsUrl,
    clusters: clusters.map((c) => ({ name: c.name, url: c.url, context: c.context })),
    listeners: world.traffic.map((t) => t.listenerArn),
    targetGroups: Object.fromEntries([...world.elbv2.targetGroups.values()].map((t) => [t.name, t.arn])),
    clock: env.CUTOVER_CLOCK ?? null,
    startedAt: new Date(world.startedAt).toISOString(),
    speed,
    seed: world.seed,
    stopped: false,
  };
  return `${JSON.stringify(info, null, 2)}\n`;
}

/**
 * After a clean stop, DIR's files say so (they are kept for a look at what ran): sandbox.json gets
 * `"stopped": true` and the env file a first line saying the sandbox stopped (sourcing it warns).
 * Only if they are still this sandbox's: another may have taken DIR over since.
 */
function markStopped(dir: string, awsUrl: string, env: Record<string, string>, log: SandboxLog): void {
  const info = readSandboxJson(dir);
  if (info?.pid !== process.pid || info.awsUrl !== awsUrl) return;
  const stoppedAt = new Date().toISOString();
  try {
    writeFileSync(resolve(dir, SANDBOX_JSON), `${JSON.stringify({ ...info, stopped: true, stoppedAt }, null, 2)}\n`);
    writeFileSync(resolve(dir, 'env'), envFileText(env, stoppedAt), { mode: 0o600 });
  } catch (err) {
    log.warn({ err, dir }, 'could not mark the sandbox files stopped');
  }
}
