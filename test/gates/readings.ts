import type { MetricQueryPlan } from '../../src/gates/metric-queries.ts';
import { buildMetricQueries } from '../../src/gates/metric-queries.ts';
import type { MetricDataResultLike, MetricReadings } from '../../src/gates/metric-results.ts';
import { parseMetricData } from '../../src/gates/metric-results.ts';
import { MIN, T0, WEB } from './fixtures.ts';

/**
 * GIVEN-helper: the GetMetricData answer CloudWatch would give for per-minute values, as the SDK
 * shapes it. `values[id]` lists the value of each minute of the window (undefined = no datapoint,
 * as ALB publishes nothing for a zero count).
 */
export function answer(
  plan: MetricQueryPlan,
  values: Record<string, Array<number | undefined>>,
): MetricDataResultLike[] {
  return plan.keys.map((k) => {
    const row = values[k.id] ?? [];
    const ts: Date[] = [];
    const vs: number[] = [];
    row.forEach((v, i) => {
      if (v !== undefined) {
        ts.push(new Date(plan.window.startMs + i * MIN));
        vs.push(v);
      }
    });
    return { Id: k.id, Label: k.metric, Timestamps: ts, Values: vs, StatusCode: 'Complete', Messages: [] };
  });
}

/** Readings of the web route (blue = tg0, green = tg1, load balancer = lb0) over `minutes` minutes from T0. */
export function webReadings(values: Record<string, Array<number | undefined>>, minutes = 1): MetricReadings {
  const plan = buildMetricQueries([WEB], { startMs: T0, endMs: T0 + minutes * MIN });
  return parseMetricData(plan, answer(plan, values));
}
