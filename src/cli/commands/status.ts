import { readCommand, recordOf } from '../../aws/driver-state.ts';
import { createAwsClients, createAwsPorts } from '../../aws/index.ts';
import type { OperatorCommand, RouteWeights } from '../../engine/ports.ts';
import { ENDED_PHASES, startSummary } from '../../engine/resume.ts';
import { ExitCode } from '../../errors.ts';
import { buildPlan } from '../../plan/plan.ts';
import type { Plan } from '../../plan/plan-types.ts';
import { loadRolloutFile } from '../../spec/load.ts';
import { formatPercent } from '../../spec/percent.ts';
import { clockFromEnv } from '../../util/clock.ts';
import type { CommandContext } from '../context.ts';
import { LEASE_TTL_MS } from '../driver-wiring.ts';
import { commandText } from '../live/model.ts';

export interface StatusArgs {
  file: string;
  watch: boolean;
}

export interface RolloutStatus {
  rollout: string;
  phase: string;
  /** 1-based, as `cutover plan` counts; 0 before the first step. */
  step: number;
  steps: number;
  updatedAt: string | null;
  reason: string | null;
  lease: { holder: string; expiresAt: string; live: boolean } | null;
  /**
   * An operator command on the routes not yet taken (`cutover pause|resume|promote|abort`): the
   * driver holding the lease takes it within seconds, otherwise the next `cutover run` does.
   */
  command: { command: OperatorCommand; by: string; at: string } | null;
  routes: Array<{
    name: string;
    live: Record<string, number>;
    recorded: Record<string, number> | null;
    drift: boolean;
  }>;
  /** The routes carry the record of another rollout (this one's phase is then `not started`). */
  otherRollout: { rollout: string; phase: string; step: number; ended: boolean } | null;
  /** This rollout's record was written for another version of the file (its spec hash differs). */
  specChanged: { recorded: string; file: string } | null;
  /** What `cutover run FILE` would do now (without --take-over or --force-spec), in words. */
  run: { ok: boolean; detail: string };
}

/**
 * `cutover status FILE [--watch]`: where a rollout stands, from any machine (the routes' tags).
 * --watch reads again every 2 seconds: on a terminal it redraws the live view's screen in place
 * (phase, steps, a bar per route and cluster, the lease; the gates are the driver's own), else it
 * prints the status again (plain text, or one JSON document per read with --output json).
 */
export async function run(args: StatusArgs, ctx: CommandContext): Promise<number> {
  const loaded = await loadRolloutFile(args.file);
  const plan = buildPlan(loaded.rollout);
  const clock = clockFromEnv(ctx.env);
  const clients = createAwsClients({ region: plan.region, clock });
  const aws = createAwsPorts(clients, { clock, leaseTtlMs: LEASE_TTL_MS });
  // On a terminal, --watch redraws one screen in place (the live view); elsewhere it prints again.
  const screen =
    args.watch && ctx.out.live ? (await import('../live/screen.ts')).startStatusScreen(ctx, plan, clock) : undefined;
  try {
    for (;;) {
      const status = await readStatus(plan, loaded.hash, aws, clock.now());
      if (screen) screen.show(status);
      else ctx.out.result(status, renderStatus);
      if (!args.watch || ctx.signal.aborted) return ExitCode.ok;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2_000);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
      if (ctx.signal.aborted) return ExitCode.ok;
    }
  } finally {
    screen?.close();
    clients.destroy();
  }
}

async function readStatus(
  plan: Plan,
  specHash: string,
  aws: ReturnType<typeof createAwsPorts>,
  now: number,
): Promise<RolloutStatus> {
  const records = await aws.state.read(plan.routes.map((r) => r.arn));
  const states = plan.routes.map((r) => records.get(r.arn)?.state).filter((s) => s?.rollout === plan.name);
  const latest = states.reduce<(typeof states)[number]>(
    (a, b) => (!a || (b && b.updatedAt > a.updatedAt) ? b : a),
    undefined,
  );
  const record = recordOf(plan.routes, records);
  const first = records.get(plan.routes[0]!.arn);
  const lease = first?.lease;
  const command = readCommand(plan.routes[0]!.arn, first?.tags ?? {});
  const byCluster = (r: Plan['routes'][number], w: Record<string, number>) =>
    Object.fromEntries(Object.entries(r.targetGroups).map(([c, tg]) => [c, w[tg] ?? 0]));
  const routes = [];
  const liveWeights: RouteWeights = {};
  for (const r of plan.routes) {
    const weights = (await aws.forward.readForward(r)).weights;
    liveWeights[r.name] = weights;
    const live = byCluster(r, weights);
    const state = records.get(r.arn)?.state;
    const recorded = state?.rollout === plan.name ? byCluster(r, state.weights) : null;
    const drift =
      recorded !== null && Object.keys(recorded).length > 0 && JSON.stringify(live) !== JSON.stringify(recorded);
    routes.push({ name: r.name, live, recorded, drift });
  }
  const driven = lease !== undefined && lease.expiresAt > now;
  const summary = startSummary(plan, specHash, record, liveWeights);
  return {
    rollout: plan.name,
    phase: latest?.phase ?? 'not started',
    step: latest ? Math.max(0, latest.step + 1) : 0,
    steps: plan.steps.length,
    updatedAt: latest ? new Date(latest.updatedAt).toISOString() : null,
    reason: latest?.reason ?? null,
    lease: lease
      ? { holder: lease.holder, expiresAt: new Date(lease.expiresAt).toISOString(), live: lease.expiresAt > now }
      : null,
    command: command ? { command: command.command, by: command.by, at: new Date(command.at).toISOString() } : null,
    routes,
    otherRollout:
      record && record.rollout !== plan.name
        ? {
            rollout: record.rollout,
            phase: record.phase,
            step: Math.max(0, record.step + 1),
            ended: ENDED_PHASES.has(record.phase),
          }
        : null,
    specChanged: latest && latest.specHash !== specHash ? { recorded: latest.specHash, file: specHash } : null,
    // The start decision is made before the lease: its refusal is the one a run would meet.
    run:
      driven && summary.ok
        ? {
            ok: false,
            detail: `it would be refused while ${lease.holder} drives the routes (lease until ${new Date(lease.expiresAt).toISOString()})`,
          }
        : { ok: summary.ok, detail: summary.text },
  };
}

export function renderStatus(s: RolloutStatus): string {
  const shares = (w: Record<string, number>) => {
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    return Object.entries(w)
      .map(([c, v]) => `${c}=${v}${total ? ` (${formatPercent(v / total, 1)})` : ''}`)
      .join(' ');
  };
  const lines = [
    `rollout ${s.rollout}: ${s.phase}${s.step ? `, step ${s.step} of ${s.steps}` : ''}${s.updatedAt ? ` (recorded ${s.updatedAt})` : ''}`,
    `driver: ${s.lease ? `${s.lease.holder}, lease until ${s.lease.expiresAt}${s.lease.live ? '' : ' (lapsed)'}` : 'none'}`,
    ...s.routes.map(
      (r) => `route ${r.name}: ${shares(r.live)}${r.drift ? `  DRIFT: last written ${shares(r.recorded ?? {})}` : ''}`,
    ),
    ...(s.reason ? [`reason: ${s.reason}`] : []),
    ...(s.otherRollout
      ? [
          `the routes carry rollout ${s.otherRollout.rollout}'s record: ${s.otherRollout.phase}, step ${s.otherRollout.step}${s.otherRollout.ended ? ' (ended)' : ' (not ended)'}`,
        ]
      : []),
    ...(s.specChanged
      ? [
          `file: differs from the one ${s.rollout} ${ENDED_PHASES.has(s.phase) ? 'ran' : 'started'} with (recorded spec hash ${s.specChanged.recorded.slice(0, 12)}, this file ${s.specChanged.file.slice(0, 12)})${ENDED_PHASES.has(s.phase) ? '' : '; `cutover run` goes on with it only with --force-spec'}`,
        ]
      : []),
    ...(s.command ? [`command: ${commandText(s)}`] : []),
    `run: ${s.run.detail}`,
  ];
  return `${lines.join('\n')}\n`;
}
