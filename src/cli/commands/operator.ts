import { COMMAND_TAG, commandTags, readCommand } from '../../aws/driver-state.ts';
import { createAwsClients, createAwsPorts } from '../../aws/index.ts';
import { runAbort } from '../../engine/driver.ts';
import type { OperatorCommand } from '../../engine/ports.ts';
import { ENDED_PHASES } from '../../engine/resume.ts';
import { CutoverError, ExitCode } from '../../errors.ts';
import { buildPlan } from '../../plan/plan.ts';
import type { Plan } from '../../plan/plan-types.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import { clockFromEnv } from '../../util/clock.ts';
import type { CommandContext } from '../context.ts';
import { createDriverPorts, holderName, LEASE_TTL_MS } from '../driver-wiring.ts';
import { progressLine, summaryLine } from '../progress.ts';

/**
 * `cutover pause|resume|promote|abort FILE`: an operator's word to the driver of a rollout,
 * wherever it runs — left as the `cutover.dev/command` tag on the rollout's first route, which
 * the driver polls every few seconds. When no driver holds the lease, `abort` rolls back itself
 * (and exits 4, as the driver would); the others stay on the route for the next `cutover run`.
 * The tag holds one command: while one waits (for the driver, or for the next run), another is
 * refused naming it (E_COMMAND_PENDING, exit 2) — except `abort`, which always replaces it.
 */
export interface OperatorArgs {
  file: string;
  full?: boolean;
}

const VERB: Record<OperatorCommand, string> = {
  pause: 'pause',
  resume: 'resume',
  promote: 'promote',
  promoteFull: 'promote to 100%',
  abort: 'abort (roll back)',
};

export const pause = (a: OperatorArgs, ctx: CommandContext) => send('pause', a, ctx);
export const resume = (a: OperatorArgs, ctx: CommandContext) => send('resume', a, ctx);
export const promote = (a: OperatorArgs, ctx: CommandContext) => send(a.full ? 'promoteFull' : 'promote', a, ctx);
export const abort = (a: OperatorArgs, ctx: CommandContext) => send('abort', a, ctx);

async function send(command: OperatorCommand, args: OperatorArgs, ctx: CommandContext): Promise<number> {
  const loaded = await loadRolloutFile(args.file);
  const plan = buildPlan(loaded.rollout);
  const clock = clockFromEnv(ctx.env);
  const clients = createAwsClients({ region: plan.region, clock });
  try {
    const aws = createAwsPorts(clients, { clock, leaseTtlMs: LEASE_TTL_MS });
    const first = plan.routes[0]!.arn;
    const records = await aws.state.read(plan.routes.map((r) => r.arn));
    const state = records.get(first)?.state;
    if (!state || state.rollout !== plan.name) {
      throw new CutoverError('E_NOT_RUNNING', `rollout ${plan.name} has not started on these routes`, {
        value: first,
        hint: `start it with \`cutover run ${args.file}\``,
      });
    }
    if (ENDED_PHASES.has(state.phase)) {
      throw new CutoverError('E_NOT_RUNNING', `rollout ${plan.name} has ended (${state.phase})`, {
        hint: `\`cutover status ${args.file}\` shows where traffic is`,
      });
    }
    const lease = records.get(first)?.lease;
    const driven = lease !== undefined && lease.expiresAt > clock.now();
    const pending = readCommand(first, records.get(first)?.tags ?? {});
    // One command at a time, driver or not: a second one would overwrite the first unseen. An
    // abort always goes through (it replaces the waiting command: rolling back outranks it).
    if (pending && command !== 'abort') {
      const sent = `sent by ${pending.by} at ${new Date(pending.at).toISOString()}`;
      throw new CutoverError(
        'E_COMMAND_PENDING',
        driven
          ? `a ${VERB[pending.command]} command (${sent}) is still waiting for the driver ${lease.holder}`
          : `a ${VERB[pending.command]} command (${sent}) is waiting for the next \`cutover run ${args.file}\``,
        {
          value: VERB[command],
          hint: driven
            ? 'the driver takes commands every few seconds; try again in a moment (`cutover abort` always goes through)'
            : `run the rollout to act on it first; \`cutover abort ${args.file}\` always goes through; to drop it: aws elbv2 remove-tags --resource-arns ${first} --tag-keys ${COMMAND_TAG}`,
        },
      );
    }
    await aws.tags.writeTags(first, commandTags(command, clock.now(), holderName()));
    if (driven) {
      ctx.out.result({ command, sentTo: lease.holder }, () => `${VERB[command]}: sent to the driver ${lease.holder}`);
      return ExitCode.ok;
    }
    if (command !== 'abort') {
      ctx.out.result(
        { command, sentTo: null },
        () => `${VERB[command]}: no driver is running; the next \`cutover run ${args.file}\` acts on it`,
      );
      return ExitCode.ok;
    }
    return rollBackHere(plan, loaded.hash, ctx, clock);
  } finally {
    clients.destroy();
  }
}

/** No driver holds the lease: take it and roll back here (the abort tag is taken at once). */
async function rollBackHere(plan: Plan, specHash: string, ctx: CommandContext, clock: ReturnType<typeof clockFromEnv>) {
  const { ports, close } = createDriverPorts(plan, clock);
  try {
    ctx.out.line(`abort: no driver is running; rolling back from here`);
    const result = await runAbort({
      plan,
      specHash,
      ports,
      clock,
      holder: holderName(),
      onEvent: (e) => {
        const line = progressLine(plan, e, clock.now());
        if (line) ctx.out.line(line);
      },
    });
    ctx.out.line(summaryLine(plan, result));
    return ExitCode.aborted;
  } finally {
    close();
  }
}
