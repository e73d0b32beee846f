import type { Argv } from 'yargs';
import type { CommandContext } from './context.ts';

/**
 * The command manifest: names, descriptions and options only, so `cutover --help` never loads
 * a command's implementation. Each implementation lives in ./commands/<name>.ts and exports
 * `run(args, ctx) => Promise<exitCode>`; it is imported when the command runs.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  /** What the command's positional argument is, for the error when it is missing. */
  needs?: { what: string; example: string };
  /** Ctrl-C is how the command ends (it watches ctx.signal and exits 0), not an interruption (130). */
  stopsOnSignal?: boolean;
  load: () => Promise<{ run: (args: any, ctx: CommandContext) => Promise<number> }>;
}

/**
 * Commands the design lists (README "Status") that are not built yet: `cutover run` says so,
 * rather than "unknown command".
 */
export const NOT_BUILT = [
  'run',
  'status',
  'pause',
  'resume',
  'promote',
  'abort',
  'bind',
  'agent',
  'demo',
  'iam-policy',
] as const;

export const commands: CommandEntry[] = [
  {
    command: 'validate <files..>',
    describe: 'Check rollout and sandbox scenario files; report every problem as file:line:col',
    builder: (y) =>
      y.positional('files', {
        type: 'string',
        array: true,
        // yargs gives an array positional a default of [], which --help would show next to [required].
        default: undefined,
        describe: 'rollout or scenario YAML files, or directories of them',
      }),
    needs: {
      what: 'at least one file or directory to check',
      example: 'cutover validate rollouts/ scenarios/default.yaml',
    },
    load: () => import('./commands/validate.ts'),
  },
  {
    command: 'plan <file>',
    describe: 'Show the steps of a rollout: ALB weights per route and cluster, bake times, gates, duration',
    builder: (y) => y.positional('file', { type: 'string', describe: 'rollout YAML file' }),
    needs: { what: 'a rollout file', example: 'cutover plan rollouts/sandbox-web.yaml' },
    load: () => import('./commands/plan.ts'),
  },
  {
    command: 'schema',
    describe: 'Print the JSON Schema of rollout files (for editors and CI)',
    builder: (y) => y,
    load: () => import('./commands/schema.ts'),
  },
  {
    command: 'sandbox',
    describe: 'Serve an emulated ALB, CloudWatch and Kubernetes clusters on loopback until interrupted',
    builder: (y) =>
      y
        .option('scenario', { type: 'string', describe: 'scenario YAML (default: the built-in two-cluster world)' })
        // Strings, parsed by the command, so a bad value is quoted as typed (`got "fast"`, not NaN).
        .option('speed', {
          type: 'string',
          default: '1',
          describe: 'virtual seconds per wall second (60: a virtual minute per second; 0.5: half speed)',
        })
        .option('dir', {
          type: 'string',
          default: '.sandbox',
          describe: 'where to write env, kubeconfig and sandbox.json (created if missing)',
        })
        .option('seed', {
          type: 'string',
          describe: "random seed 0–4294967295 (default: the scenario's seed, else 1); same seed, same run",
        }),
    stopsOnSignal: true,
    load: () => import('./commands/sandbox.ts'),
  },
];
