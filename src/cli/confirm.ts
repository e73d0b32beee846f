import { createInterface } from 'node:readline';
import { readCommand } from '../aws/driver-state.ts';
import { createAwsClients, createAwsPorts } from '../aws/index.ts';
import { ENDED_PHASES } from '../engine/resume.ts';
import { CutoverError, stoppedExitCode } from '../errors.ts';
import type { Plan } from '../plan/plan-types.ts';
import { formatPercent } from '../spec/percent.ts';
import type { Clock } from '../util/clock.ts';
import type { CommandContext } from './context.ts';
import { LEASE_TTL_MS } from './driver-wiring.ts';
import type { InputStream } from './io.ts';
import type { Write } from './output.ts';

/** How a yes/no question was answered: `y`/`yes` (any case), anything else, end of input, or a signal. */
export type Answer = { kind: 'yes' } | { kind: 'no'; answer: string } | { kind: 'eof' } | { kind: 'interrupted' };

/**
 * Asks `question` on `write` and reads one line of `stdin`. The terminal stays in its normal
 * (cooked) mode: it edits the line, and Ctrl-C is a SIGINT that aborts `signal` (as everywhere in
 * the CLI), which ends the question as `interrupted`.
 */
export function askYesNo(
  input: { stdin: InputStream; write: Write; signal: AbortSignal },
  question: string,
): Promise<Answer> {
  const { stdin, write, signal } = input;
  if (signal.aborted) return Promise.resolve({ kind: 'interrupted' });
  write(question);
  return new Promise<Answer>((resolve) => {
    const rl = createInterface({ input: stdin, terminal: false });
    let done = false;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      rl.close();
      // Nothing more is read: the process must not wait on its stdin.
      stdin.pause();
      resolve(a);
    };
    const onAbort = () => {
      write('\n');
      finish({ kind: 'interrupted' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    rl.once('line', (line) => {
      const answer = line.trim();
      finish(/^(y|yes)$/i.test(answer) ? { kind: 'yes' } : { kind: 'no', answer });
    });
    rl.once('close', () => {
      if (!done) write('\n');
      finish({ kind: 'eof' });
    });
  });
}

/**
 * `cutover run FILE` at a terminal without --yes: says what the run will do — the rollout, its
 * routes, from → to, the steps' shares, whether it starts or resumes (read from the routes' tags,
 * nothing written) and the lease holder — then asks `Move live traffic? [y/N]`. Resolves when the
 * answer is y or yes; otherwise throws: E_NOT_CONFIRMED (exit 2) for another answer or end of
 * input, E_INTERRUPTED with the signal's exit code (130 for Ctrl-C) when a signal came first.
 */
export async function confirmRun(
  input: { plan: Plan; file: string; holder: string; clock: Clock },
  ctx: CommandContext,
  write: Write,
): Promise<void> {
  const { plan, file } = input;
  const lines = [`cutover run ${file} moves live traffic:`, ...describeRun(input, await readRecord(input))];
  const answer = await askYesNo(
    { stdin: ctx.stdin, write, signal: ctx.signal },
    `${lines.join('\n')}\nMove live traffic? [y/N] `,
  );
  if (answer.kind === 'yes') return;
  if (answer.kind === 'interrupted') {
    throw new CutoverError('E_INTERRUPTED', `interrupted before the question was answered; nothing was written`, {
      hint: `run \`cutover run ${file}\` again when ready`,
      exitCode: stoppedExitCode(ctx.signal),
    });
  }
  const hint = `answer y or yes to move the traffic of ${plan.name}; --yes skips the question (review \`cutover plan ${file}\` first)`;
  if (answer.kind === 'eof') {
    throw new CutoverError('E_NOT_CONFIRMED', 'not confirmed (no answer: end of input); nothing was written', { hint });
  }
  throw new CutoverError('E_NOT_CONFIRMED', 'not confirmed; nothing was written', { value: answer.answer, hint });
}

/** What the routes' tags say about the rollout, for the question (read only). */
interface RecordSeen {
  state?: { rollout: string; phase: string; step: number };
  lease?: { holder: string; expiresAt: number };
  command?: { command: string; by: string };
  /** Why the tags could not be read (the run itself will say it again, properly). */
  unreadable?: string;
}

async function readRecord(input: { plan: Plan; clock: Clock }): Promise<RecordSeen> {
  const { plan, clock } = input;
  let clients: ReturnType<typeof createAwsClients> | undefined;
  try {
    clients = createAwsClients({ region: plan.region, clock });
    const aws = createAwsPorts(clients, { clock, leaseTtlMs: LEASE_TTL_MS });
    const first = plan.routes[0]!.arn;
    const records = await aws.state.read(plan.routes.map((r) => r.arn));
    const record = records.get(first);
    const pending = readCommand(first, record?.tags ?? {});
    return {
      ...(record?.state ? { state: record.state } : {}),
      ...(record?.lease && record.lease.expiresAt > clock.now() ? { lease: record.lease } : {}),
      ...(pending ? { command: pending } : {}),
    };
  } catch (e) {
    return { unreadable: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  } finally {
    clients?.destroy();
  }
}

/** The lines of the question: rollout, routes, steps, start or resume, lease. */
export function describeRun(input: { plan: Plan; holder: string; clock: Clock }, seen: RecordSeen): string[] {
  const { plan, holder } = input;
  const n = plan.steps.length;
  const label = (i: number) => {
    const s = plan.steps[i];
    if (!s) return '';
    return s.kind === 'approve' ? 'an approval' : `${formatPercent(s.state.toPercent / 100, 3)} on ${plan.to}`;
  };
  const steps = plan.steps.map((s) => (s.kind === 'approve' ? 'approve' : formatPercent(s.state.toPercent / 100, 3)));
  const lines = [
    `  rollout  ${plan.name}: ${plan.from} → ${plan.to}`,
    ...plan.routes.map(
      (r, i) => `  ${i === 0 ? (plan.routes.length === 1 ? 'route ' : 'routes') : '      '}   ${r.name} (${r.arn})`,
    ),
    `  steps    ${steps.join(' → ')} on ${plan.to}`,
  ];
  const state = seen.state;
  if (seen.unreadable !== undefined) {
    lines.push(`  start    unknown: the routes' tags could not be read (${seen.unreadable})`);
  } else if (!state) {
    lines.push(`  start    at step 1/${n} (${label(0)}): nothing recorded on the routes`);
  } else if (state.rollout !== plan.name) {
    lines.push(
      `  start    the routes carry the record of rollout ${state.rollout} (${state.phase}); the run checks it first`,
    );
  } else if (ENDED_PHASES.has(state.phase)) {
    lines.push(
      `  start    recorded ${state.phase} at step ${Math.min(state.step + 1, n)}/${n}; the run checks what is left to do`,
    );
  } else {
    const at = state.step < 0 ? 'the start' : `step ${state.step + 1}/${n} (${label(state.step)})`;
    lines.push(`  resume   at ${at}, recorded ${state.phase}`);
  }
  if (seen.command)
    lines.push(`  command  ${seen.command.command} (sent by ${seen.command.by}) is waiting: the run acts on it`);
  const held =
    seen.lease && seen.lease.holder !== holder
      ? `; now held by ${seen.lease.holder}, so the run will be refused until it lapses`
      : '';
  lines.push(`  lease    held as ${holder}${held}`);
  return lines;
}
