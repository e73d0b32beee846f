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
  load: () => Promise<{ run: (args: any, ctx: CommandContext) => Promise<number> }>;
}

export const commands: CommandEntry[] = [
  {
    command: 'validate <files..>',
    describe: 'Check rollout files; report every problem as file:line:col',
    builder: (y) =>
      y.positional('files', { type: 'string', array: true, describe: 'rollout YAML files, or directories of them' }),
    load: () => import('./commands/validate.ts'),
  },
  {
    command: 'plan <file>',
    describe: 'Show the steps of a rollout: ALB weights per route and cluster, bake times, gates, duration',
    builder: (y) => y.positional('file', { type: 'string', describe: 'rollout YAML file' }),
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
        .option('speed', { type: 'number', default: 1, describe: 'virtual seconds per wall second' })
        .option('dir', { type: 'string', default: '.sandbox', describe: 'where to write env and kubeconfig' })
        .option('seed', {
          type: 'number',
          describe: "random seed (default: the scenario's seed, else 1); same seed, same run",
        }),
    load: () => import('./commands/sandbox.ts'),
  },
];
