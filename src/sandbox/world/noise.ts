import type { NoiseBand, WorkloadDef } from '../scenario/types.ts';
import type { Override } from './pod-sim.ts';
import { normal, type Random } from './prng.ts';

/** How often a workload's noise moves (virtual time). */
export const NOISE_PERIOD_MS = 10_000;
/** Correlation of one period's position with the previous one (AR(1)): about 100 s to forget. */
const RHO = 0.9;
/** Stationary spread of the position: a third of the band, so the clamp at ±band is rarely reached. */
const SD = 1 / 3;
const INNOVATION = SD * Math.sqrt(1 - RHO * RHO);

/**
 * A workload's error rate and latency drifting around their means, deterministic per seed: each
 * value is mean + band × x, where x is a mean-reverting random walk (AR(1), ρ = 0.9 per 10 s,
 * stationary standard deviation 1/3) clamped to [−1, 1]; error rates are kept in [0, 1] and
 * latencies at 1 ms or more. Error rate and latency move independently. The current values are
 * an override kept first among the cluster's, so faults still win over them.
 */
export class WorkloadNoise {
  readonly override: Override;
  private x: number;
  private y: number;

  constructor(
    readonly cluster: string,
    private readonly def: WorkloadDef,
    private readonly rng: Random,
  ) {
    this.override = { scope: { cluster, namespace: def.namespace, workload: def.name } };
    // Start anywhere in the stationary distribution, not at the mean.
    this.x = clamp(SD * normal(rng));
    this.y = clamp(SD * normal(rng));
    this.apply();
  }

  /** Moves one period on. */
  step(): void {
    this.x = clamp(RHO * this.x + INNOVATION * normal(this.rng));
    this.y = clamp(RHO * this.y + INNOVATION * normal(this.rng));
    this.apply();
  }

  private apply(): void {
    const n = this.def.noise;
    if (n?.errorRate) this.override.errorRate = Math.min(1, Math.max(0, at(n.errorRate, this.x)));
    if (n?.latencyMs) this.override.latencyMs = Math.max(1, Math.round(at(n.latencyMs, this.y) * 10) / 10);
  }
}

const at = (b: NoiseBand, x: number) => b.mean + b.band * x;
const clamp = (x: number) => Math.min(1, Math.max(-1, x));
