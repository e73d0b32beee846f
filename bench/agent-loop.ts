import type { V1EndpointSlice } from '@kubernetes/client-node';
import pino from 'pino';
import { AgentController } from '../src/agent/controller.ts';
import { AgentMetrics } from '../src/agent/metrics.ts';
import type { TargetGroupPort } from '../src/agent/ports.ts';
import { classifyElbError, elbTargetGroup } from '../src/aws/agent-targets.ts';
import { AgentCluster, CUTOVER_BINDINGS } from '../src/kube/agent-cluster.ts';
import { ALLOW, applyBindings, CLUSTER, scaleApps, sleep, startAgentBench, until } from './agent-world.ts';
import { summarize } from './stats.ts';

export interface ConvergeFigures {
  label: string;
  changes: number;
  wallMs: number;
  calls: Record<string, number>;
  minimum: number;
}

export interface LoopFigures {
  converges: ConvergeFigures[];
  /** Own timing, ms: world pod start (containers ready) → RegisterTargets answered. */
  latencyMs: ReturnType<typeof summarize>;
  /** Of which: world pod start → the agent's EndpointSlice informer sees the endpoint ready. */
  seenMs: ReturnType<typeof summarize>;
  /** The agent's histogram cutover_agent_pod_ready_to_registered_seconds: the bucket holding p50 / p99. */
  histogram: { count: number; p50: string; p99: string };
}

const BATCH = 200;

export async function benchAgentLoop(bindings: number, pods: number, scaleBy: number): Promise<LoopFigures> {
  const bench = await startAgentBench(bindings, pods);
  const { sandbox, elb, kc } = bench;
  const clock = sandbox.clock;
  const registeredAt = new Map<string, number>();
  // When the agent's informer first saw each endpoint ready (splits the latency into the
  // sandbox's part — kubelet, EndpointSlice, watch — and the agent's).
  const seenReadyAt = new Map<string, number>();
  const noteReadyEndpoints = (slice: V1EndpointSlice) => {
    for (const e of slice.endpoints ?? []) {
      const ip = e.addresses[0];
      if (ip && e.conditions?.ready && !seenReadyAt.has(ip)) seenReadyAt.set(ip, clock.now());
    }
  };
  const base = elbTargetGroup(elb);
  const timed: TargetGroupPort = {
    ...base,
    register: async (arn, targets) => {
      await base.register(arn, targets);
      const now = clock.now();
      for (const t of targets) registeredAt.set(t.id, now);
    },
  };
  const metrics = new AgentMetrics();
  let controller: AgentController | undefined;
  const cluster = new AgentCluster({
    kc,
    api: CUTOVER_BINDINGS,
    clock,
    onChange: (kind, ns, obj) => {
      if (kind === 'slice') noteReadyEndpoints(obj as V1EndpointSlice);
      controller?.changed(kind, ns, obj.metadata?.name ?? '');
    },
  });
  controller = new AgentController(cluster.view(), metrics.instrument(timed), {
    cluster: CLUSTER,
    guard: { cluster: CLUSTER, allow: [ALLOW] },
    namespaces: [],
    clock,
    log: pino({ level: 'silent' }),
    random: Math.random,
    resyncMs: 30 * 60_000,
    classify: classifyElbError,
    metrics,
  });
  const calls = async () =>
    Object.fromEntries((await metrics.awsCalls.get()).values.map((v) => [String(v.labels.operation), v.value]));
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));
  const minimum = (changesPerGroup: number) => bindings * (1 + Math.ceil(changesPerGroup / BATCH));
  try {
    await cluster.start();
    controller.start();
    const converges: ConvergeFigures[] = [];

    // 1. Empty target groups, every pod ready: apply the bindings.
    let before = await calls();
    let t0 = performance.now();
    await applyBindings(kc, sandbox, bindings);
    await until(`${bindings * pods} targets registered`, () => registeredAt.size >= bindings * pods, 60_000);
    converges.push({
      label: `apply ${bindings} bindings (${bindings} × ${pods} ready pods, empty groups)`,
      changes: bindings * pods,
      wallMs: performance.now() - t0,
      calls: minus(await calls(), before),
      minimum: minimum(pods),
    });

    // 2. Scale every Deployment by +scaleBy: new pods start, turn ready, get registered.
    await sleep(1_000); // let the first pass's follow-ups settle before counting again
    metrics.readyToRegistered.reset();
    const known = new Set(registeredAt.keys());
    before = await calls();
    t0 = performance.now();
    await scaleApps(kc, bindings, scaleBy);
    const total = bindings * (pods + scaleBy);
    await until(`${total} targets registered`, () => registeredAt.size >= total, 60_000);
    converges.push({
      label: `scale each Deployment +${scaleBy} (${bindings * scaleBy} new pods)`,
      changes: bindings * scaleBy,
      wallMs: performance.now() - t0,
      calls: minus(await calls(), before),
      minimum: minimum(scaleBy),
    });

    const world = sandbox.world.clusters.find((c) => c.name === CLUSTER)!;
    const latencies: number[] = [];
    const seen: number[] = [];
    for (const [ip, at] of registeredAt) {
      if (known.has(ip)) continue;
      const startedAt = world.podsByIp.get(ip)?.startedAt;
      if (startedAt !== undefined) latencies.push(at - startedAt);
      const seenAt = seenReadyAt.get(ip);
      if (startedAt !== undefined && seenAt !== undefined) seen.push(seenAt - startedAt);
    }
    return {
      converges,
      latencyMs: summarize(latencies),
      seenMs: summarize(seen),
      histogram: await histogramQuantiles(metrics),
    };
  } finally {
    await controller.stop();
    await cluster.stop();
    await bench.close();
  }
}

/** p50 and p99 of a Prometheus histogram, as the upper bound of the bucket that holds them. */
async function histogramQuantiles(metrics: AgentMetrics): Promise<LoopFigures['histogram']> {
  const values = (await metrics.readyToRegistered.get()).values;
  const buckets = values
    .filter((v) => v.metricName?.endsWith('_bucket'))
    .map((v) => ({ le: Number(v.labels.le), n: v.value }))
    .sort((a, b) => a.le - b.le);
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const at = (q: number) => {
    const b = buckets.find((x) => x.n >= q * count);
    return b ? (Number.isFinite(b.le) ? `≤ ${b.le} s` : '> largest bucket') : 'n/a';
  };
  return { count, p50: at(0.5), p99: at(0.99) };
}
