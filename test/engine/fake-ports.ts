import type {
  DriverPorts,
  Lease,
  OperatorCommand,
  RolloutRecord,
  TargetCounts,
  TargetGroupWeights,
} from '../../src/engine/ports.ts';
import { CutoverError } from '../../src/errors.ts';
import { combineTick, type TickResult } from '../../src/gates/tick.ts';
import type { Verdict } from '../../src/gates/verdict.ts';
import { tickWindow } from '../../src/gates/windows.ts';
import type { Plan, PlanRoute } from '../../src/plan/plan-types.ts';

/**
 * An in-memory world behind the driver's ports, for the machine's logic: forward weights per
 * route, target health per group, scripted gate ticks and alarms, a record, a lease and operator
 * commands. It keeps a log of every write so tests can assert what the driver did. (End-to-end
 * tests run the same driver through the AWS adapters against the sandbox.)
 */
export class FakeWorld {
  weights = new Map<string, TargetGroupWeights>();
  health = new Map<string, TargetCounts>();
  record: RolloutRecord | undefined;
  lease: Lease | undefined;
  commands: OperatorCommand[] = [];
  writes: Array<{ route: string; weights: TargetGroupWeights; at: number }> = [];
  saves: RolloutRecord[] = [];
  /** Decides each tick; default: pass. */
  tick: (input: { stepIndex: number; now: number }) => TickResult = (i) => pass(i.now);
  /** The alarm poll's verdict; default: no alarm check. */
  alarms: (input: { since: number; now: number }) => Verdict | undefined = () => undefined;
  /** Fails the next N writes (as an AWS API that keeps throttling would after retries). */
  failWrites = 0;
  /** While set, a write waits for it before it lands (a slow ModifyListener). */
  holdWrites: Promise<void> | undefined;
  /** While set, a read of the weights waits for it (a slow DescribeListeners). */
  holdReads: Promise<void> | undefined;

  constructor(
    readonly plan: Plan,
    readonly now: () => number,
  ) {
    for (const r of plan.routes) {
      const initial = plan.initial.routes.find((x) => x.route === r.name);
      this.weights.set(r.name, { ...initial?.targetGroups });
      for (const tg of Object.values(r.targetGroups)) this.health.set(tg, { healthy: 10, registered: 10 });
    }
  }

  ports(): DriverPorts {
    return {
      traffic: {
        readWeights: async (route: PlanRoute) => {
          await this.holdReads;
          return { ...this.weights.get(route.name)! };
        },
        writeWeights: async (route: PlanRoute, w: TargetGroupWeights) => {
          await this.holdWrites;
          if (this.failWrites > 0) {
            this.failWrites--;
            throw new CutoverError('E_AWS', `ModifyListener failed for ${route.name}: Throttling`);
          }
          this.weights.set(route.name, { ...this.weights.get(route.name), ...w });
          this.writes.push({ route: route.name, weights: { ...w }, at: this.now() });
          return { ...this.weights.get(route.name)! };
        },
      },
      health: { targetCounts: async (tg: string) => ({ ...(this.health.get(tg) ?? { healthy: 0, registered: 0 }) }) },
      gates: {
        tick: async (i) => ({ tick: this.tick(i), compare: i.compare }),
        alarms: async (i) => this.alarms(i),
      },
      state: {
        load: async () => (this.record ? structuredClone(this.record) : undefined),
        save: async (r) => {
          this.record = structuredClone(r);
          this.saves.push(structuredClone(r));
        },
        acquireLease: async (holder, now, ttl) => {
          if (this.lease && this.lease.holder !== holder && this.lease.expiresAt > now) {
            throw new CutoverError('E_LEASE_HELD', `rollout is driven by ${this.lease.holder}`, {
              value: this.lease.holder,
            });
          }
          this.lease = { holder, expiresAt: now + ttl };
          return this.lease;
        },
        releaseLease: async (holder) => {
          if (this.lease?.holder === holder) this.lease = undefined;
        },
        takeCommands: async () => this.commands.splice(0),
      },
    };
  }

  /** Route weights by cluster, e.g. {blue: 19, green: 1}. */
  clusterWeights(route = this.plan.routes[0]!.name): Record<string, number> {
    const r = this.plan.routes.find((x) => x.name === route)!;
    const w = this.weights.get(route)!;
    return Object.fromEntries(Object.entries(r.targetGroups).map(([c, tg]) => [c, w[tg] ?? 0]));
  }
}

/** A tick over the window a real driver would judge at `now` (interval 1m, lag 2m). */
function tickOf(now: number, outcome: Verdict['outcome'], description: string): TickResult {
  const verdict: Verdict = { check: 0, type: 'target5xxRate', outcome, numbers: {}, description };
  return combineTick(tickWindow(now, 60_000, 120_000), [verdict]);
}

export const pass = (now: number) => tickOf(now, 'pass', 'target5xxRate green 0.1% (1/1000) ≤ 2% pass');
export const fail = (now: number) => tickOf(now, 'fail', 'target5xxRate green 9% (90/1000) > 2% fail');
export const inconclusive = (now: number) =>
  tickOf(now, 'inconclusive', 'target5xxRate green 12 requests < 50 inconclusive');

export function alarmFiring(name: string): Verdict {
  return { check: 4, type: 'alarm', outcome: 'fail', numbers: {}, description: `alarm ${name} in ALARM fail` };
}
