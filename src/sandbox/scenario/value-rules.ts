import { showValue } from '../../errors.ts';
import { formatDuration } from '../../spec/duration.ts';
import type { Report } from './references.ts';
import type { Scenario } from './types.ts';

const secondsText = (s: number) => formatDuration(s * 1000);

/**
 * Rules a field's shape cannot say alone: ranges whose bounds are other fields (lag min ≤ max,
 * timeout < interval, datapointsToAlarm ≤ evaluationPeriods), whole-second and whole-minute
 * durations, a rule's condition, distinct pod ranges and workload names. On the normalized scenario.
 */
export function checkValueRules(s: Scenario, report: Report): void {
  const { lagMs, stepMs } = s.metrics;
  if (lagMs.max < lagMs.min) {
    report(
      'metrics.lag.max',
      `is less than min (${formatDuration(lagMs.min)})`,
      formatDuration(lagMs.max),
      'max must not be less than min',
    );
  }
  if (60_000 % stepMs !== 0) {
    report(
      'metrics.step',
      'does not divide a minute evenly',
      formatDuration(stepMs),
      'e.g. 100ms, 250ms, 1s, 5s or 1m',
    );
  }

  s.loadBalancers.forEach((lb, li) => {
    lb.listeners.forEach((l, i) => {
      l.rules.forEach((r, ri) => {
        if (r.conditions.length === 0) {
          report(
            `loadBalancers[${li}].listeners[${i}].rules[${ri}]`,
            'has no condition',
            'neither pathPattern nor hostHeader',
            'a rule needs a non-empty pathPattern or hostHeader',
          );
        }
      });
    });
  });

  s.targetGroups.forEach((tg, i) => {
    const p = `targetGroups[${i}]`;
    const hc = tg.healthCheck;
    const whole = (path: string, seconds: number) => {
      if (Number.isInteger(seconds)) return true;
      report(
        path,
        'is not a whole number of seconds',
        secondsText(seconds),
        `e.g. ${Math.max(1, Math.round(seconds))}s`,
      );
      return false;
    };
    const ok =
      whole(`${p}.healthCheck.interval`, hc.intervalSeconds) && whole(`${p}.healthCheck.timeout`, hc.timeoutSeconds);
    if (ok && hc.timeoutSeconds >= hc.intervalSeconds) {
      report(
        `${p}.healthCheck.timeout`,
        `is not less than interval (${secondsText(hc.intervalSeconds)})`,
        secondsText(hc.timeoutSeconds),
        'a check must time out before the next one starts',
      );
    }
    whole(`${p}.deregistrationDelay`, tg.deregistrationDelaySeconds);
  });

  const cidrs = new Map<string, number>();
  s.clusters.forEach((c, ci) => {
    const first = cidrs.get(c.podCidr);
    if (first !== undefined) {
      report(
        `clusters[${ci}].podCidr`,
        `overlaps clusters[${first}]`,
        showValue(c.podCidr),
        'pod ranges of clusters must differ (the default is 10.<index+1>.0.0/16)',
      );
    } else cidrs.set(c.podCidr, ci);
    const names = new Map<string, number>();
    c.workloads.forEach((w, wi) => {
      const key = `${w.namespace}/${w.name}`;
      const seen = names.get(key);
      if (seen !== undefined) {
        report(
          `clusters[${ci}].workloads[${wi}].name`,
          `repeats workloads[${seen}]`,
          showValue(key),
          'workload names are unique in a namespace',
        );
      } else names.set(key, wi);
    });
  });

  s.alarms.forEach((a, i) => {
    if (a.periodSeconds % 60 !== 0) {
      report(
        `alarms[${i}].period`,
        'is not a multiple of 60s',
        secondsText(a.periodSeconds),
        'ALB metrics have a 60-second period, e.g. 60s or 5m',
      );
    }
    if (a.datapointsToAlarm !== undefined && a.datapointsToAlarm > a.evaluationPeriods) {
      report(
        `alarms[${i}].datapointsToAlarm`,
        `is more than evaluationPeriods (${a.evaluationPeriods})`,
        String(a.datapointsToAlarm),
        `at most ${a.evaluationPeriods}`,
      );
    }
  });
}
