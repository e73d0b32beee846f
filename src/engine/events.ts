import type { TickResult } from '../gates/tick.ts';

/**
 * What the driver reports as it goes: the live view renders these, `--output json` prints one
 * per line. Stable `type` names; times are epoch ms of the driver's clock.
 */
export type DriverEvent =
  | {
      type: 'phase';
      phase: DriverPhase;
      step: number;
      detail?: string;
      /** The weights last written (or adopted) per route and cluster, once known (a resumed run too). */
      routes?: Record<string, Record<string, number>>;
      /**
       * Baking: when the first tick is due and when the bake ends (the step may advance then, given a
       * pass). Paused or awaiting approval while the gates keep ticking: when the next tick is due.
       */
      nextTickAt?: number;
      bakeEndsAt?: number;
    }
  | { type: 'preflight'; step: number; ok: boolean; detail: string }
  | { type: 'shifted'; step: number; weights: Record<string, number>; effective: Record<string, number> }
  | {
      type: 'tick';
      step: number;
      at: number;
      result: TickResult;
      /** `advance`, `wait`, `rollback`; while paused `wait (paused)`, awaiting approval `wait for approval`. */
      decision: string;
      detail: string;
      /** A resumed bake judging a window the stopped driver would have judged (its data is still there). */
      replayed?: true;
      /** When the next tick is due (unless the step advances or rolls back first). */
      nextTickAt: number;
    }
  | { type: 'alarm'; step: number; detail: string }
  | { type: 'rolledBackTo'; step: number | null; weights: Record<string, number> }
  | { type: 'command'; command: string }
  /**
   * Where a driver starts when that is not simply the record or step 1, in words: a take-over
   * of live weights (`taking over at 10% green: continuing at step 2/4 (25%)`), a changed file
   * (--force-spec), an ended rollout's record on the routes.
   */
  | { type: 'start'; step: number; detail: string }
  /**
   * A driver found a rollout in progress (crashed, killed, interrupted) and goes on from its
   * record: `from` is where (resume.ts StartPoint), `verifiedAt` the recorded verification a
   * resumed bake keeps.
   */
  | {
      type: 'resumed';
      step: number;
      from: 'step' | 'shift' | 'bake' | 'approval' | 'paused' | 'rollback';
      verifiedAt?: number;
    };

/** The phases a driver passes through (ARCHITECTURE §2). */
export type DriverPhase =
  | 'loading'
  | 'preflight'
  | 'shifting'
  | 'verifying'
  | 'baking'
  | 'awaitingApproval'
  | 'paused'
  | 'rollingBack'
  | 'rolledBack'
  | 'aborted'
  | 'completed'
  | 'failed';
