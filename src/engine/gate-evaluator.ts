import type { AlarmReader, MetricsReader, TargetHealthReader } from '../aws/ports.ts';
import type { AlarmPoll } from '../gates/alarm-check.ts';
import { evaluateAlarms } from '../gates/alarm-check.ts';
import { evaluateTick } from '../gates/evaluate.ts';
import type { TargetGroupHealth } from '../gates/healthy-targets.ts';
import { buildMetricQueries } from '../gates/metric-queries.ts';
import { type MetricReadings, parseMetricData } from '../gates/metric-results.ts';
import type { CompareAccumulator } from '../gates/sequential.ts';
import type { Verdict } from '../gates/verdict.ts';
import { floorToPeriod, type MetricWindow, tickWindow } from '../gates/windows.ts';
import type { Plan } from '../plan/plan-types.ts';
import type { GatePort, GateTick } from './ports.ts';

/** How far back a tick reads traffic for the live view's chart (after a long approval wait, say). */
export const TRAFFIC_REACH_MS = 3 * 60 * 60_000;

/**
 * The driver's gates over the AWS read ports: per tick ONE GetMetricData call for every route,
 * cluster and metric (gates/metric-queries.ts), live DescribeTargetHealth of every target group a
 * `healthyTargets` check reads, and the alarms' states and history — then the pure judgement
 * (gates/evaluate.ts). A read that fails becomes an unreadable input, so its checks are
 * inconclusive; it never throws past here.
 */
export class GateEvaluator implements GatePort {
  private readonly alarmNames: string[];
  private readonly alarmChecks: number[];
  private lastAlarmPoll: number;
  /** Start of the first minute not read yet: the next read reaches back to it, for the live view's chart. */
  private trafficFrom: number;

  constructor(
    private readonly plan: Plan,
    private readonly ports: { metrics: MetricsReader; health: TargetHealthReader; alarms: AlarmReader },
    startedAt: number,
  ) {
    const checks = plan.gates.checks;
    this.alarmChecks = checks.flatMap((c, i) => (c.type === 'alarm' ? [i] : []));
    this.alarmNames = [...new Set(checks.flatMap((c) => (c.type === 'alarm' ? c.names : [])))];
    this.lastAlarmPoll = startedAt;
    this.trafficFrom = floorToPeriod(startedAt);
  }

  async tick(input: {
    stepIndex: number;
    now: number;
    compare: Record<string, CompareAccumulator>;
  }): Promise<GateTick> {
    const { gates } = this.plan;
    const step = this.plan.steps[input.stepIndex];
    const applicable = step?.checks ?? [];
    const window = tickWindow(input.now, gates.intervalMs, gates.lagMs);
    const wanted = new Set(applicable.map((i) => gates.checks[i]!.type));
    const [read, targetHealth, alarms] = await Promise.all([
      wanted.has('target5xxRate') || wanted.has('elb5xxRate') || wanted.has('compare5xx')
        ? this.readMetrics(window)
        : Promise.resolve({ metrics: { error: 'not read' } as const }),
      this.readHealth(applicable),
      wanted.has('alarm') ? this.poll(input.now) : Promise.resolve(undefined),
    ]);
    return evaluateTick(gates.checks, applicable, {
      window,
      ...read,
      targetHealth,
      ...(alarms ? { alarms } : {}),
      compare: input.compare,
    });
  }

  async alarms(input: { since: number; now: number }): Promise<Verdict | undefined> {
    if (this.alarmNames.length === 0) return undefined;
    const poll = await this.poll(input.now, input.since);
    const verdicts = this.alarmChecks.map((i) => {
      const c = this.plan.gates.checks[i]!;
      return evaluateAlarms(i, { names: c.type === 'alarm' ? c.names : [] }, poll);
    });
    return verdicts.find((v) => v.outcome === 'fail') ?? verdicts[0];
  }

  /**
   * The tick's one GetMetricData call. It asks from the first minute not read yet (at most
   * TRAFFIC_REACH_MS back) to the window's end — the same queries, so the same cost — and the
   * checks judge only the window's minutes; the rest is traffic for the live view's chart.
   */
  private async readMetrics(
    window: MetricWindow,
  ): Promise<{ metrics: MetricReadings | { error: string }; traffic?: MetricReadings }> {
    try {
      const from = Math.max(Math.min(this.trafficFrom, window.startMs), window.endMs - TRAFFIC_REACH_MS);
      const wide = { startMs: from, endMs: window.endMs };
      const plan = buildMetricQueries(this.plan.routes, wide);
      const queries = plan.request.MetricDataQueries.map((q) => ({
        id: q.Id,
        namespace: q.MetricStat.Metric.Namespace,
        metricName: q.MetricStat.Metric.MetricName,
        dimensions: Object.fromEntries(q.MetricStat.Metric.Dimensions.map((d) => [d.Name, d.Value])),
        stat: q.MetricStat.Stat,
        periodSec: q.MetricStat.Period,
      }));
      const series = await this.ports.metrics.queryMetrics(queries, wide);
      const results = series.map((s) => ({
        Id: s.id,
        Timestamps: s.timestamps,
        Values: s.values,
        StatusCode: s.status,
        Messages: s.messages.map((m) => ({ Value: m })),
      }));
      this.trafficFrom = window.endMs;
      return { metrics: parseMetricData({ ...plan, window }, results), traffic: parseMetricData(plan, results) };
    } catch (e) {
      return { metrics: { error: e instanceof Error ? e.message : String(e) } };
    }
  }

  /** Live target health of each cluster's target groups that a healthyTargets check reads. */
  private async readHealth(applicable: number[]): Promise<Record<string, TargetGroupHealth[]>> {
    const clusters = new Set(
      applicable.flatMap((i) => {
        const c = this.plan.gates.checks[i]!;
        return c.type === 'healthyTargets' ? [c.cluster] : [];
      }),
    );
    const out: Record<string, TargetGroupHealth[]> = {};
    for (const cluster of clusters) {
      out[cluster] = await Promise.all(
        this.plan.routes.flatMap((r) => {
          const arn = r.targetGroups[cluster];
          if (!arn) return [];
          return [
            this.ports.health.describeTargetHealth(arn).then(
              (h): TargetGroupHealth => ({
                arn,
                targets: h.targets.map((t) => ({
                  id: t.id,
                  ...(t.port !== undefined ? { port: t.port } : {}),
                  state: t.state,
                })),
              }),
              (e): TargetGroupHealth => ({ arn, targets: { error: e instanceof Error ? e.message : String(e) } }),
            ),
          ];
        }),
      );
    }
    return out;
  }

  /** One alarm poll: states now, and transitions since the previous poll (or `since`). */
  private async poll(now: number, since = this.lastAlarmPoll): Promise<AlarmPoll> {
    const names = this.alarmNames;
    const [alarms, history] = await Promise.all([
      this.ports.alarms.describeAlarms(names).then(
        (r) => r.alarms.map((a) => ({ name: a.name, state: a.state, ...(a.reason ? { reason: a.reason } : {}) })),
        (e) => ({ error: e instanceof Error ? e.message : String(e) }),
      ),
      this.ports.alarms.alarmTransitions(names, since).then(
        (ts) => ts.map((t) => ({ name: t.name, atMs: t.at, newState: t.to })),
        (e) => ({ error: e instanceof Error ? e.message : String(e) }),
      ),
    ]);
    if (Array.isArray(alarms) && Array.isArray(history)) this.lastAlarmPoll = now;
    return { sinceMs: since, alarms, history };
  }
}
