import { CutoverError } from '../../errors.ts';
import { startSandbox } from '../../sandbox/sandbox.ts';
import { statusLine } from '../../sandbox/world/status.ts';
import type { CommandContext } from '../context.ts';

export interface SandboxArgs {
  scenario?: string;
  speed: number;
  dir: string;
  seed?: number;
}

/** `cutover sandbox`: serves the emulated AWS and Kubernetes endpoints until interrupted. */
export async function run(args: SandboxArgs, ctx: CommandContext): Promise<number> {
  checkArgs(args);
  const sandbox = await startSandbox({
    ...(args.scenario ? { scenario: args.scenario } : {}),
    speed: args.speed,
    dir: args.dir,
    cwd: ctx.cwd,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    log: ctx.log,
  });
  try {
    const w = sandbox.world;
    const info = {
      awsUrl: sandbox.awsUrl,
      clusters: sandbox.clusters.map((c) => ({ name: c.name, url: c.url, context: c.context })),
      envFile: sandbox.envFile,
      kubeconfig: sandbox.kubeconfigFile,
      listeners: w.traffic.map((t) => t.listenerArn),
      targetGroups: Object.fromEntries([...w.elbv2.targetGroups.values()].map((t) => [t.name, t.arn])),
      speed: args.speed,
      seed: w.seed,
    };
    ctx.out.result(info, () => usage(info, sandbox.envFile));
    let timer: NodeJS.Timeout | undefined;
    if (ctx.out.isTTY && ctx.out.format === 'text') {
      timer = setInterval(() => ctx.out.line(statusLine(w)), 5000);
    }
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (timer) clearInterval(timer);
    ctx.out.line('stopping the sandbox');
  } finally {
    await sandbox.close();
  }
  return 0;
}

/** Usage errors (exit 2) for values yargs lets through: it reads `--speed abc` as NaN. */
export function checkArgs(args: Pick<SandboxArgs, 'speed' | 'seed'>): void {
  if (!(Number.isFinite(args.speed) && args.speed > 0)) {
    throw new CutoverError('E_USAGE', '--speed must be a number above 0', {
      value: args.speed,
      hint: 'virtual seconds per wall second: 1 is real time, 60 runs a minute per second, 0.5 half speed',
    });
  }
  if (args.seed !== undefined && !(Number.isInteger(args.seed) && args.seed >= 0 && args.seed <= 2 ** 32 - 1)) {
    throw new CutoverError('E_USAGE', '--seed must be a whole number from 0 to 4294967295', {
      value: args.seed,
      hint: 'the same seed gives the same run, e.g. --seed 7',
    });
  }
}

function usage(
  info: {
    awsUrl: string;
    clusters: { name: string; url: string }[];
    listeners: string[];
    targetGroups: Record<string, string>;
  },
  envFile: string,
): string {
  const rel = envFile.startsWith(process.cwd()) ? `.${envFile.slice(process.cwd().length)}` : envFile;
  const tg = Object.values(info.targetGroups)[0] ?? '<target-group-arn>';
  const cluster = info.clusters[0]?.name ?? '<cluster>';
  return [
    `sandbox running: AWS endpoint ${info.awsUrl}; clusters ${info.clusters.map((c) => `${c.name} (${c.url})`).join(', ')}`,
    '',
    'in another shell:',
    `  source ${rel}`,
    `  aws elbv2 describe-target-health --target-group-arn ${tg}`,
    ...(info.listeners[0] ? [`  aws elbv2 describe-listeners --listener-arns ${info.listeners[0]}`] : []),
    `  kubectl --context ${cluster} get pods,endpointslices -n web`,
    '  aws cloudwatch list-metrics --namespace AWS/ApplicationELB --metric-name RequestCount',
    '  npx cutover plan rollouts/sandbox-web.yaml',
    '',
    'target groups:',
    ...Object.entries(info.targetGroups).map(([n, arn]) => `  ${n}  ${arn}`),
    '',
    'press Ctrl-C to stop',
  ].join('\n');
}
