import type { FaultDef, PodScope } from './types.ts';
import type { Value } from './yaml-reader.ts';

const KINDS = [
  'errorRate',
  'latency',
  'failHealthChecks',
  'killPods',
  'awsThrottle',
  'awsError',
  'watchDisconnect',
  'apiServerRestart',
  'alarmState',
  'traffic',
] as const;

const SCOPE = ['cluster', 'namespace', 'workload'];

/**
 * One scheduled fault. `at` is virtual time after the sandbox started; `for` (where allowed)
 * bounds the fault, after which the world returns to what the scenario said.
 */
export function readFault(v: Value): FaultDef | undefined {
  const entries = v.entries();
  if (!entries) return undefined;
  const kindEntry = entries.find(([k]) => k === 'kind')?.[1];
  if (!kindEntry) return v.error('missing required field "kind"', false);
  const kind = kindEntry.oneOf(KINDS);
  if (kind === undefined) return undefined;
  const allowedByKind: Record<(typeof KINDS)[number], string[]> = {
    errorRate: [...SCOPE, 'errorRate', 'for'],
    latency: [...SCOPE, 'latency', 'for'],
    failHealthChecks: [...SCOPE, 'pods', 'mode', 'for'],
    killPods: [...SCOPE, 'pods'],
    awsThrottle: ['service', 'operations', 'probability', 'for'],
    awsError: ['service', 'operations', 'probability', 'for', 'code', 'status'],
    watchDisconnect: ['cluster'],
    apiServerRestart: ['cluster'],
    alarmState: ['alarm', 'state', 'reason', 'for'],
    traffic: ['loadBalancer', 'port', 'rps'],
  };
  const fresh = v.object(['at', 'kind', ...allowedByKind[kind]], ['at']);
  if (!fresh) return undefined;
  const atMs = fresh.get('at').duration();
  if (atMs === undefined) return undefined;
  const forMs = fresh.opt('for', (x) => x.duration(), undefined);
  const scope = (): PodScope => {
    const s: PodScope = { cluster: fresh.get('cluster').string() ?? '' };
    if (!fresh.get('cluster').present) v.error(`a ${kind} fault needs "cluster"`, false);
    const ns = fresh.opt('namespace', (x) => x.string(), undefined);
    const wl = fresh.opt('workload', (x) => x.string(), undefined);
    if (ns !== undefined) s.namespace = ns;
    if (wl !== undefined) s.workload = wl;
    return s;
  };
  const withFor = <T extends object>(o: T): T => (forMs === undefined ? o : { ...o, forMs });
  const need = (key: string) => {
    if (!fresh.get(key).present) v.error(`a ${kind} fault needs "${key}"`, false);
    return fresh.get(key);
  };
  switch (kind) {
    case 'errorRate':
      return withFor({ atMs, kind, ...scope(), errorRate: need('errorRate').fraction() ?? 0 });
    case 'latency':
      return withFor({ atMs, kind, ...scope(), latencyMs: need('latency').duration(60_000) ?? 0 });
    case 'failHealthChecks':
      return withFor({
        atMs,
        kind,
        ...scope(),
        pods: fresh.opt('pods', (x) => x.int(1, 100_000), 1),
        mode: fresh.opt('mode', (x) => x.oneOf(['fail', 'timeout', 'mismatch'] as const), 'fail'),
      });
    case 'killPods':
      return { atMs, kind, ...scope(), pods: fresh.opt('pods', (x) => x.int(1, 100_000), 1) };
    case 'awsThrottle':
    case 'awsError': {
      const fault: FaultDef = {
        atMs,
        kind,
        service: fresh.opt('service', (x) => x.oneOf(['elbv2', 'cloudwatch', 'sts', '*'] as const), '*'),
        operations: fresh.opt(
          'operations',
          (x) =>
            (x.list() ?? []).map(
              (o) => o.string(/^[A-Z][A-Za-z]+$/, 'an API operation name like ModifyListener') ?? '',
            ),
          [],
        ),
        probability: fresh.opt('probability', (x) => x.fraction(), 1),
        forMs: forMs ?? 60_000,
      };
      if (kind === 'awsError') {
        fault.code = fresh.opt('code', (x) => x.string(/^[A-Za-z.]+$/, 'an AWS error code'), 'InternalFailure');
        fault.status = fresh.opt('status', (x) => x.int(400, 599), 500);
      }
      return fault;
    }
    case 'watchDisconnect':
    case 'apiServerRestart':
      return { atMs, kind, cluster: need('cluster').string() ?? '' };
    case 'alarmState':
      return withFor({
        atMs,
        kind,
        alarm: need('alarm').string() ?? '',
        state: fresh.opt('state', (x) => x.oneOf(['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const), 'ALARM'),
        reason: fresh.opt('reason', (x) => x.string(), 'forced by the sandbox scenario'),
      });
    case 'traffic':
      return {
        atMs,
        kind,
        loadBalancer: need('loadBalancer').string() ?? '',
        port: fresh.opt('port', (x) => x.int(1, 65535), 80),
        rps: need('rps').number(0, 1_000_000) ?? 0,
      };
  }
}
