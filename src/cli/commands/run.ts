import type { DriverResult } from '../../engine/driver.ts';
import { runDriver } from '../../engine/driver.ts';
import { CutoverError, ExitCode } from '../../errors.ts';
import { createBindingPort } from '../../kube/binding-status.ts';
import { buildPlan } from '../../plan/plan.ts';
import type { Plan } from '../../plan/plan-types.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import { clockFromEnv } from '../../util/clock.ts';
import { confirmRun } from '../confirm.ts';
import type { CommandContext, OutputFormat } from '../context.ts';
import { type DetachedChannel, detachedChannel, errorOf, startDetached } from '../detach.ts';
import { driverProgress } from '../driver-progress.ts';
import { createDriverPorts, holderName, regionWarning } from '../driver-wiring.ts';
import { exitCodeOf, summaryLine } from '../progress.ts';
import { errorData, errorReason, exitCodeOfError } from '../report-error.ts';

export interface RunArgs {
  file: string;
  yes: boolean;
  takeOver: boolean;
  forceSpec: boolean;
  detach: boolean;
  logFile?: string;
  /** Global options, passed on to a --detach driver. */
  output: OutputFormat;
  logLevel: string;
}

/**
 * `cutover run FILE`: drives the rollout to its end — completed (0), rolled back by a gate, an
 * alarm or a short preflight (3), aborted by an operator (4). At a terminal without --yes it first
 * says what it will do and asks (../confirm.ts). Progress goes to stdout as the live view on a
 * terminal, else as lines (or one JSON event per line with --output json; see
 * driver-progress.ts); a crash, Ctrl-C, SIGTERM or a hang-up leaves the state on the routes' tags,
 * and running it again resumes. With --output json the last line is always a `result` event with
 * the outcome, exit code and reason — for an error too, with its message and hint. With --detach
 * the same driver runs in the background (../detach.ts) and this command exits once it has started.
 */
export async function run(args: RunArgs, ctx: CommandContext): Promise<number> {
  // Set in a driver that --detach started: it reports to its parent how it goes.
  const channel = args.detach ? undefined : detachedChannel(ctx.env);
  try {
    return await drive(args, ctx, channel);
  } catch (e) {
    channel?.failed(e);
    // The error is printed on stderr as for any command (main.ts); JSON readers get it as the result.
    ctx.out.json({
      type: 'result',
      outcome: 'failed',
      exitCode: exitCodeOfError(e),
      reason: errorReason(e),
      error: errorData(e),
      time: new Date(nowOf(ctx)).toISOString(),
    });
    throw e;
  }
}

/** The driver's clock (virtual in the sandbox), or the wall clock when CUTOVER_CLOCK is itself the problem. */
function nowOf(ctx: CommandContext): number {
  try {
    return clockFromEnv(ctx.env).now();
  } catch {
    return Date.now();
  }
}

async function drive(args: RunArgs, ctx: CommandContext, channel: DetachedChannel | undefined): Promise<number> {
  if (args.logFile !== undefined && !args.detach) {
    throw new CutoverError('E_USAGE', '--log-file goes with --detach', {
      value: args.logFile,
      hint: 'a run in the foreground prints to stdout: redirect it (`> run.log 2>&1`), or add --detach',
    });
  }
  const loaded = await loadRolloutFile(args.file);
  ctx.diag(loaded.warnings);
  // At a terminal: the question is asked on it and answered from its keyboard.
  const atTerminal = ctx.out.isTTY && Boolean(ctx.stdin.isTTY);
  if (!args.yes && !atTerminal) {
    throw new CutoverError('E_USAGE', '"cutover run" moves live traffic: confirm with --yes when not at a terminal', {
      hint: `review \`cutover plan ${args.file}\`, then run \`cutover run ${args.file} --yes\``,
    });
  }
  const holder = holderName(ctx.env);
  const plan = buildPlan(loaded.rollout);
  const clock = clockFromEnv(ctx.env);
  if (!args.yes) await confirmRun({ plan, file: args.file, holder, clock }, ctx, ctx.writeStderr);
  if (args.detach) return detach(args, plan, clock.now(), ctx);
  const { ports, explain, close } = createDriverPorts(
    plan,
    clock,
    undefined,
    createBindingPort(loaded.rollout, ctx.env),
  );
  const progress = await driverProgress(ctx, { plan, clock, holder });
  try {
    const warning = await regionWarning(plan, ctx.env);
    if (warning) {
      if (ctx.out.format === 'json')
        ctx.out.json({ type: 'warning', message: warning, time: new Date(clock.now()).toISOString() });
      else progress.note(`warning: ${warning}`);
    }
    const result = await runDriver({
      plan,
      specHash: loaded.hash,
      ports,
      clock,
      holder,
      options: { takeOver: args.takeOver, forceSpec: args.forceSpec },
      signal: ctx.signal,
      onEvent: (e) => {
        channel?.onEvent(e);
        progress.event(e);
      },
    });
    if (result.outcome === 'failed' && !result.interrupted && result.error) throw await explain(result.error);
    const code = exitCodeOf(result, ctx.signal);
    channel?.ended(code, { ...result, error: result.error instanceof Error ? result.error.message : undefined });
    progress.finish(result, code);
    return code;
  } finally {
    progress.close();
    close();
  }
}

/** The last thing a run prints: its summary line, or with --output json its result object. */
function printResult(
  plan: Plan,
  r: Omit<DriverResult, 'error'> & { error?: string },
  exitCode: number,
  ctx: CommandContext,
): void {
  if (ctx.out.format === 'json') ctx.out.json({ type: 'result', ...r, exitCode });
  else ctx.out.line(summaryLine(plan, { ...r, error: r.error === undefined ? undefined : new Error(r.error) }));
}

/**
 * --detach: starts the driver in the background and reports it once it has started; a driver
 * that stopped before (lease held, spec changed, …) is reported as the foreground run would be,
 * with the same exit code.
 */
async function detach(args: RunArgs, plan: Plan, now: number, ctx: CommandContext): Promise<number> {
  const argv = ['--output', args.output, '--log-level', args.logLevel];
  if (args.takeOver) argv.push('--take-over');
  if (args.forceSpec) argv.push('--force-spec');
  const r = await startDetached({ file: args.file, plan, now, logFile: args.logFile, argv }, ctx);
  if ('type' in r) {
    if (r.error) throw errorOf(r.error, r.code);
    if (r.result) printResult(plan, r.result as Omit<DriverResult, 'error'> & { error?: string }, r.code, ctx);
    return r.code;
  }
  const at = `step ${Math.min(r.started.step + 1, plan.steps.length)}/${plan.steps.length}`;
  const where = `${at} ${r.started.phase}${r.started.detail ? `: ${r.started.detail}` : ''}`;
  ctx.out.result(
    {
      type: 'detached',
      rollout: plan.name,
      pid: r.pid,
      logFile: r.logFile,
      phase: r.started.phase,
      step: r.started.step,
    },
    () =>
      [
        `rollout ${plan.name} is running in the background (pid ${r.pid}), now at ${where}`,
        `log: ${r.logFile}`,
        `follow it: cutover status ${args.file} --watch   (or: tail -f ${r.logFile})`,
        `steer it: cutover pause|resume|promote ${args.file}; roll back: cutover abort ${args.file}`,
      ].join('\n'),
  );
  return ExitCode.ok;
}
