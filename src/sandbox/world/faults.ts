import { AwsError } from '../aws/errors.ts';
import type { ResourceRef } from '../kube/resources.ts';
import type { KubeFaults as KubeFaultHook } from '../kube/server.ts';
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

type KubeFaultDef = Extract<FaultDef, { kind: 'kubeThrottle' | 'kubeError' }>;

/**
 * The Kubernetes side of scheduled faults, for one cluster's API server (its `faults` hook):
 * matching requests get 429 (the server adds `Retry-After`) or a 5xx instead of an answer. A
 * fault is active over [its start, start + for), its start asked of the world's fault schedule
 * (`startOf`) at each request, so the schedule does not need to know about servers. Discovery, `/version` and
 * health paths never fail: clients could not even learn what to retry.
 */
export class KubeFaults implements KubeFaultHook {
  private readonly faults: KubeFaultDef[];

  constructor(
    faults: readonly FaultDef[],
    cluster: string,
    private readonly startOf: (f: FaultDef) => number | undefined,
    private readonly now: () => number,
    private readonly rng: Random,
  ) {
    this.faults = faults.filter(
      (f): f is KubeFaultDef => (f.kind === 'kubeThrottle' || f.kind === 'kubeError') && f.cluster === cluster,
    );
  }

  before(verb: string, ref: ResourceRef | undefined): { status: number } | undefined {
    if (!ref || this.faults.length === 0) return undefined;
    const t = this.now();
    for (const f of this.faults) {
      const from = this.startOf(f);
      if (from === undefined || t < from || t >= from + f.forMs) continue;
      if (f.verbs.length > 0 && !f.verbs.includes(verb)) continue;
      if (
        f.resources.length > 0 &&
        !f.resources.some((r) => r === ref.resource || r === `${ref.resource}.${ref.group}`)
      )
        continue;
      // Drawn only for matching requests, so unrelated traffic does not shift which calls fail.
      if (f.probability < 1 && this.rng.next() >= f.probability) continue;
      return { status: f.kind === 'kubeThrottle' ? 429 : (f.status ?? 500) };
    }
    return undefined;
  }
}
