import { showValue } from '../../errors.ts';
import { formatDuration } from '../../spec/duration.ts';
import { items, type RuleContext } from './references.ts';

const secondsText = (s: number) => formatDuration(s * 1000);
const isNum = (v: unknown): v is number => typeof v === 'number';

/**
 * Rules a field's shape cannot say alone: ranges whose bounds are other fields (lag min ≤ max,
 * timeout < interval, datapointsToAlarm ≤ evaluationPeriods), whole-second and whole-minute
 * durations, a rule's condition, a certificate only on HTTPS, distinct pod ranges and workload
 * names. On the checked document (durations in ms), even one with shape errors: a rule whose
 * inputs are missing (invalid) is skipped.
 */
export function checkValueRules(c: RuleContext): void {
  const { raw, report, written } = c;
  const lag = raw.metrics?.lag;
  if (lag && typeof lag === 'object' && isNum(lag.min) && isNum(lag.max) && lag.max < lag.min) {
    report(
      'metrics.lag.max',
      `is less than min (${formatDuration(lag.min)})`,
      formatDuration(lag.max),
      'max must not be less than min',
    );
  }
  const step = raw.metrics?.step;
  if (isNum(step) && 60_000 % step !== 0) {
    report('metrics.step', 'does not divide a minute evenly', formatDuration(step), 'e.g. 100ms, 250ms, 1s, 5s or 1m');
  }

  items(raw.loadBalancers).forEach((lb, li) => {
    items(lb?.listeners).forEach((l, i) => {
      const lp = `loadBalancers[${li}].listeners[${i}]`;
      if (l?.certificateArn !== undefined && l.protocol === 'HTTP') {
        report(
          `${lp}.certificateArn`,
          'only applies to an HTTPS listener',
          'protocol HTTP',
          'set protocol: HTTPS, or leave certificateArn out',
        );
      }
      items(l?.rules).forEach((r, ri) => {
        const rp = `${lp}.rules[${ri}]`;
        // A condition written but invalid was reported already; "has no condition" would repeat it.
        const unknown = (k: string) => r?.[k] === undefined && written(`${rp}.${k}`);
        if (!r || unknown('pathPattern') || unknown('hostHeader')) return;
        if (!r.pathPattern?.length && !r.hostHeader?.length) {
          report(
            rp,
            'has no condition',
            'neither pathPattern nor hostHeader',
            'a rule needs a non-empty pathPattern or hostHeader',
          );
        }
      });
    });
  });

  items(raw.targetGroups).forEach((tg, i) => {
    if (!tg) return;
    const p = `targetGroups[${i}]`;
    const whole = (path: string, ms: unknown) => {
      if (!isNum(ms)) return false;
      if (ms % 1000 === 0) return true;
      const seconds = ms / 1000;
      report(
        path,
        'is not a whole number of seconds',
        secondsText(seconds),
        `e.g. ${Math.max(1, Math.round(seconds))}s`,
      );
      return false;
    };
    const hc = tg.healthCheck;
    const ok = whole(`${p}.healthCheck.interval`, hc?.interval) && whole(`${p}.healthCheck.timeout`, hc?.timeout);
    if (ok && hc.timeout >= hc.interval) {
      report(
        `${p}.healthCheck.timeout`,
        `is not less than interval (${formatDuration(hc.interval)})`,
        formatDuration(hc.timeout),
        'a check must time out before the next one starts',
      );
    }
    whole(`${p}.deregistrationDelay`, tg.deregistrationDelay);
  });

  const cidrs = new Map<string, number>();
  items(raw.clusters).forEach((cl, ci) => {
    if (!cl) return;
    const cidrPath = `clusters[${ci}].podCidr`;
    const cidr: string | undefined = cl.podCidr ?? (written(cidrPath) ? undefined : `10.${ci + 1}.0.0/16`);
    const first = cidr === undefined ? undefined : cidrs.get(cidr);
    if (first !== undefined) {
      report(
        cidrPath,
        `overlaps clusters[${first}]`,
        showValue(cidr),
        'pod ranges of clusters must differ (the default is 10.<index+1>.0.0/16)',
      );
    } else if (cidr !== undefined) cidrs.set(cidr, ci);
    const names = new Map<string, number>();
    items(cl.workloads).forEach((w, wi) => {
      if (w?.name === undefined || w.namespace === undefined) return;
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

  items(raw.alarms).forEach((a, i) => {
    if (isNum(a?.period) && a.period % 60_000 !== 0) {
      report(
        `alarms[${i}].period`,
        'is not a multiple of 60s',
        formatDuration(a.period),
        'ALB metrics have a 60-second period, e.g. 60s or 5m',
      );
    }
    if (isNum(a?.datapointsToAlarm) && isNum(a.evaluationPeriods) && a.datapointsToAlarm > a.evaluationPeriods) {
      report(
        `alarms[${i}].datapointsToAlarm`,
        `is more than evaluationPeriods (${a.evaluationPeriods})`,
        String(a.datapointsToAlarm),
        `at most ${a.evaluationPeriods}`,
      );
    }
  });
}
