/**
 * What a pod does under load (a model, not AWS behaviour [U]): each pod of a workload with a
 * `capacity` serves that many requests per second. With utilisation ρ = offered rate / capacity:
 * - latency grows like a multi-server queue's: mean × 1 / (1 − min(ρ, 0.95)⁴) — ×1.07 at 50 %,
 *   ×1.7 at 80 %, ×2.9 at 90 %, ×5.4 from 95 % on (the queue is full: it cannot grow further);
 * - above capacity the overflow share 1 − 1/ρ is shed with a 503 by the pod itself (so it counts
 *   in HTTPCode_Target_5XX_Count), and the rest is answered with the pod's own error rate.
 */
export const MAX_UTILISATION = 0.95;

export interface LoadEffect {
  /** Share of requests answered with a 5xx (overflow plus the pod's own errors). */
  errorRate: number;
  /** Mean response time under this load. */
  latencyMs: number;
}

export function underLoad(
  errorRate: number,
  latencyMs: number,
  perPodRps: number,
  capacityRps: number | undefined,
): LoadEffect {
  if (capacityRps === undefined || !(perPodRps > 0)) return { errorRate, latencyMs };
  const rho = perPodRps / capacityRps;
  const overflow = rho > 1 ? 1 - 1 / rho : 0;
  const q = Math.min(rho, MAX_UTILISATION) ** 4;
  return { errorRate: overflow + (1 - overflow) * errorRate, latencyMs: latencyMs / (1 - q) };
}
