import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Clock, ScaledClock } from '../util/clock.ts';
import { type AwsServer, startAwsServer } from './aws/server.ts';
import { createCloudWatchHandler } from './cloudwatch/handler.ts';
import { createElbv2Handler } from './elbv2/handler.ts';
import { kubeconfigYaml } from './kube/kubeconfig.ts';
import { type KubeApiServer, startKubeApiServer } from './kube/server.ts';
import { generateClusterTls } from './kube/tls.ts';
import { defaultScenario } from './scenario/default-world.ts';
import { loadScenarioFile } from './scenario/load.ts';
import type { Scenario } from './scenario/types.ts';
import { createStsHandler, StsModel } from './sts/sts.ts';
import { KubeFaults } from './world/faults.ts';
import { createRandom } from './world/prng.ts';
import { World } from './world/world.ts';

/** The subset of a pino logger the sandbox uses. */
export interface SandboxLog {
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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
  dir: string;
  envFile: string;
  kubeconfigFile: string;
  /** Environment variables the env file sets (handy for child processes). */
  env: Record<string, string>;
  close(): Promise<void>;
}

const silent: SandboxLog = { info() {}, debug() {}, warn() {}, error() {} };

/**
 * Starts the sandbox: the simulated world, one AWS endpoint (ELBv2, CloudWatch, STS) and one HTTPS
 * Kubernetes API server per cluster on 127.0.0.1 ephemeral ports, the files in DIR, and — with a
 * ScaledClock — a wall-clock loop advancing the world. Every request first brings the world up to
 * the clock's time (beforeRequest), so answers always reflect current virtual time.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const log = opts.log ?? silent;
  const scenario =
    typeof opts.scenario === 'string'
      ? loadScenarioFile(resolve(opts.cwd ?? process.cwd(), opts.scenario))
      : (opts.scenario ?? defaultScenario());
  const speed = opts.speed ?? 1;
  const clock = opts.clock ?? new ScaledClock({ origin: Date.now(), wallOrigin: Date.now(), speed });
  const world = new World({
    scenario,
    clock,
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
  let aws: AwsServer;
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
        beforeRequest: sync,
        // The request has brought the world to the clock's time (beforeRequest) before faults are asked.
        faults: new KubeFaults(
          scenario.faults,
          c.name,
          world.startedAt,
          () => world.clock.now(),
          createRandom(world.seed).fork(`kube-faults:${c.name}`),
        ),
      });
      started.push(server);
      clusters.push({ name: c.name, url: server.url, context: c.name, server, caPem: tls.caPem, token });
    }
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.close()));
    world.close();
    throw e;
  }

  const unsubscribe = world.onServerFault((f) => {
    const server = clusters.find((c) => c.name === f.cluster)?.server;
    if (!server) return;
    log.info({ cluster: f.cluster, fault: f.kind }, 'scheduled Kubernetes API fault');
    if (f.kind === 'watchDisconnect') server.disconnectWatches();
    else server.restart().catch((err) => log.error({ err, cluster: f.cluster }, 'API server restart failed'));
  });

  const dir = resolve(opts.cwd ?? process.cwd(), opts.dir ?? '.sandbox');
  mkdirSync(dir, { recursive: true });
  const envFile = resolve(dir, 'env');
  const kubeconfigFile = resolve(dir, 'kubeconfig');
  const env: Record<string, string> = {
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
  writeFileSync(
    kubeconfigFile,
    kubeconfigYaml(clusters.map((c) => ({ name: c.name, url: c.url, caPem: c.caPem, token: c.token }))),
    { mode: 0o600 },
  );
  writeFileSync(envFile, envFileText(env), { mode: 0o600 });
  writeFileSync(
    resolve(dir, 'sandbox.json'),
    `${JSON.stringify(
      {
        pid: process.pid,
        awsUrl: aws.url,
        clusters: clusters.map((c) => ({ name: c.name, url: c.url, context: c.context })),
        listeners: world.traffic.map((t) => t.listenerArn),
        targetGroups: Object.fromEntries([...world.elbv2.targetGroups.values()].map((t) => [t.name, t.arn])),
        clock: env.CUTOVER_CLOCK ?? null,
        seed: world.seed,
      },
      null,
      2,
    )}\n`,
  );

  let timer: NodeJS.Timeout | undefined;
  if (clock instanceof ScaledClock) {
    timer = setInterval(sync, opts.tickMs ?? 100);
    timer.unref();
  }
  log.info({ awsUrl: aws.url, clusters: clusters.map((c) => c.url), dir, seed: world.seed }, 'sandbox started');

  let closed: Promise<void> | undefined;
  return {
    world,
    clock,
    awsUrl: aws.url,
    clusters: clusters.map(({ name, url, context, server }) => ({ name, url, context, server })),
    dir,
    envFile,
    kubeconfigFile,
    env,
    close() {
      closed ??= (async () => {
        if (timer) clearInterval(timer);
        unsubscribe();
        await Promise.allSettled(started.map((s) => s.close()));
        world.close();
      })();
      return closed;
    },
  };
}

/** Sourceable `export` lines, values single-quoted (CUTOVER_CLOCK holds `;`). */
export function envFileText(env: Record<string, string>): string {
  const lines = ['# cutover sandbox: `source` this file to point the AWS CLI/SDKs, kubectl and cutover at it'];
  for (const [k, v] of Object.entries(env)) lines.push(`export ${k}='${v.replaceAll("'", `'\\''`)}'`);
  return `${lines.join('\n')}\n`;
}
