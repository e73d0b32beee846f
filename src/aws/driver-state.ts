import type { OperatorCommand, RecordedPhase, RolloutRecord, StatePort } from '../engine/ports.ts';
import { CutoverError } from '../errors.ts';
import type { PlanRoute } from '../plan/plan-types.ts';
import type { Clock } from '../util/clock.ts';
import type { LeaseKeeper } from './lease.ts';
import type { ResourceTags } from './ports.ts';
import type { Lease, RouteState } from './state-codec.ts';
import type { RouteStateStore } from './state-store.ts';
import { decodeRecord, encodeRecord } from './tag-record.ts';

/**
 * The driver's record, lease and operator commands on the routes' own tags (ARCHITECTURE §2):
 * every route's listener or rule carries its part of the state (its last written weights, and
 * while shifting the weights being written), so `cutover status`, `resume` and `abort` work from
 * any machine. The lease is taken on every route, all or none. Operator commands are one tag on
 * the first route (`cutover.dev/command`), taken (read and removed) by the driving process.
 */
export const COMMAND_TAG = 'cutover.dev/command';
const COMMANDS: readonly OperatorCommand[] = ['pause', 'resume', 'promote', 'promoteFull', 'abort'];

export class TagStatePort implements StatePort {
  private leases: Lease[] | undefined;

  constructor(
    private readonly routes: readonly PlanRoute[],
    private readonly store: RouteStateStore,
    private readonly lease: LeaseKeeper,
    private readonly tags: ResourceTags,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<RolloutRecord | undefined> {
    return recordOf(this.routes, await this.store.read(this.routes.map((r) => r.arn)));
  }

  async save(record: RolloutRecord): Promise<void> {
    const now = this.clock.now();
    const generation = this.leases?.[0]?.generation ?? 0;
    for (const r of this.routes) {
      const state: RouteState = {
        rollout: record.rollout,
        specHash: record.specHash,
        route: r.name,
        step: record.step,
        phase: record.phase,
        updatedAt: now,
        leaseGeneration: generation,
        weights: record.weights[r.name] ?? {},
        ...(record.target?.[r.name] ? { target: record.target[r.name] } : {}),
        ...(record.verifiedAt !== undefined ? { verifiedAt: record.verifiedAt } : {}),
        ...(record.reason ? { reason: record.reason } : {}),
      };
      await this.store.writeState(r.arn, state);
    }
  }

  /**
   * Takes the lease on every route, or renews it once held. Calls are serialised: a renewal due
   * while the first acquisition is still settling must renew that lease, not take a second one
   * (which would make the first acquisition read back a generation that is not its own).
   */
  acquireLease(holder: string): Promise<{ holder: string; expiresAt: number }> {
    const next = this.leaseChain.then(() => this.acquireOrRenew(holder));
    this.leaseChain = next.catch(() => undefined);
    return next;
  }

  private leaseChain: Promise<unknown> = Promise.resolve();

  private async acquireOrRenew(holder: string): Promise<{ holder: string; expiresAt: number }> {
    const arns = this.routes.map((r) => r.arn);
    if (!this.leases) {
      this.leases = await this.lease.acquireAll(arns, holder);
    } else {
      const renewed: Lease[] = [];
      for (const [i, arn] of arns.entries()) renewed.push(await this.lease.renew(arn, this.leases[i]!));
      this.leases = renewed;
    }
    return { holder, expiresAt: Math.min(...this.leases.map((l) => l.expiresAt)) };
  }

  releaseLease(): Promise<void> {
    const next = this.leaseChain.then(async () => {
      if (!this.leases) return;
      for (const [i, r] of this.routes.entries()) await this.lease.release(r.arn, this.leases[i]!).catch(() => false);
      this.leases = undefined;
    });
    this.leaseChain = next.catch(() => undefined);
    return next;
  }

  async takeCommands(): Promise<OperatorCommand[]> {
    const arn = this.routes[0]!.arn;
    const tags = (await this.tags.readTags([arn])).get(arn) ?? {};
    const command = readCommand(arn, tags);
    if (!command) return [];
    // Removed before it is acted on: a command is taken once, even if this driver then dies.
    await this.tags.writeTags(
      arn,
      {},
      Object.keys(tags).filter((k) => k === COMMAND_TAG || k.startsWith(`${COMMAND_TAG}.`)),
    );
    return [command.command];
  }
}

/** The command tag's value: `v1 cmd=abort at=<ms> by=<who>`. */
export function commandTags(command: OperatorCommand, at: number, by: string): Record<string, string> {
  return encodeRecord(COMMAND_TAG, [
    ['cmd', command],
    ['at', String(at)],
    ['by', by],
  ]);
}

export function readCommand(
  arn: string,
  tags: Record<string, string>,
): { command: OperatorCommand; at: number; by: string } | undefined {
  const fields = decodeRecord(arn, COMMAND_TAG, tags);
  if (!fields) return undefined;
  const command = fields.get('cmd') as OperatorCommand | undefined;
  if (!command || !COMMANDS.includes(command)) {
    throw new CutoverError('E_COMMAND_TAG_INVALID', `the ${COMMAND_TAG} tag of ${arn} holds no known command`, {
      value: fields.get('cmd'),
      hint: `commands: ${COMMANDS.join(', ')}; remove the tag to clear it`,
    });
  }
  return { command, at: Number(fields.get('at') ?? 0), by: fields.get('by') ?? '' };
}

/**
 * The record the routes' state tags make up (whichever rollout wrote it). Every save writes every
 * route; a driver stopped half-way leaves some routes one save behind. The latest save says where
 * the rollout is; each route keeps its own weights.
 */
export function recordOf(
  routes: readonly PlanRoute[],
  records: ReadonlyMap<string, { state?: RouteState | undefined }>,
): RolloutRecord | undefined {
  const states = routes.flatMap((r) => {
    const s = records.get(r.arn)?.state;
    return s ? [[r, s] as const] : [];
  });
  if (states.length === 0) return undefined;
  const latest = states.reduce((a, b) => (b[1].updatedAt > a[1].updatedAt ? b : a))[1];
  const record: RolloutRecord = {
    rollout: latest.rollout,
    specHash: latest.specHash,
    step: latest.step,
    phase: toRecorded(latest.phase),
    weights: Object.fromEntries(states.map(([r, s]) => [r.name, s.weights])),
  };
  const targets = states.filter(([, s]) => s.target);
  if (targets.length) record.target = Object.fromEntries(targets.map(([r, s]) => [r.name, s.target!]));
  if (latest.verifiedAt !== undefined) record.verifiedAt = latest.verifiedAt;
  if (latest.reason !== undefined) record.reason = latest.reason;
  return record;
}

function toRecorded(phase: RouteState['phase']): RecordedPhase {
  // The codec knows the engine's phases and two more its own tools may write.
  if (phase === 'preflight') return 'starting';
  if (phase === 'verifying') return 'baking';
  return phase;
}
