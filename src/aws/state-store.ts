import { CutoverError, ExitCode } from '../errors.ts';
import { checkTagRoom } from './elb-tags.ts';
import type { ResourceTags, Tags } from './ports.ts';
import {
  decodeLease,
  decodeRouteState,
  encodeLease,
  encodeRouteState,
  LEASE_TAG,
  type Lease,
  type RouteState,
  STATE_TAG,
} from './state-codec.ts';
import { staleParts } from './tag-record.ts';

/** What the tags of one route's listener or rule say. */
export interface RouteRecord {
  arn: string;
  state: RouteState | undefined;
  lease: Lease | undefined;
  /** All tags as read (for a following write's room check). */
  tags: Tags;
}

/**
 * Reads and writes the state and lease records of routes through a ResourceTags port. Writes put
 * the new parts first and then remove leftover parts of a longer previous record, so a reader in
 * between sees either record whole (the header's part count tells which parts belong to it); then
 * the tags are read back and compared (E_STATE_NOT_APPLIED).
 */
export class RouteStateStore {
  constructor(private readonly tags: ResourceTags) {}

  /** Every route's record in as few DescribeTags calls as the 20-ARN batches allow. */
  async read(arns: readonly string[]): Promise<Map<string, RouteRecord>> {
    const all = await this.tags.readTags(arns);
    return new Map(
      arns.map((arn) => {
        const tags = all.get(arn) ?? {};
        return [arn, { arn, tags, state: decodeRouteState(arn, tags), lease: decodeLease(arn, tags) }];
      }),
    );
  }

  async readOne(arn: string): Promise<RouteRecord> {
    return (await this.read([arn])).get(arn)!;
  }

  async writeState(arn: string, state: RouteState, existing?: Tags): Promise<void> {
    const next = encodeRouteState(arn, state);
    await this.writeRecord(arn, STATE_TAG, next, existing);
    await this.verify(arn, STATE_TAG, next);
  }

  /** Writes a lease without reading it back: LeaseKeeper reads back itself, after a settle time. */
  async writeLease(arn: string, lease: Lease, existing?: Tags): Promise<void> {
    await this.writeRecord(arn, LEASE_TAG, encodeLease(lease), existing);
  }

  /** Removes a record (state or lease) whole. */
  async remove(arn: string, base: typeof STATE_TAG | typeof LEASE_TAG, existing?: Tags): Promise<void> {
    const tags = existing ?? (await this.rawTags(arn));
    const keys = staleParts(base, tags, {});
    if (keys.length) await this.tags.writeTags(arn, {}, keys);
  }

  private async writeRecord(arn: string, base: string, next: Tags, existing?: Tags): Promise<void> {
    // Raw tags, not decoded ones: a garbled record must still be overwritable.
    const tags = existing ?? (await this.rawTags(arn));
    const stale = staleParts(base, tags, next);
    checkTagRoom(arn, tags, next, stale);
    await this.tags.writeTags(arn, next, stale);
  }

  /** Reads back, as after every write: a record the driver cannot see is no record. */
  private async verify(arn: string, base: string, next: Tags): Promise<void> {
    const back = await this.rawTags(arn);
    const wrong = Object.keys(next).filter((k) => back[k] !== next[k]);
    if (wrong.length) {
      throw new CutoverError(
        'E_STATE_NOT_APPLIED',
        `the ${base} tags read back from ${arn} differ from those written`,
        {
          value: Object.fromEntries(wrong.map((k) => [k, back[k]])),
          hint: 'another process may be writing the same tags; check `cutover status`',
          exitCode: ExitCode.internal,
        },
      );
    }
  }

  private async rawTags(arn: string): Promise<Tags> {
    return (await this.tags.readTags([arn])).get(arn) ?? {};
  }
}
