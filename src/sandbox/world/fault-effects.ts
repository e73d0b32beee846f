import { formatDuration } from '../../spec/duration.ts';
import type { CloudWatchModel } from '../cloudwatch/model.ts';
import type { Elbv2Model } from '../elbv2/model.ts';
import type { SandboxLog } from '../log.ts';
import type { FaultDef, Scenario } from '../scenario/types.ts';
import type { ClusterSim } from './cluster-sim.ts';
import { actionArn } from './fault-scheduler.ts';
import type { AwsFaults } from './faults.ts';
import { modifiedWeights } from './modify-weights.ts';

/** What faults act on: the world's models and a few of its doings. */
export interface FaultWorld {
  scenario: Scenario;
  elbv2: Elbv2Model;
  cloudwatch: CloudWatchModel;
  awsFaults: AwsFaults;
  log: SandboxLog;
  now(): number;
  cluster(name: string): ClusterSim;
  /** Sets a listener's request rate (adds traffic to a listener that had none). */
  setRps(loadBalancer: string, port: number, rps: number): void;
  /** A fault the servers carry out (the sandbox subscribes through the world). */
  serverFault(f: { kind: 'watchDisconnect' | 'apiServerRestart'; cluster: string }): void;
}

/**
 * What each fault does when it starts (the schedule — when — is fault-scheduler.ts), the alarm
 * states faults force, and the log lines of faults starting and ending.
 */
export class FaultEffects {
  /** Faults with a duration that are under way, to log when each ends. */
  private running: { f: FaultDef; until: number }[] = [];
  private forcedAlarms: {
    alarm: string;
    state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    reason: string;
    until?: number;
  }[] = [];

  constructor(private readonly w: FaultWorld) {}

  /** Starts a fault (its start time from the schedule). */
  apply(f: FaultDef, start: number): void {
    const until = 'forMs' in f && f.forMs !== undefined ? start + f.forMs : undefined;
    this.w.log.info({ ...faultFields(f), virtualTime: this.virtualTime() }, `fault ${f.kind} started`);
    if (until !== undefined) this.running.push({ f, until });
    switch (f.kind) {
      case 'errorRate':
        this.w.cluster(f.cluster).addOverride({ scope: f, errorRate: f.errorRate, ...(until ? { until } : {}) });
        return;
      case 'latency':
        this.w.cluster(f.cluster).addOverride({ scope: f, latencyMs: f.latencyMs, ...(until ? { until } : {}) });
        return;
      case 'failHealthChecks':
        this.w.cluster(f.cluster).failHealthChecks(f, f.pods, { mode: f.mode, ...(until ? { until } : {}) });
        return;
      case 'killPods':
        this.w.cluster(f.cluster).killPods(f, f.pods);
        return;
      case 'awsThrottle':
      case 'awsError':
        this.w.awsFaults.add(f, start);
        return;
      case 'watchDisconnect':
      case 'apiServerRestart':
        this.w.serverFault({ kind: f.kind, cluster: f.cluster });
        return;
      case 'alarmState':
        if (!this.w.cloudwatch.getAlarm(f.alarm)) {
          this.w.log.warn(
            { ...faultFields(f), virtualTime: this.virtualTime() },
            `fault alarmState names alarm "${f.alarm}", which does not exist (neither in the scenario nor created by a client); nothing to force until it does`,
          );
        }
        this.forcedAlarms.push({ alarm: f.alarm, state: f.state, reason: f.reason, ...(until ? { until } : {}) });
        return;
      case 'traffic':
        this.w.setRps(f.loadBalancer, f.port, f.rps);
        return;
      case 'modifyWeights':
        this.modifyWeights(f);
        return;
    }
  }

  /** A drift: the forward weights of a listener or rule change as a ModifyListener/ModifyRule would make them. */
  private modifyWeights(f: Extract<FaultDef, { kind: 'modifyWeights' }>): void {
    const arn = actionArn(this.w.scenario, f);
    let current: ReturnType<Elbv2Model['forwardTargets']>;
    try {
      current = this.w.elbv2.forwardTargets(arn);
    } catch {
      this.w.log.warn(
        { ...faultFields(f), virtualTime: this.virtualTime() },
        `fault modifyWeights: the ${f.rule === undefined ? 'listener' : 'rule'} no longer exists; nothing changed`,
      );
      return;
    }
    const { weights, unmatched } = modifiedWeights(current, f.weights, (tgArn) => {
      const tg = this.w.elbv2.targetGroups.get(tgArn);
      const def = this.w.scenario.targetGroups.find((g) => g.name === tg?.name);
      return { name: tg?.name, cluster: def?.registered?.cluster };
    });
    if (unmatched.length) {
      this.w.log.warn(
        { ...faultFields(f), unmatched, virtualTime: this.virtualTime() },
        'fault modifyWeights names target groups the action no longer forwards to; those are left out',
      );
    }
    try {
      this.w.elbv2.setForwardWeights(arn, weights);
    } catch (e) {
      // The model refused the edit (as the API would answer a client): nothing changed.
      this.w.log.warn(
        { ...faultFields(f), virtualTime: this.virtualTime() },
        `fault modifyWeights: the edit was refused: ${(e as Error).message}`,
      );
    }
  }

  private virtualTime(): string {
    return new Date(this.w.now()).toISOString();
  }

  /** Logs the end of faults whose duration is over (their effects end in their own places). */
  endFaults(t: number): void {
    if (!this.running.some((r) => r.until <= t)) return;
    for (const r of this.running) {
      if (r.until > t) continue;
      this.w.log.info({ ...faultFields(r.f), virtualTime: this.virtualTime() }, `fault ${r.f.kind} ended`);
    }
    this.running = this.running.filter((r) => r.until > t);
  }

  /**
   * After the alarms' evaluation, so a forced state is what clients see until the next evaluation
   * (as after SetAlarmState); a forced state with a duration is re-asserted after every evaluation
   * until it ends.
   */
  forceAlarms(t: number): void {
    if (this.forcedAlarms.length === 0) return;
    this.forcedAlarms = this.forcedAlarms.filter((f) => f.until === undefined || f.until > t);
    for (const f of this.forcedAlarms) {
      const a = this.w.cloudwatch.getAlarm(f.alarm);
      if (a && a.state.value !== f.state) this.w.cloudwatch.setAlarmState(f.alarm, f.state, f.reason);
    }
    this.forcedAlarms = this.forcedAlarms.filter((f) => f.until !== undefined);
  }
}

/** A fault as a log line shows it: its fields as the scenario file names them, durations readable. */
export function faultFields(f: FaultDef): Record<string, unknown> {
  const { atMs, trigger, ...rest } = f;
  const out: Record<string, unknown> = trigger
    ? { ...rest, when: trigger, after: formatDuration(atMs) }
    : { ...rest, at: formatDuration(atMs) };
  if ('forMs' in f && f.forMs !== undefined) {
    delete out.forMs;
    out.for = formatDuration(f.forMs);
  }
  if (f.kind === 'latency') {
    delete out.latencyMs;
    out.latency = formatDuration(f.latencyMs);
  }
  return out;
}
