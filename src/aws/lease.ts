import { CutoverError } from '../errors.ts';
import type { Clock } from '../util/clock.ts';
import { LEASE_TAG, type Lease } from './state-codec.ts';
import type { RouteStateStore } from './state-store.ts';

/**
 * A lease on a route, kept in its `cutover.dev/lease` tag, so two drivers never drive the same
 * listener or rule.
 *
 * ELBv2 tags have no conditional write (no version check, no compare-and-set), so acquisition is
 * read → write → wait `settleMs` → read back:
 * - a live lease of another holder is refused, naming the holder and its expiry;
 * - otherwise the lease is written with generation + 1, and after `settleMs` read back: we hold
 *   it only if the tag still names us and our generation (the last writer wins the tag).
 * The race left: two drivers read the same expired lease, and the second one's write lands more
 * than `settleMs` after the first one's read-back. Both then believe they won. The window is the
 * gap between one driver's read and its write (one AddTags round trip, well under a second),
 * which `settleMs` (default 2 s) exceeds; and the generation is a fencing token: the state each
 * driver writes carries its generation, and every renewal re-reads the tag and stops a driver
 * whose generation is no longer there (E_LEASE_LOST) before its next weight write.
 */
export interface LeaseOptions {
  clock: Clock;
  /** How long a lease lasts unless renewed (renew at a third of it). */
  ttlMs: number;
  /** Wait between writing and reading back. */
  settleMs?: number;
}

export const DEFAULT_SETTLE_MS = 2_000;

export class LeaseKeeper {
  constructor(
    private readonly store: RouteStateStore,
    private readonly o: LeaseOptions,
  ) {}

  /** Takes the route's lease for `holder`; `takeOver` ignores a live lease of another holder. */
  async acquire(arn: string, holder: string, opts: { takeOver?: boolean } = {}): Promise<Lease> {
    const rec = await this.store.readOne(arn);
    const now = this.o.clock.now();
    const current = rec.lease;
    if (current && current.expiresAt > now && current.holder !== holder && !opts.takeOver) {
      throw new CutoverError(
        'E_LEASE_HELD',
        `${arn} is being driven by ${current.holder} (lease until ${iso(current.expiresAt)}, ${Math.ceil((current.expiresAt - now) / 1000)} s from now)`,
        {
          value: current.holder,
          hint: 'wait for that run to finish, stop it, or use `cutover pause`/`abort`; if it crashed, its lease lapses at the time shown',
        },
      );
    }
    const lease: Lease = {
      holder,
      generation: (current?.generation ?? 0) + 1,
      expiresAt: now + this.o.ttlMs,
      acquiredAt: now,
    };
    await this.store.writeLease(arn, lease, rec.tags);
    return this.confirm(arn, lease);
  }

  /** Extends our lease; E_LEASE_LOST when the tag no longer names our holder and generation. */
  async renew(arn: string, lease: Lease): Promise<Lease> {
    const rec = await this.store.readOne(arn);
    this.checkOurs(arn, lease, rec.lease);
    const next = { ...lease, expiresAt: this.o.clock.now() + this.o.ttlMs };
    await this.store.writeLease(arn, next, rec.tags);
    return this.confirm(arn, next);
  }

  /** Removes our lease; false (and nothing changed) when it is not ours any more. */
  async release(arn: string, lease: Lease): Promise<boolean> {
    const rec = await this.store.readOne(arn);
    const live = rec.lease;
    if (!live || live.holder !== lease.holder || live.generation !== lease.generation) return false;
    await this.store.remove(arn, LEASE_TAG, rec.tags);
    return true;
  }

  /** Every route's lease, or none: on a refusal the leases already taken are released. */
  async acquireAll(arns: readonly string[], holder: string, opts: { takeOver?: boolean } = {}): Promise<Lease[]> {
    const taken: Array<[string, Lease]> = [];
    try {
      for (const arn of arns) taken.push([arn, await this.acquire(arn, holder, opts)]);
      return taken.map(([, l]) => l);
    } catch (e) {
      for (const [arn, l] of taken) await this.release(arn, l).catch(() => false);
      throw e;
    }
  }

  private async confirm(arn: string, lease: Lease): Promise<Lease> {
    const settle = this.o.settleMs ?? DEFAULT_SETTLE_MS;
    if (settle > 0) await this.o.clock.sleep(settle);
    this.checkOurs(arn, lease, (await this.store.readOne(arn)).lease);
    return lease;
  }

  private checkOurs(arn: string, ours: Lease, live: Lease | undefined): void {
    if (live && live.holder === ours.holder && live.generation === ours.generation) return;
    const who = live ? `${live.holder} (generation ${live.generation}, until ${iso(live.expiresAt)})` : 'nobody';
    throw new CutoverError(
      'E_LEASE_LOST',
      `lost the lease on ${arn} (generation ${ours.generation}): it is now held by ${who}`,
      {
        value: live?.holder,
        hint: 'another driver took this route over; this run stops without writing weights — check `cutover status`',
      },
    );
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
