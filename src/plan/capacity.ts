/**
 * Capacity math for the preflight before each increase: can the receiving side's healthy targets
 * carry the share it is about to get?
 *
 * The only evidence of what a target can carry is the source: `sourceHealthy` targets were
 * carrying `sourceShare` percent of the traffic (100 when counted before the first shift, which is
 * the baseline the driver should record). One source target therefore carries
 * sourceShare / sourceHealthy percent, and carrying `share` percent at the same load per target
 * takes share × sourceHealthy / sourceShare targets. With a safety factor `headroom`:
 *
 *     required = max(minHealthyTargets, ⌈headroom × share × sourceHealthy / sourceShare⌉)   (share > 0)
 *     required = 0                                                                           (share = 0)
 *
 * Examples (headroom 1.2, source 10 healthy at 100%): 5% → ⌈0.6⌉ = 1 → 2 with minHealthyTargets 2;
 * 50% → 6; 100% → 12.
 *
 * Passing a live source count taken while the source carries only part of the traffic
 * (sourceShare < 100) assumes the source scaled down with its load (e.g. an HPA); that estimate
 * grows fast as sourceShare falls, so it is meant for sources that autoscale. A source that kept
 * its full size should be measured once, at 100%.
 */
export interface CapacityInput {
  /** Percent of all traffic the receiving side is about to carry (0–100). */
  share: number;
  /** Safety factor, ≥ 1 in practice (1.2 = 20% spare). */
  headroom: number;
  /** Healthy targets the receiving side must have before any non-zero share. */
  minHealthyTargets: number;
  /** Healthy targets of the source when it carried `sourceShare` percent. */
  sourceHealthy: number;
  /** Percent of traffic the source carried when counted; defaults to 100. */
  sourceShare?: number;
}

/** Healthy targets the receiving side needs for `share` (see the formula above). */
export function requiredHealthyTargets(input: CapacityInput): number {
  const { share, headroom, minHealthyTargets, sourceHealthy } = input;
  const sourceShare = input.sourceShare ?? 100;
  if (![share, headroom, minHealthyTargets, sourceHealthy, sourceShare].every(Number.isFinite)) {
    throw new RangeError('capacity inputs must be finite numbers');
  }
  if (share <= 0) return 0;
  if (!(sourceShare > 0)) throw new RangeError('the source must have carried some traffic when counted');
  // Round away float noise before the ceiling: 1.2 × 50 × 10 / 100 is 6.000000000000001, not 7 targets.
  const raw = Math.round(((headroom * share * sourceHealthy) / sourceShare) * 1e9) / 1e9;
  return Math.max(minHealthyTargets, Math.ceil(raw));
}

export interface CapacityVerdict {
  ok: boolean;
  required: number;
  healthy: number;
  /** Targets still missing (0 when ok). */
  shortBy: number;
}

/** Whether `receivingHealthy` targets are enough for the share in `input`. */
export function checkCapacity(input: CapacityInput & { receivingHealthy: number }): CapacityVerdict {
  const required = requiredHealthyTargets(input);
  const shortBy = Math.max(0, required - input.receivingHealthy);
  return { ok: shortBy === 0, required, healthy: input.receivingHealthy, shortBy };
}
