import { checkRange } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import type { HealthCheckSettings } from './types.ts';

/**
 * Target group health-check settings and attributes: AWS defaults for ALB ip/instance target
 * groups and the ranges AWS enforces (ALB-guide `target-group-health-checks`, SDK-d.ts
 * `TargetGroupAttribute`).
 */
export function defaultHealthCheck(tgProtocol: string): HealthCheckSettings {
  return {
    protocol: tgProtocol === 'HTTP' || tgProtocol === 'HTTPS' ? tgProtocol : 'TCP',
    port: 'traffic-port',
    enabled: true,
    path: '/',
    intervalSeconds: 30,
    // ALB-guide says 5 s; the current API text says 6 s for HTTP [U].
    timeoutSeconds: 5,
    healthyThreshold: 5,
    unhealthyThreshold: 2,
    matcher: '200',
  };
}

/** Checks a complete settings object (after the caller's changes were merged into it). */
export function validateHealthCheck(hc: HealthCheckSettings, targetType: string, tgProtocol: string): void {
  checkRange('healthCheckIntervalSeconds', hc.intervalSeconds, 5, 300);
  checkRange('healthCheckTimeoutSeconds', hc.timeoutSeconds, 2, 120);
  checkRange('healthyThresholdCount', hc.healthyThreshold, 2, 10);
  checkRange('unhealthyThresholdCount', hc.unhealthyThreshold, 2, 10);
  if (hc.timeoutSeconds >= hc.intervalSeconds) {
    throw new AwsError('InvalidConfigurationRequest', 'Health check interval must be greater than the timeout.');
  }
  const allowed = tgProtocol === 'HTTP' || tgProtocol === 'HTTPS' ? ['HTTP', 'HTTPS'] : ['TCP', 'HTTP', 'HTTPS'];
  if (!allowed.includes(hc.protocol)) {
    throw new AwsError(
      'InvalidConfigurationRequest',
      `Health check protocol '${hc.protocol}' is not supported for target groups with protocol '${tgProtocol}'`,
    );
  }
  if (hc.port !== 'traffic-port' && !(Number.isInteger(Number(hc.port)) && +hc.port >= 1 && +hc.port <= 65535)) {
    throw new AwsError(
      'ValidationError',
      `Health check port '${hc.port}' must be 'traffic-port' or between 1 and 65535`,
    );
  }
  if ((hc.protocol !== 'TCP' && !hc.path.startsWith('/')) || hc.path.length > 1024) {
    throw new AwsError(
      'ValidationError',
      `Health check path '${hc.path}' must begin with '/' and be at most 1024 characters`,
    );
  }
  if (!hc.enabled) {
    // For instance/ip target groups health checks "are always enabled and can't be disabled".
    throw new AwsError(
      'InvalidConfigurationRequest',
      `Health checks cannot be disabled for target groups with target type '${targetType}'`,
    );
  }
  validateMatcher(hc.matcher);
}

function validateMatcher(m: string): void {
  const codes = m.split(/[,-]/).map((x) => Number(x.trim()));
  const shape = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(m.replace(/\s/g, ''));
  if (!shape || codes.some((c) => c < 200 || c > 499)) {
    throw new AwsError('ValidationError', `Health check matcher HTTP code '${m}' must be within '200-499'`);
  }
}

type AttributeRule = { default: string; check: (v: string) => boolean; allowed: string };

const intBetween = (min: number, max: number) => (v: string) => /^\d+$/.test(v) && +v >= min && +v <= max;
const oneOf =
  (...xs: string[]) =>
  (v: string) =>
    xs.includes(v);

/** ALB ip/instance target group attributes with their defaults. */
export const ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  'deregistration_delay.timeout_seconds': { default: '300', check: intBetween(0, 3600), allowed: '0-3600' },
  'stickiness.enabled': { default: 'false', check: oneOf('true', 'false'), allowed: 'true|false' },
  'stickiness.type': { default: 'lb_cookie', check: oneOf('lb_cookie', 'app_cookie'), allowed: 'lb_cookie|app_cookie' },
  'stickiness.lb_cookie.duration_seconds': { default: '86400', check: intBetween(1, 604800), allowed: '1-604800' },
  'stickiness.app_cookie.cookie_name': { default: '', check: () => true, allowed: 'a cookie name' },
  'stickiness.app_cookie.duration_seconds': { default: '86400', check: intBetween(1, 604800), allowed: '1-604800' },
  'slow_start.duration_seconds': {
    default: '0',
    check: (v) => v === '0' || intBetween(30, 900)(v),
    allowed: '0 or 30-900',
  },
  'load_balancing.algorithm.type': {
    default: 'round_robin',
    check: oneOf('round_robin', 'least_outstanding_requests', 'weighted_random'),
    allowed: 'round_robin|least_outstanding_requests|weighted_random',
  },
  'load_balancing.algorithm.anomaly_mitigation': { default: 'off', check: oneOf('on', 'off'), allowed: 'on|off' },
  'load_balancing.cross_zone.enabled': {
    default: 'use_load_balancer_configuration',
    check: oneOf('true', 'false', 'use_load_balancer_configuration'),
    allowed: 'true|false|use_load_balancer_configuration',
  },
  'target_group_health.dns_failover.minimum_healthy_targets.count': {
    default: '1',
    check: (v) => v === 'off' || intBetween(1, 1000)(v),
    allowed: 'off or 1-1000',
  },
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': {
    default: 'off',
    check: (v) => v === 'off' || intBetween(1, 100)(v),
    allowed: 'off or 1-100',
  },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': {
    default: '1',
    check: intBetween(1, 1000),
    allowed: '1-1000',
  },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': {
    default: 'off',
    check: (v) => v === 'off' || intBetween(1, 100)(v),
    allowed: 'off or 1-100',
  },
};

export function defaultAttributes(): Map<string, string> {
  return new Map(Object.entries(ATTRIBUTES).map(([k, r]) => [k, r.default]));
}

/** Unknown keys and out-of-range values: InvalidConfigurationRequest [U: AWS's exact code/text]. */
export function validateAttribute(key: string, value: string): void {
  const rule = ATTRIBUTES[key];
  if (!rule) {
    throw new AwsError('InvalidConfigurationRequest', `The attribute '${key}' is not supported for this target group`);
  }
  if (!rule.check(value)) {
    throw new AwsError(
      'InvalidConfigurationRequest',
      `The value '${value}' of attribute '${key}' is not valid; allowed: ${rule.allowed}`,
    );
  }
}
