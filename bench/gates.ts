/**
 * `npm run bench -- gates`: the compare5xx test's error rates by simulation, beside two naive gates
 * measured in the same run on the same traffic — a fixed threshold on each minute's difference
 * (what a hand-written CloudWatch gate does) and a fixed-level z-test repeated at every look.
 * Every rollout has 30 looks (one a minute); a rollout stops at its first fail.
 */
import {
  DRIFTING_RATE,
  FIVE_PERCENT,
  fixedThresholdGate,
  type GateFactory,
  ROLLOUT_SHARES,
  repeatedZGate,
  type Scenario,
  SIXTY_AT_FIVE_PERCENT,
  seeded,
  sequentialGate,
  simulate,
} from '../test/gates/simulation.ts';
import { table } from './stats.ts';

const ROLLOUTS = Number(process.env.GATES_ROLLOUTS ?? 10_000);
const params = { maxIncrease: 0.005, confidence: 0.95, minRequests: 100 };
const GATES: Array<[string, GateFactory]> = [
  ['cutover compare5xx (always-valid)', sequentialGate(params)],
  ['fixed threshold per minute', fixedThresholdGate(params)],
  ['z-test repeated at α=5%', repeatedZGate(params)],
];

/** [name, what a fail is (false alarm or detection), scenario] at `rpm` requests a minute, baseline 0.5%. */
function scenarios(rpm: number): Array<[string, 'false alarm' | 'detection', Scenario]> {
  const s = (shares: number[], baselineRate: number | number[], candidateRate: number | number[]): Scenario => ({
    requestsPerMinute: rpm,
    shares,
    baselineRate,
    candidateRate,
  });
  return [
    ['healthy (same rate), 5→25→50%', 'false alarm', s(ROLLOUT_SHARES, 0.005, 0.005)],
    ['worst allowed (+δ exactly), 5→25→50%', 'false alarm', s(ROLLOUT_SHARES, 0.005, 0.01)],
    ['shared drift 0.2%→3%, 5→25→50%', 'false alarm', s(ROLLOUT_SHARES, DRIFTING_RATE, DRIFTING_RATE)],
    [
      'rare errors, worst allowed (0.05% vs 0.55%), 60 looks at 5%',
      'false alarm',
      s(SIXTY_AT_FIVE_PERCENT, 0.0005, 0.0055),
    ],
    ['3× regression (1.5%) at 5%', 'detection', s(FIVE_PERCENT, 0.005, 0.015)],
    ['10× regression (5%) at 5%', 'detection', s(FIVE_PERCENT, 0.005, 0.05)],
  ];
}

export function benchGates(): string {
  const out: string[] = [];
  for (const rpm of [12_000, 1_200]) {
    const rows: (string | number)[][] = [];
    for (const [name, kind, scenario] of scenarios(rpm)) {
      for (const [gate, factory] of GATES) {
        const r = simulate(factory, scenario, ROLLOUTS, seeded(2026));
        rows.push([
          name,
          gate,
          `${kind} ${(100 * r.failRate).toFixed(2)}%`,
          Number.isNaN(r.meanFailLook) ? '–' : r.meanFailLook.toFixed(1),
        ]);
      }
    }
    out.push(
      `\n${rpm.toLocaleString('en')} requests/min, baseline 5xx 0.5%, δ 0.5 points, 95% confidence, ${ROLLOUTS.toLocaleString('en')} rollouts × 30 looks`,
      table(['scenario', 'gate', 'rollouts failed', 'mean look of fail'], rows),
    );
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchGates());
