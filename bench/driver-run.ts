/**
 * One rollout for the driver benchmark: the real driver (`runDriver`, wired as `cutover run`
 * wires it by `createDriverPorts`) against a real sandbox (`startSandbox`: the AWS SDK over HTTP
 * to the emulated ALB and CloudWatch), both on a SteppedClock, so a run's outcome depends on the
 * rollout, the scenario and the seed only. The scenario's pre-registered targets stand in for the
 * agents; nothing touches Kubernetes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDriverPorts } from '../src/cli/driver-wiring.ts';
import { runDriver } from '../src/engine/driver.ts';
import type { DriverOptions } from '../src/engine/services.ts';
import { InvalidInputError } from '../src/errors.ts';
import { buildPlan } from '../src/plan/plan.ts';
import type { Plan } from '../src/plan/plan-types.ts';
import { startSandbox } from '../src/sandbox/sandbox.ts';
import type { Scenario } from '../src/sandbox/scenario/types.ts';
import { createRandom } from '../src/sandbox/world/prng.ts';
import { specHash } from '../src/spec/hash.ts';
import { parseRollout } from '../src/spec/load.ts';
import { SteppedClock } from './stepped-clock.ts';

export interface BenchRollout {
  plan: Plan;
  hash: string;
}

/** A rollout from YAML text (a variant of rollouts/sandbox-web.yaml). */
export function benchRollout(text: string, name: string): BenchRollout {
  const { rollout, diagnostics } = parseRollout(text, name);
  if (!rollout) throw new InvalidInputError(diagnostics);
  return { plan: buildPlan(rollout), hash: specHash(rollout) };
}

export interface DriverRun {
  outcome: 'completed' | 'rolledBack' | 'aborted' | 'failed';
  /** Virtual ms from the driver's start to its end. */
  durationMs: number;
  /** Virtual time the scenario's (first) fault started; undefined: never (or no fault). */
  onsetAt?: number;
  /** Virtual time the rollback's write was read back (the driver's `rolledBackTo` event). */
  restoredAt?: number;
  /** The step it ended at (where it rolled back). */
  step: number;
  /** Why it rolled back or failed. */
  reason?: string;
}

const START = Date.UTC(2026, 0, 1, 12);

/** A rollout that has not ended after this much virtual time is a bug, not a slow gate. */
const LIMIT_MS = 3 * 60 * 60_000;

export async function runRollout(
  rollout: BenchRollout,
  scenario: Scenario,
  seed: number,
  options: Partial<DriverOptions> = {},
): Promise<DriverRun> {
  // A real write lands anywhere in a metric period: start at a seeded instant of the minute.
  const clock = new SteppedClock(START + Math.floor(createRandom(seed).fork('bench-start').next() * 60_000));
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-driver-'));
  const sandbox = await startSandbox({ scenario, seed, clock, dir: join(dir, 'sbx') });
  const local = { endpoint: sandbox.awsUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } };
  // Time holds still while the driver has a request open to the sandbox's AWS endpoint.
  clock.watch(sandbox.awsUrl);
  const { ports, close } = createDriverPorts(rollout.plan, clock, local);
  const fault = scenario.faults[0];
  const startedAt = clock.now();
  let restoredAt: number | undefined;
  try {
    const result = await clock.runUntil(
      runDriver({
        plan: rollout.plan,
        specHash: rollout.hash,
        ports,
        clock,
        holder: 'bench',
        options,
        onEvent: (e) => {
          if (e.type === 'rolledBackTo' && restoredAt === undefined) restoredAt = clock.now();
        },
      }),
      LIMIT_MS,
    );
    if (result.outcome === 'failed' && result.error) throw result.error;
    const onsetAt = fault ? sandbox.world.faultStart(fault) : undefined;
    return {
      outcome: result.outcome,
      step: result.step,
      durationMs: clock.now() - startedAt,
      ...(onsetAt !== undefined ? { onsetAt } : {}),
      ...(restoredAt !== undefined ? { restoredAt } : {}),
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
    };
  } finally {
    close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
