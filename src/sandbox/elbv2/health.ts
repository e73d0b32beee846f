import type { HealthCheckSettings, ProbeResult, TargetRecord } from './types.ts';

/**
 * The health state machine of one target (ALB user guide, target-group-health-checks), stepped by events at explicit times
 * so the model can replay every health check due up to any instant:
 *
 *   register ─► initial/Elb.RegistrationInProgress ─(registration delay)─► initial/Elb.InitialHealthChecking
 *   initial ─(one pass)─► healthy ─(UnhealthyThreshold failures)─► unhealthy/<last failure>
 *   initial ─(UnhealthyThreshold failures)─► unhealthy ─(HealthyThreshold passes)─► healthy
 *   any registered ─(group not used by a listener/rule)─► unused/Target.NotInUse (checks stop)
 *   deregister ─► draining/Target.DeregistrationInProgress ─(deregistration delay)─► gone
 */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.ResponseCodeMismatch': 'Health checks failed with these codes: [503]',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
};

const FAILURE_REASON: Record<Exclude<ProbeResult, 'pass'>, string> = {
  fail: 'Target.FailedHealthChecks',
  timeout: 'Target.Timeout',
  mismatch: 'Target.ResponseCodeMismatch',
};

function set(t: TargetRecord, state: TargetRecord['state'], reason?: string): void {
  t.state = state;
  t.reason = reason;
  t.description = reason ? DESCRIPTIONS[reason] : undefined;
}

/** (Re)starts health checking: registration first, then the first check when it completes. */
export function beginRegistration(t: TargetRecord, now: number, registrationDelayMs: number): void {
  set(t, 'initial', 'Elb.RegistrationInProgress');
  t.passes = 0;
  t.failures = 0;
  t.registeringUntil = now + registrationDelayMs;
  t.nextEventAt = t.registeringUntil;
  t.slowStartUntil = undefined;
}

export function markNotInUse(t: TargetRecord): void {
  set(t, 'unused', 'Target.NotInUse');
  t.passes = 0;
  t.failures = 0;
  t.registeringUntil = undefined;
  t.nextEventAt = undefined;
  t.slowStartUntil = undefined;
}

export function beginDraining(t: TargetRecord, now: number, delayMs: number): void {
  set(t, 'draining', 'Target.DeregistrationInProgress');
  t.drainingUntil = now + delayMs;
  t.nextEventAt = t.drainingUntil;
  t.slowStartUntil = undefined;
}

export type StepOutcome = 'removed' | 'changed' | 'unchanged';

/**
 * Processes the target's event due at `t.nextEventAt`. `probe` is asked for a health check's
 * result only when a check runs. The caller guarantees `t.nextEventAt` is defined.
 */
export function step(t: TargetRecord, hc: HealthCheckSettings, probe: () => ProbeResult): StepOutcome {
  const at = t.nextEventAt!;
  if (t.state === 'draining') return 'removed';
  const before = `${t.state}/${t.reason ?? ''}`;
  if (t.reason === 'Elb.RegistrationInProgress') {
    set(t, 'initial', 'Elb.InitialHealthChecking');
    t.registeringUntil = undefined;
  }
  const result = probe();
  if (result === 'pass') {
    t.passes += 1;
    t.failures = 0;
  } else {
    t.failures += 1;
    t.passes = 0;
  }
  // ALB-guide (target-group-health-checks): "After your target is registered, it must pass one
  // health check to be considered healthy"; HealthyThreshold applies to an unhealthy target.
  const needed = t.state === 'initial' ? 1 : hc.healthyThreshold;
  if (t.state !== 'healthy' && t.passes >= needed) set(t, 'healthy');
  else if (t.state !== 'unhealthy' && t.failures >= hc.unhealthyThreshold && result !== 'pass') {
    set(t, 'unhealthy', FAILURE_REASON[result]);
  } else if (t.state === 'unhealthy' && result !== 'pass') {
    // The reason follows the latest failure while the target stays unhealthy.
    set(t, 'unhealthy', FAILURE_REASON[result]);
  }
  t.nextEventAt = at + hc.intervalSeconds * 1000;
  return `${t.state}/${t.reason ?? ''}` === before ? 'unchanged' : 'changed';
}
