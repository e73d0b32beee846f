import { isAbsolute, relative, resolve } from 'node:path';
import { CutoverError } from '../../errors.ts';
import { startSandbox } from '../../sandbox/sandbox.ts';
import { readScenarioFile } from '../../sandbox/scenario/load.ts';
import type { Scenario } from '../../sandbox/scenario/types.ts';
import { statusLine } from '../../sandbox/world/status.ts';
import type { CommandContext } from '../context.ts';
import { untilAborted } from '../until-aborted.ts';

/** The options as typed: `--speed` and `--seed` are strings, parsed here so errors quote them. */
export interface SandboxArgs {
  scenario?: string;
  speed: string;
  dir: string;
  seed?: string;
}

/** `cutover sandbox`: serves the emulated AWS and Kubernetes endpoints until interrupted. */
export async function run(args: SandboxArgs, ctx: CommandContext): Promise<number> {
  const { speed, seed } = parseArgs(args);
  let scenario: Scenario | undefined;
  if (args.scenario) {
    const loaded = readScenarioFile(resolve(ctx.cwd, args.scenario));
    ctx.diag(loaded.warnings);
    scenario = loaded.scenario;
  }
  const sandbox = await startSandbox({
    ...(scenario ? { scenario } : {}),
    speed,
    dir: args.dir,
    cwd: ctx.cwd,
    ...(seed === undefined ? {} : { seed }),
    log: ctx.log,
  });
  try {
    const w = sandbox.world;
    const info: BannerInfo = {
      awsUrl: sandbox.awsUrl,
      clusters: sandbox.clusters.map((c) => ({ name: c.name, url: c.url, context: c.context })),
      envFile: sandbox.envFile,
      kubeconfig: sandbox.kubeconfigFile,
      listeners: w.traffic.map((t) => t.listenerArn),
      targetGroups: Object.fromEntries([...w.elbv2.targetGroups.values()].map((t) => [t.name, t.arn])),
      startedAt: new Date(w.startedAt).toISOString(),
      speed,
      seed: w.seed,
    };
    const firstService = w.scenario.clusters.flatMap((c) => c.services.map((s) => ({ cluster: c.name, s })))[0];
    ctx.out.result(info, () =>
      banner(info, {
        cwd: ctx.cwd,
        defaultWorld: !args.scenario,
        ...(firstService ? { service: { cluster: firstService.cluster, namespace: firstService.s.namespace } } : {}),
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    if (ctx.out.isTTY && ctx.out.format === 'text') {
      timer = setInterval(() => ctx.out.line(statusLine(w)), 5000);
    }
    await untilAborted(ctx.signal);
    if (timer) clearInterval(timer);
    ctx.out.line('stopping the sandbox');
  } finally {
    await sandbox.close();
  }
  return 0;
}

const DECIMAL = /^\s*(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i;

/** Usage errors (exit 2) quoting what was typed: `--speed fast` is `got "fast"`. */
export function parseArgs(args: Pick<SandboxArgs, 'speed' | 'seed'>): { speed: number; seed?: number } {
  const speed = DECIMAL.test(args.speed) ? Number(args.speed) : Number.NaN;
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new CutoverError('E_USAGE', '--speed must be a number above 0', {
      value: args.speed,
      hint: 'virtual seconds per wall second: 1 is real time, 60 runs a minute per second, 0.5 half speed',
    });
  }
  if (args.seed === undefined) return { speed };
  const seed = /^\s*\d+\s*$/.test(args.seed) ? Number(args.seed) : Number.NaN;
  if (!(Number.isInteger(seed) && seed <= 2 ** 32 - 1)) {
    throw new CutoverError('E_USAGE', '--seed must be a whole number from 0 to 4294967295', {
      value: args.seed,
      hint: 'the same seed gives the same run, e.g. --seed 7',
    });
  }
  return { speed, seed };
}

export interface BannerInfo {
  awsUrl: string;
  clusters: { name: string; url: string; context: string }[];
  envFile: string;
  kubeconfig: string;
  listeners: string[];
  targetGroups: Record<string, string>;
  /** Virtual time at start (ISO). */
  startedAt: string;
  speed: number;
  seed: number;
}

/** A path as the user may type it from `cwd`: relative when inside it, else absolute. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : `./${rel}`;
}

/** How the clock runs, for people: "1× (real time)", "60× (a virtual minute per wall second)". */
function speedText(speed: number): string {
  if (speed === 1) return '1× (real time)';
  if (speed === 60) return '60× (a virtual minute per wall second)';
  return `${speed}× (${speed > 1 ? `${speed} virtual seconds per wall second` : `a virtual second per ${Math.round((1 / speed) * 100) / 100} wall seconds`})`;
}

/** The text printed at start: endpoints, commands to try, the clock, target groups. */
export function banner(
  info: BannerInfo,
  o: { cwd: string; defaultWorld: boolean; service?: { cluster: string; namespace: string } },
): string {
  const tg = Object.values(info.targetGroups)[0] ?? '<target-group-arn>';
  const kube = o.service ?? { cluster: info.clusters[0]?.name ?? '<cluster>', namespace: 'default' };
  return [
    `sandbox running: AWS endpoint ${info.awsUrl}; clusters ${info.clusters.map((c) => `${c.name} (${c.url})`).join(', ')}`,
    `virtual clock: started at ${info.startedAt}, speed ${speedText(info.speed)}; seed ${info.seed}`,
    '',
    'in another shell:',
    `  source ${shownPath(info.envFile, o.cwd)}`,
    `  aws elbv2 describe-target-health --target-group-arn ${tg}`,
    ...(info.listeners[0] ? [`  aws elbv2 describe-listeners --listener-arns ${info.listeners[0]}`] : []),
    `  kubectl --context ${kube.cluster} get pods,endpointslices -n ${kube.namespace}`,
    '  aws cloudwatch list-metrics --namespace AWS/ApplicationELB --metric-name RequestCount',
    o.defaultWorld ? '  npx cutover plan rollouts/sandbox-web.yaml' : '  npx cutover validate rollouts/',
    '',
    'the sandbox runs on virtual time: `sandbox_now` (defined by the env file) prints it in epoch seconds, e.g.',
    '  aws cloudwatch get-metric-data --start-time $(( $(sandbox_now) - 900 )) --end-time $(sandbox_now) ...',
    '',
    'target groups:',
    ...Object.entries(info.targetGroups).map(([n, arn]) => `  ${n}  ${arn}`),
    '',
    'press Ctrl-C to stop',
  ].join('\n');
}
