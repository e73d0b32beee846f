import { AwsError } from '../aws/errors.ts';
import type { FaultDef } from '../scenario/types.ts';
import type { Random } from './prng.ts';

/** An AWS API fault active over [from, until): throttling or a server error for some operations. */
interface ActiveAwsFault {
  from: number;
  until: number;
  service: string;
  operations: string[];
  probability: number;
  error: () => AwsError;
}

/**
 * The AWS side of scheduled faults: which API calls fail now. Asked by the AWS server before each
 * request (`before(service, op)`); whether a call fails is drawn from the world's seeded stream,
 * so a run with the same seed and the same requests fails the same calls.
 */
export class AwsFaults {
  private active: ActiveAwsFault[] = [];

  constructor(
    private readonly rng: Random,
    private readonly now: () => number,
  ) {}

  add(f: Extract<FaultDef, { kind: 'awsThrottle' | 'awsError' }>, from: number): void {
    const error =
      f.kind === 'awsThrottle'
        ? () => new AwsError('Throttling', 'Rate exceeded', 400)
        : () =>
            new AwsError(
              f.code ?? 'InternalFailure',
              'We encountered an internal error. Please try again. (sandbox fault)',
              f.status ?? 500,
            );
    this.active.push({
      from,
      until: from + f.forMs,
      service: f.service,
      operations: f.operations,
      probability: f.probability,
      error,
    });
  }

  before(service: string, op: string): AwsError | undefined {
    const t = this.now();
    this.active = this.active.filter((f) => f.until > t);
    for (const f of this.active) {
      if (f.from > t) continue;
      if (f.service !== '*' && f.service !== service) continue;
      if (f.operations.length && !f.operations.includes(op)) continue;
      if (f.probability >= 1 || this.rng.next() < f.probability) return f.error();
    }
    return undefined;
  }
}
