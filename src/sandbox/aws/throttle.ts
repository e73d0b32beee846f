import type { Clock } from '../../util/clock.ts';

/**
 * Token buckets per (service, operation class), as AWS throttles an account per Region. The
 * documented ELBv2 example is a Describe* bucket of 40 refilled at 10/s (userguide
 * `elb-api-throttling.html`); the other classes' sizes are not published — the values below come
 * from ALBC's client-side defaults scaled to the same shape [U].
 */
export interface BucketRule {
  service?: string;
  /** Operations this bucket covers. */
  match: RegExp;
  capacity: number;
  refillPerSecond: number;
}

export const DEFAULT_BUCKETS: readonly BucketRule[] = [
  { match: /^(Describe|Get|List)/, capacity: 40, refillPerSecond: 10 },
  // [U] registration calls: ALBC throttles itself to 4/s burst 20.
  { match: /^(RegisterTargets|DeregisterTargets)$/, capacity: 20, refillPerSecond: 4 },
  // [U] every other (mutating) call: ALBC uses 3/s burst 20 for Modify*.
  { match: /./, capacity: 20, refillPerSecond: 3 },
];

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: readonly BucketRule[] = DEFAULT_BUCKETS,
  ) {}

  /** Takes one token for the call; false when the caller should be throttled. */
  take(service: string, op: string): boolean {
    const index = this.rules.findIndex((r) => (!r.service || r.service === service) && r.match.test(op));
    if (index < 0) return true;
    const rule = this.rules[index]!;
    const key = `${service}:${index}`;
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: rule.capacity, at: now };
    b.tokens = Math.min(rule.capacity, b.tokens + ((now - b.at) / 1000) * rule.refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
