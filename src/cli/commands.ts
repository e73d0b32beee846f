import type { Argv } from 'yargs';
import type { CommandContext } from './context.ts';
import { FAULTS, faultOutcomes } from './demo-faults.ts';

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
export const NOT_BUILT = [] as const;

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
    builder: (y) =>
      y.positional('file', { type: 'string', describe: 'rollout YAML file' }).option('live', {
        type: 'boolean',
        default: false,
        describe:
          "also read AWS: the live weights, the record on the routes (this rollout's or another's), the next write, and whether `run` would start, resume or refuse (and why)",
      }),
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
    command: 'run <file>',
    describe: 'Move traffic step by step as the rollout says, gated; roll back by itself on a failed gate or alarm',
    builder: (y) =>
      y
        .positional('file', { type: 'string', describe: 'rollout YAML file' })
        .option('yes', {
          type: 'boolean',
          default: false,
          describe:
            'do not ask before moving live traffic (needed unless stdin and stdout are a terminal, where run shows what it will do and asks y/N)',
        })
        .option('take-over', {
          type: 'boolean',
          default: false,
          describe:
            'adopt live weights that differ from the recorded ones or the starting split (after a hand edit) and go on at the first step whose share is at or above the live one',
        })
        .option('force-spec', {
          type: 'boolean',
          default: false,
          describe:
            'go on with a changed rollout file: the recorded step as the new file has it, never lowering the live share or skipping a step above it',
        })
        .option('detach', {
          type: 'boolean',
          default: false,
          describe:
            'drive in the background: exit once the driver holds the lease and has started, printing its pid and log file',
        })
        .option('log-file', {
          type: 'string',
          describe:
            "with --detach: append the driver's output here (default: $XDG_STATE_HOME or ~/.local/state, cutover/<rollout>-<time>.log)",
        })
        .epilogue(
          'CUTOVER_HOLDER=NAME holds the lease as NAME instead of user@host/pid: give a Kubernetes Job or a CI job a fixed name, and its retry after a kill resumes at once',
        ),
    needs: { what: 'a rollout file', example: 'cutover run rollouts/sandbox-web.yaml --yes' },
    stopsOnSignal: true,
    load: () => import('./commands/run.ts'),
  },
  {
    command: 'status <file>',
    describe:
      "Show where a rollout stands: phase, step, live weights per route, the driver's lease, drift, a command waiting, and whether run would start, resume or refuse",
    builder: (y) =>
      y.positional('file', { type: 'string', describe: 'rollout YAML file' }).option('watch', {
        type: 'boolean',
        default: false,
        describe: 'read again every 2 seconds until Ctrl-C (in a terminal: one screen, redrawn in place)',
      }),
    needs: { what: 'a rollout file', example: 'cutover status rollouts/sandbox-web.yaml' },
    stopsOnSignal: true,
    load: () => import('./commands/status.ts'),
  },
  {
    command: 'pause <file>',
    describe: 'Pause a running rollout where it is (weights stay; gates and alarms keep watching)',
    builder: (y) =>
      y
        .positional('file', { type: 'string', describe: 'rollout YAML file' })
        .epilogue(
          'While paused the driver ticks the gates and polls the alarms as while baking: a failed gate past failureLimit, an inconclusive streak past inconclusiveLimit, or an alarm in ALARM (also one that went back to OK) rolls back at once and the driver exits 3. A passing tick never advances a paused step: only cutover resume goes on (a paused bake bakes again from the resume). Paused before the first write (a preflight waiting for capacity), nothing is watched.',
        ),
    needs: { what: 'a rollout file', example: 'cutover pause rollouts/sandbox-web.yaml' },
    load: async () => ({ run: (await import('./commands/operator.ts')).pause }),
  },
  {
    command: 'resume <file>',
    describe: 'Resume a paused rollout (after drift: adopt the live weights and go on)',
    builder: (y) => y.positional('file', { type: 'string', describe: 'rollout YAML file' }),
    needs: { what: 'a rollout file', example: 'cutover resume rollouts/sandbox-web.yaml' },
    load: async () => ({ run: (await import('./commands/operator.ts')).resume }),
  },
  {
    command: 'promote <file>',
    describe: 'Skip the current bake or approval (--full: go to 100% with gates still watching)',
    builder: (y) =>
      y
        .positional('file', { type: 'string', describe: 'rollout YAML file' })
        .option('full', { type: 'boolean', default: false, describe: 'go straight to the last step' }),
    needs: { what: 'a rollout file', example: 'cutover promote rollouts/sandbox-web.yaml' },
    load: async () => ({ run: (await import('./commands/operator.ts')).promote }),
  },
  {
    command: 'abort <file>',
    describe: 'Roll back now (the driver exits 4); with no driver running, roll back from here',
    builder: (y) => y.positional('file', { type: 'string', describe: 'rollout YAML file' }),
    needs: { what: 'a rollout file', example: 'cutover abort rollouts/sandbox-web.yaml' },
    load: async () => ({ run: (await import('./commands/operator.ts')).abort }),
  },
  {
    command: 'agent',
    describe: "Reconcile a cluster's TargetGroupBindings: register its own pods (or nodes) in its target groups",
    builder: (y) =>
      y
        .option('cluster-name', {
          type: 'string',
          demandOption: true,
          describe: "this cluster's name (guard rail tag cutover.dev/cluster)",
        })
        .option('context', { type: 'string', describe: 'kubeconfig context (default: the current one, or in-cluster)' })
        .option('namespace', {
          type: 'string',
          array: true,
          describe: 'only bindings in these namespaces (default: all)',
        })
        .option('binding-api', {
          choices: ['cutover.dev/v1alpha1', 'elbv2.k8s.aws/v1beta1'],
          default: 'cutover.dev/v1alpha1',
          describe:
            "which TargetGroupBinding to reconcile (elbv2.k8s.aws: the AWS Load Balancer Controller's, where it does not run)",
        })
        .option('allow-target-group', {
          type: 'string',
          array: true,
          describe:
            'target group ARN patterns this agent may manage (* matches any run); others need the tag cutover.dev/cluster=<cluster-name>',
        })
        .option('install-crds', {
          type: 'boolean',
          default: false,
          describe: 'create the binding CRD when the cluster lacks it',
        })
        .option('region', { type: 'string', describe: 'AWS region of the target groups (default: AWS_REGION)' })
        .option('resync', {
          type: 'string',
          default: '30m',
          describe: 'full pass with AWS calls this often, even when nothing changed',
        })
        .option('health-refresh', {
          type: 'string',
          default: '1m',
          describe:
            "read each binding's target health this often (one DescribeTargetHealth; status counts, readiness gates, targets removed by hand restored); 0 turns it off",
        })
        .option('ops-addr', {
          type: 'string',
          describe: 'serve /healthz, /readyz and /metrics on HOST:PORT (e.g. 0.0.0.0:8080)',
        })
        .option('leader-elect', {
          type: 'boolean',
          default: false,
          describe:
            'run as one of several replicas: only the holder of the Lease cutover-agent-<cluster-name> reconciles',
        })
        .option('leader-election-namespace', {
          type: 'string',
          describe: 'namespace of the Lease (default: POD_NAMESPACE, else cutover-system)',
        })
        .option('webhook-port', {
          type: 'number',
          describe:
            'serve the readiness-gate mutating webhook (HTTPS, POST /mutate-v1-pod) on this port, from every replica (default: CUTOVER_WEBHOOK_PORT; unset: no webhook)',
        })
        .option('webhook-cert-dir', {
          type: 'string',
          describe: "the webhook's tls.crt and tls.key, re-read when they change (default: CUTOVER_WEBHOOK_CERT_DIR)",
        }),
    stopsOnSignal: true,
    load: () => import('./commands/agent.ts'),
  },
  {
    command: 'bind <file>',
    describe: 'Apply a TargetGroupBinding for every route into every cluster of a rollout (server-side apply)',
    builder: (y) =>
      y
        .positional('file', { type: 'string', describe: 'rollout YAML file' })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'print the manifests instead of applying them',
        })
        .option('cluster', { type: 'string', array: true, describe: 'only these clusters (default: every cluster)' })
        .option('binding-api', {
          choices: ['cutover.dev/v1alpha1', 'elbv2.k8s.aws/v1beta1'],
          default: 'cutover.dev/v1alpha1',
          describe: 'the binding kind to write',
        }),
    load: () => import('./commands/bind.ts'),
  },
  {
    command: 'iam-policy <file>',
    describe: 'Print the least-privilege IAM policy the driver (or --agent) needs for a rollout, scoped to its ARNs',
    builder: (y) =>
      y
        .positional('file', { type: 'string', describe: 'rollout YAML file' })
        .option('agent', {
          type: 'boolean',
          default: false,
          describe: "the agent's policy: register/deregister in its cluster's target groups",
        })
        .option('cluster', {
          type: 'string',
          describe: 'with --agent: only this cluster (default: one policy per cluster)',
        }),
    load: () => import('./commands/iam-policy.ts'),
  },
  {
    command: 'demo',
    describe:
      'A whole cutover in one process: the sandbox, bindings, an agent per cluster, and the driver moving web from blue to green',
    builder: (y) =>
      y
        .option('fault', {
          type: 'string',
          choices: Object.keys(FAULTS),
          describe: `show a safety behaviour instead — ${faultOutcomes()}`,
        })
        .option('speed', { type: 'string', default: '120', describe: 'virtual seconds per wall second' })
        .option('seed', { type: 'string', describe: 'random seed of the simulated world' })
        .option('keep', {
          type: 'boolean',
          default: false,
          describe: 'leave the sandbox up afterwards (Ctrl-C stops it)',
        })
        .option('dir', {
          type: 'string',
          describe: 'where the sandbox writes env and kubeconfig (default: a temporary folder)',
        }),
    stopsOnSignal: true,
    load: () => import('./commands/demo.ts'),
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
