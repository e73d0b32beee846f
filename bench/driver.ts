/**
 * `npm run bench -- driver`: the real driver against the real sandbox (bench/driver-run.ts), on
 * seeded runs of rollouts/sandbox-web.yaml's steps, bakes and gate timing with its 5xx checks
 * replaced by one gate at a time, measured in the same run on the same seeds:
 * - cutover's compare5xx (green's 5xx rate at most blue's + δ), and
 * - the baseline: a fixed threshold on green's 5xx rate (the world's baseline rate + the same δ),
 *   what a hand-written CloudWatch gate does.
 * 1. Detection: green's 5xx rate turns 10× or 3× the world's baseline once green carries 5% (or
 *    25%); time from the fault's onset to the rollback's write read back, beside the physical
 *    floor (one metric period plus the publication lag: no gate can see a minute sooner).
 * 2. False rollbacks: whole rollouts with nothing wrong with green, one seed each: in
 *    scenarios/noisy.yaml (both clusters' 5xx rates drift in 0.1–0.3%, independently), and in the
 *    default world with both clusters' 5xx rate rising alike mid-rollout (a shared dependency:
 *    what compare5xx, comparing green with blue, is for and a fixed threshold cannot tell apart).
 * Counts: DRIVER_BENCH_SEEDS (runs per detection case and per gate in the shared rise, default
 * 20), DRIVER_BENCH_ROLLOUTS (noisy rollouts per gate, default 200), DRIVER_BENCH_RPS (the worlds' traffic, default 2,000).
 * Runs go one at a time: each is CPU-bound in this process (the SDK and the emulator), so running
 * several at once did not shorten the section.
 */
import { readFileSync } from 'node:fs';
import type { DriverOptions } from '../src/engine/services.ts';
import { minFirstVerdictDelayMs } from '../src/gates/windows.ts';
import { parseScenario } from '../src/sandbox/scenario/load.ts';
import type { Scenario } from '../src/sandbox/scenario/types.ts';
import { isMain } from '../src/util/is-main.ts';
import { type BenchRollout, benchRollout, type DriverRun, runRollout } from './driver-run.ts';
import { minutes, rateText, summarizeDetection } from './driver-summary.ts';
import { percentile, table } from './stats.ts';

const SEEDS = Number(process.env.DRIVER_BENCH_SEEDS ?? 20);
const ROLLOUTS = Number(process.env.DRIVER_BENCH_ROLLOUTS ?? 200);
/**
 * Requests a second on the edge ALB: 10× the default world's 200. At 200, green at 5% answers 10 a
 * second, too few for compare5xx to show 0.1% within 0.1 points of blue's before the step's
 * inconclusive limit: it fails closed on healthy rollouts (DRIVER_BENCH_RPS=200 shows it).
 */
const RPS = Number(process.env.DRIVER_BENCH_RPS ?? 2000);
/** The tolerance both gates are given: green may be this much (fraction) above the baseline. */
const DELTA = 0.001;
/**
 * `cutover run`'s options, except operator commands (and alarms, which these rollouts do not
 * check) are polled each minute instead of every 5 s: nobody sends a command here, and a test
 * (test/bench/driver-run.test.ts) checks a run ends the same with either. A third of the time.
 */
const OPTIONS: Partial<DriverOptions> = { pollMs: 60_000 };

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const pct = (x: number) => `${+(100 * x).toFixed(4)}%`;

/** sandbox-web.yaml with its `checks:` list replaced (steps, bakes, interval, lag and limits kept). */
export function withChecks(base: string, checks: string[]): string {
  const m = /\n( +)checks:\n((?:\1 +- .*\n)+)/.exec(base);
  if (!m) throw new Error('rollouts/sandbox-web.yaml: no `checks:` list of `- {…}` lines under gates');
  const indent = `${m[1]}  `;
  return base.replace(m[2] as string, checks.map((c) => `${indent}- ${c}\n`).join(''));
}

/** A scenario with the edge ALB's traffic set to `rps`. */
export function withTraffic(scenario: string, rps: number): string {
  const re = /(\n\s*- \{loadBalancer: edge, port: 80, rps: )\d+\}/;
  if (!re.test(scenario)) throw new Error('scenario: no `- {loadBalancer: edge, port: 80, rps: N}` traffic line');
  return scenario.replace(re, `$1${rps}}`);
}

interface Gate {
  name: string;
  rollout: BenchRollout;
}

/** compare5xx and the fixed-threshold baseline, each with healthyTargets as sandbox-web has it. */
function gates(base: string, baselineRate: number): Gate[] {
  const healthy = '{type: healthyTargets, cluster: green, minRatio: 80%}';
  const compare = `{type: compare5xx, baseline: blue, candidate: green, maxIncrease: ${pct(DELTA)}, minRequests: 50}`;
  const fixed = `{type: target5xxRate, cluster: green, max: ${pct(baselineRate + DELTA)}, minRequests: 50}`;
  return [
    { name: 'compare5xx', rollout: benchRollout(withChecks(base, [healthy, compare]), 'bench compare5xx') },
    {
      name: `fixed ≤ ${pct(baselineRate + DELTA)}`,
      rollout: benchRollout(withChecks(base, [healthy, fixed]), 'bench fixed threshold'),
    },
  ];
}

/** Green's configured 5xx rate in a scenario (the mean its noise drifts around). */
function greenRate(s: Scenario): number {
  const w = s.clusters.find((c) => c.name === 'green')?.workloads[0];
  if (!w) throw new Error('scenario has no green workload');
  return w.errorRate;
}

/** Runs a rollout on seeds 1…n, one at a time. */
async function runSeeds(rollout: BenchRollout, scenario: Scenario, n: number): Promise<DriverRun[]> {
  const runs: DriverRun[] = [];
  for (let seed = 1; seed <= n; seed++) runs.push(await runRollout(rollout, scenario, seed, OPTIONS));
  return runs;
}

export async function benchDriver(): Promise<string> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const base = read('rollouts/sandbox-web.yaml');
  const defaultText = withTraffic(read('scenarios/default.yaml'), RPS);
  const baseRate = greenRate(parseScenario(defaultText, 'scenarios/default.yaml'));
  const detectGates = gates(base, baseRate);
  const plan = detectGates[0]!.rollout.plan;
  const floorMs = minFirstVerdictDelayMs(plan.gates.intervalMs, plan.gates.lagMs);
  const out: string[] = [];
  const points = `${+(100 * DELTA).toFixed(4)} points`;

  // 1. Detection.
  const cases: Array<{ label: string; share: string; scenario: Scenario }> = [];
  for (const share of ['5%', '25%']) {
    for (const times of [10, 3]) {
      const fault = `  - {kind: errorRate, cluster: green, errorRate: ${pct(times * baseRate)}, when: {share: {loadBalancer: edge, port: 80, targetGroup: web-green, reaches: ${share}}}}\n`;
      cases.push({
        label: `${times}× (${pct(times * baseRate)})`,
        share,
        scenario: parseScenario(`${defaultText}faults:\n${fault}`, `default + ${times}× at ${share}`),
      });
    }
  }
  const rows: string[][] = [];
  for (const c of cases) {
    for (const g of detectGates) {
      const s = summarizeDetection(await runSeeds(g.rollout, c.scenario, SEEDS));
      rows.push([
        c.label,
        c.share,
        g.name,
        `${s.detected}/${s.runs}`,
        String(s.early),
        String(s.missed),
        minutes(s.p50Ms),
        minutes(s.p90Ms),
        minutes(s.maxMs),
        minutes(floorMs),
      ]);
    }
  }
  out.push(
    `\nsandbox-web.yaml's steps (5/25/50/100%), bakes and gate timing (every ${plan.gates.intervalMs / 60_000}m, lag ${plan.gates.lagMs / 60_000}m, failureLimit ${plan.gates.failureLimit}), healthyTargets kept, its 5xx checks replaced by ONE of:`,
    `  compare5xx: green's 5xx rate ≤ blue's + ${points} (95% confidence, min 50 requests) — cutover`,
    `  fixed:      green's 5xx rate ≤ the world's configured rate + the same ${points}, each minute (target5xxRate, min 50 requests) — the baseline`,
    `the real driver (as \`cutover run\` wires it) → AWS SDK → sandbox over HTTP, on a stepped virtual clock (an API call takes no virtual time), starting at a seeded second of the minute`,
    `\ndetection: scenarios/default.yaml at ${RPS.toLocaleString('en')} rps (${pct(baseRate)} 5xx on blue and green); green's 5xx rate turns k× once it carries the share; ${SEEDS} seeds per row; virtual minutes from the fault's onset to the rollback read back`,
    `floor = one metric period + the publication lag (${minutes(floorMs)} min): no gate reads a minute with the fault sooner; a write mid-minute adds up to 1 min (whole periods only), failureLimit ${plan.gates.failureLimit} adds ${plan.gates.failureLimit} tick(s)`,
    table(
      [
        'green 5xx',
        'from',
        'gate',
        'rolled back',
        'before onset',
        'missed',
        'median min',
        'p90 min',
        'max min',
        'floor min',
      ],
      rows,
    ),
  );

  // 2. False rollbacks: nothing is wrong with green.
  const noisy = parseScenario(withTraffic(read('scenarios/noisy.yaml'), RPS), 'scenarios/noisy.yaml');
  const shared = parseScenario(
    `${defaultText}faults:\n${['blue', 'green'].map((c) => `  - {at: 5m, kind: errorRate, cluster: ${c}, errorRate: ${pct(3 * baseRate)}}\n`).join('')}`,
    'default + shared rise',
  );
  const healthy: Array<{ label: string; scenario: Scenario; gates: Gate[]; n: number }> = [
    { label: 'noisy.yaml', scenario: noisy, gates: gates(base, greenRate(noisy)), n: ROLLOUTS },
    { label: 'shared rise', scenario: shared, gates: detectGates, n: SEEDS },
  ];
  const falseRows: string[][] = [];
  for (const h of healthy) {
    for (const g of h.gates) {
      const runs = await runSeeds(g.rollout, h.scenario, h.n);
      const back = runs.filter((r) => r.outcome === 'rolledBack');
      const done = runs.filter((r) => r.outcome === 'completed');
      const atStep = new Map<string, number>();
      for (const r of back) {
        const w = `${g.rollout.plan.steps[r.step]?.state.toPercent ?? '?'}%`;
        atStep.set(w, (atStep.get(w) ?? 0) + 1);
      }
      falseRows.push([
        h.label,
        g.name,
        rateText(back.length, runs.length),
        [...atStep].map(([w, n]) => `${n} at ${w}`).join(', ') || '–',
        String(done.length),
        minutes(
          percentile(
            done.map((r) => r.durationMs).sort((a, b) => a - b),
            50,
          ),
        ),
        String(runs.length - back.length - done.length),
      ]);
    }
  }
  out.push(
    `\nfalse rollbacks (whole rollouts, nothing wrong with green; seeds 1–n), at ${RPS.toLocaleString('en')} rps:`,
    `  noisy.yaml:  scenarios/noisy.yaml, both clusters' 5xx rates drift in 0.1–0.3% around ${pct(greenRate(noisy))}, independently; the fixed threshold is that mean + ${points}`,
    `  shared rise: scenarios/default.yaml, both clusters' 5xx rates go from ${pct(baseRate)} to ${pct(3 * baseRate)} 5 minutes in (a shared dependency failing)`,
    table(['world', 'gate', 'rolled back', 'where', 'completed', 'median min of a completed', 'failed'], falseRows),
  );
  const cpu = process.cpuUsage(cpu0);
  const runs = cases.length * detectGates.length * SEEDS + healthy.reduce((n, h) => n + h.gates.length * h.n, 0);
  out.push(
    `\n${runs} rollouts in ${((performance.now() - t0) / 1000).toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU (node ${process.version}, one at a time)`,
  );
  return out.join('\n');
}

if (isMain(import.meta.url)) console.log(await benchDriver());
