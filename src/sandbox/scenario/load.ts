import { readFileSync } from 'node:fs';
import { isMap } from 'yaml';
import { CutoverError, type Diagnostic, InvalidInputError } from '../../errors.ts';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../ids.ts';
import { readFault } from './faults.ts';
import { checkReferences } from './references.ts';
import type {
  AlarmDef,
  ClusterDef,
  InitialRegistration,
  ListenerDef,
  LoadBalancerDef,
  MetricsDef,
  RuleDef,
  Scenario,
  ServiceDef,
  TargetGroupDef,
  TrafficDef,
  WeightedTargetGroup,
  WorkloadDef,
} from './types.ts';
import { type Value, YamlReader } from './yaml-reader.ts';

export const SCENARIO_API_VERSION = 'cutover.dev/v1alpha1';
export const SCENARIO_KIND = 'SandboxScenario';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ELB_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Reads and validates a scenario file; throws InvalidInputError listing every problem as file:line:col. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CutoverError('E_SCENARIO_READ', `cannot read scenario file ${path}`, {
      cause: e,
      hint: 'pass an existing YAML file to --scenario, or leave it out for the default world',
    });
  }
  return parseScenario(text, path);
}

/** Parses and validates scenario YAML text; `file` names it in diagnostics. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const { scenario, diagnostics } = readScenario(text, file);
  if (!scenario || diagnostics.some((d) => d.severity === 'error')) throw new InvalidInputError(diagnostics);
  return scenario;
}

/** Like parseScenario, but returns the diagnostics instead of throwing (for validators and tests). */
export function readScenario(text: string, file = '<scenario>'): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  const r = new YamlReader(file, text);
  if (r.diagnostics.length) return { diagnostics: r.diagnostics };
  if (!r.root.present) {
    r.root.error('the file is empty; a scenario is a mapping with clusters, targetGroups, loadBalancers, …', false);
    return { diagnostics: r.diagnostics };
  }
  const f = r.root.object(
    [
      'apiVersion',
      'kind',
      'region',
      'account',
      'seed',
      'metrics',
      'loadBalancers',
      'targetGroups',
      'clusters',
      'traffic',
      'alarms',
      'faults',
    ],
    [],
  );
  if (!f) return { diagnostics: r.diagnostics };
  f.opt('apiVersion', (v) => v.oneOf([SCENARIO_API_VERSION]), SCENARIO_API_VERSION);
  f.opt('kind', (v) => v.oneOf([SCENARIO_KIND]), SCENARIO_KIND);
  const scenario: Scenario = {
    region: f.opt('region', (v) => v.string(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region like us-east-1'), SANDBOX_REGION),
    account: f.opt('account', (v) => v.string(/^\d{12}$/, 'a 12-digit AWS account id, quoted'), SANDBOX_ACCOUNT),
    metrics: readMetrics(f.get('metrics')),
    loadBalancers: listOf(f.get('loadBalancers'), readLoadBalancer),
    targetGroups: listOf(f.get('targetGroups'), readTargetGroup),
    clusters: listOf(f.get('clusters'), readCluster),
    traffic: listOf(f.get('traffic'), readTraffic),
    alarms: listOf(f.get('alarms'), readAlarm),
    faults: listOf(f.get('faults'), readFault),
  };
  const seed = f.opt('seed', (v) => v.int(0, 2 ** 32 - 1), undefined);
  if (seed !== undefined) scenario.seed = seed;
  if (r.diagnostics.length === 0) checkReferences(scenario, f);
  r.diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  return { scenario, diagnostics: r.diagnostics };
}

function listOf<T>(v: Value, read: (item: Value, index: number) => T | undefined): T[] {
  if (!v.present) return [];
  const items = v.list() ?? [];
  const out: T[] = [];
  items.forEach((item, i) => {
    const t = read(item, i);
    if (t !== undefined) out.push(t);
  });
  return out;
}

function stringMap(v: Value, keyPattern: RegExp, valuePattern: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of v.entries() ?? []) {
    if (!keyPattern.test(k)) val.error(`"${k}" is not a valid label key`, false);
    const s = val.string(valuePattern, 'a label value (≤ 63 letters, digits, -_.)');
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function readMetrics(v: Value): MetricsDef {
  const def: MetricsDef = { lagMs: { min: 60_000, max: 120_000 }, stepMs: 1000 };
  if (!v.present) return def;
  const f = v.object(['lag', 'step']);
  if (!f) return def;
  const lag = f.get('lag');
  if (lag.present) {
    if (isMap(lag.node)) {
      const lf = lag.object(['min', 'max'], ['min', 'max']);
      const min = lf?.get('min').duration(15 * 60_000);
      const max = lf?.get('max').duration(15 * 60_000);
      if (min !== undefined && max !== undefined) {
        if (max < min) lag.error('max must not be less than min');
        else def.lagMs = { min, max };
      }
    } else {
      const ms = lag.duration(15 * 60_000);
      if (ms !== undefined) def.lagMs = { min: ms, max: ms };
    }
  }
  const step = f.opt('step', (s) => s.duration(60_000), def.stepMs);
  if (step < 100 || 60_000 % step !== 0) f.get('step').error('must divide a minute evenly and be at least 100ms');
  else def.stepMs = step;
  return def;
}

function readForward(v: Value): WeightedTargetGroup[] {
  const out: WeightedTargetGroup[] = [];
  const entries = v.entries();
  for (const [name, w] of entries ?? []) {
    const weight = w.int(0, 999);
    if (weight !== undefined) out.push({ targetGroup: name, weight });
  }
  if (entries?.length === 0) v.error('must name at least one target group with its weight, e.g. {web-blue: 100}');
  if ((entries?.length ?? 0) > 5) v.error('a forward action holds at most 5 target groups', false);
  return out;
}

function readLoadBalancer(v: Value): LoadBalancerDef | undefined {
  const f = v.object(['name', 'listeners'], ['name']);
  if (!f) return undefined;
  return {
    name: f.get('name').string(ELB_NAME, 'a load balancer name: 1–32 letters, digits and hyphens') ?? '',
    listeners: listOf(f.get('listeners'), readListener),
  };
}

function readListener(v: Value): ListenerDef | undefined {
  const f = v.object(['port', 'protocol', 'forward', 'rules'], ['port', 'forward']);
  if (!f) return undefined;
  return {
    port: f.get('port').int(1, 65535) ?? 0,
    protocol: f.opt('protocol', (p) => p.oneOf(['HTTP', 'HTTPS'] as const), 'HTTP'),
    forward: readForward(f.get('forward')),
    rules: listOf(f.get('rules'), readRule),
  };
}

function readRule(v: Value): RuleDef | undefined {
  const f = v.object(['priority', 'pathPattern', 'hostHeader', 'forward'], ['priority', 'forward']);
  if (!f) return undefined;
  const conditions: RuleDef['conditions'] = [];
  const strings = (x: Value) => listOf(x, (s) => s.string());
  const paths = f.opt('pathPattern', strings, []);
  const hosts = f.opt('hostHeader', strings, []);
  if (paths.length) conditions.push({ field: 'path-pattern', values: paths });
  if (hosts.length) conditions.push({ field: 'host-header', values: hosts });
  if (!conditions.length) v.error('a rule needs a condition: pathPattern or hostHeader', false);
  return { priority: f.get('priority').int(1, 50_000) ?? 0, conditions, forward: readForward(f.get('forward')) };
}

function readTargetGroup(v: Value): TargetGroupDef | undefined {
  const f = v.object(
    ['name', 'targetType', 'protocol', 'port', 'healthCheck', 'deregistrationDelay', 'registered'],
    ['name'],
  );
  if (!f) return undefined;
  const hc = f.get('healthCheck');
  const h = hc.present
    ? hc.object(['path', 'interval', 'timeout', 'healthyThreshold', 'unhealthyThreshold', 'matcher'])
    : undefined;
  const seconds = (x: Value, min: number, max: number) => {
    const ms = x.duration();
    if (ms === undefined) return undefined;
    if (ms % 1000 !== 0 || ms < min * 1000 || ms > max * 1000) return x.error(`must be whole seconds, ${min}s–${max}s`);
    return ms / 1000;
  };
  const healthCheck = {
    path: h?.opt('path', (x) => x.string(/^\/\S*$/, 'a path starting with /'), '/') ?? '/',
    intervalSeconds: h?.opt('interval', (x) => seconds(x, 5, 300), 30) ?? 30,
    timeoutSeconds: h?.opt('timeout', (x) => seconds(x, 2, 120), 5) ?? 5,
    healthyThreshold: h?.opt('healthyThreshold', (x) => x.int(2, 10), 5) ?? 5,
    unhealthyThreshold: h?.opt('unhealthyThreshold', (x) => x.int(2, 10), 2) ?? 2,
    matcher:
      h?.opt('matcher', (x) => x.string(/^\d{3}([,-]\d{3})*$/, 'HTTP codes like 200 or 200-299'), '200') ?? '200',
  };
  if (healthCheck.timeoutSeconds >= healthCheck.intervalSeconds) {
    hc.error('timeout must be less than interval', false);
  }
  const dd = f.opt('deregistrationDelay', (x) => seconds(x, 0, 3600), 300);
  return {
    name: f.get('name').string(ELB_NAME, 'a target group name: 1–32 letters, digits and hyphens') ?? '',
    targetType: f.opt('targetType', (x) => x.oneOf(['ip'] as const), 'ip'),
    protocol: f.opt('protocol', (x) => x.oneOf(['HTTP', 'HTTPS'] as const), 'HTTP'),
    port: f.opt('port', (x) => x.int(1, 65535), 80),
    healthCheck,
    deregistrationDelaySeconds: dd,
    registered: f.opt('registered', readRegistered, null),
  };
}

function readRegistered(v: Value): InitialRegistration | null | undefined {
  if (!isMap(v.node)) return v.oneOf(['none']) === 'none' ? null : undefined;
  const f = v.object(['fromCluster', 'namespace', 'service', 'port'], ['fromCluster', 'namespace', 'service']);
  if (!f) return undefined;
  const reg: InitialRegistration = {
    cluster: f.get('fromCluster').string(DNS_LABEL, 'a cluster name') ?? '',
    namespace: f.get('namespace').string(DNS_LABEL, 'a namespace name') ?? '',
    service: f.get('service').string(DNS_LABEL, 'a Service name') ?? '',
  };
  const port = f.get('port');
  if (port.present) {
    const raw = port.scalar();
    if (typeof raw === 'number') reg.port = port.int(1, 65535) ?? 0;
    else reg.port = port.string(DNS_LABEL, 'a Service port name or number') ?? '';
  }
  return reg;
}

function readCluster(v: Value, index: number): ClusterDef | undefined {
  const f = v.object(['name', 'podCidr', 'namespaces', 'services', 'workloads'], ['name']);
  if (!f) return undefined;
  const services = listOf(f.get('services'), readService);
  const workloads = listOf(f.get('workloads'), readWorkload);
  const namespaces = f.opt('namespaces', (x) => listOf(x, (n) => n.string(DNS_LABEL, 'a namespace name')), []);
  for (const ns of [...services, ...workloads].map((o) => o.namespace))
    if (!namespaces.includes(ns)) namespaces.push(ns);
  return {
    name: f.get('name').string(DNS_LABEL, 'a cluster name (lowercase DNS label)') ?? '',
    podCidr: f.opt(
      'podCidr',
      (x) => x.string(/^10\.(\d{1,3})\.0\.0\/16$/, 'a 10.N.0.0/16 range'),
      `10.${index + 1}.0.0/16`,
    ),
    namespaces,
    services,
    workloads,
  };
}

function readService(v: Value): ServiceDef | undefined {
  const f = v.object(['name', 'namespace', 'selector', 'ports'], ['name', 'namespace', 'selector', 'ports']);
  if (!f) return undefined;
  const ports = listOf(f.get('ports'), (p) => {
    const pf = p.object(['name', 'port', 'targetPort'], ['port']);
    if (!pf) return undefined;
    const port = pf.get('port').int(1, 65535) ?? 0;
    const tp = pf.get('targetPort');
    let targetPort: number | string = port;
    if (tp.present) {
      targetPort =
        typeof tp.scalar() === 'number'
          ? (tp.int(1, 65535) ?? port)
          : (tp.string(/^[a-z0-9]([-a-z0-9]{0,13})$/, 'a container port name (≤ 15 chars) or number') ?? port);
    }
    const out: ServiceDef['ports'][number] = { port, targetPort, protocol: 'TCP' };
    const name = pf.opt('name', (n) => n.string(DNS_LABEL, 'a port name'), undefined);
    if (name !== undefined) out.name = name;
    return out;
  });
  if (!ports.length) f.get('ports').error('a Service needs at least one port', false);
  return {
    name: f.get('name').string(DNS_LABEL, 'a Service name') ?? '',
    namespace: f.get('namespace').string(DNS_LABEL, 'a namespace name') ?? '',
    selector: stringMap(f.get('selector'), LABEL_KEY, LABEL_VALUE),
    ports,
  };
}

function readWorkload(v: Value): WorkloadDef | undefined {
  const f = v.object(
    [
      'name',
      'namespace',
      'replicas',
      'labels',
      'containerPorts',
      'readinessGates',
      'errorRate',
      'latency',
      'startDelay',
      'terminationGracePeriod',
    ],
    ['name', 'namespace', 'labels'],
  );
  if (!f) return undefined;
  const containerPorts = f.opt(
    'containerPorts',
    (x) =>
      listOf(x, (p) => {
        const pf = p.object(['name', 'containerPort'], ['name', 'containerPort']);
        if (!pf) return undefined;
        return {
          name: pf.get('name').string(/^[a-z0-9]([-a-z0-9]{0,13})$/, 'a port name (≤ 15 chars)') ?? '',
          containerPort: pf.get('containerPort').int(1, 65535) ?? 0,
        };
      }),
    [{ name: 'http', containerPort: 80 }],
  );
  const grace = f.opt('terminationGracePeriod', (x) => x.duration(3_600_000), 30_000);
  return {
    name: f.get('name').string(DNS_LABEL, 'a workload name') ?? '',
    namespace: f.get('namespace').string(DNS_LABEL, 'a namespace name') ?? '',
    replicas: f.opt('replicas', (x) => x.int(0, 5000), 1),
    labels: stringMap(f.get('labels'), LABEL_KEY, LABEL_VALUE),
    containerPorts,
    readinessGates: f.opt('readinessGates', (x) => listOf(x, (g) => g.string(LABEL_KEY, 'a condition type')), []),
    errorRate: f.opt('errorRate', (x) => x.fraction(), 0),
    latencyMs: f.opt('latency', (x) => x.duration(60_000), 20),
    startDelayMs: f.opt('startDelay', (x) => x.duration(3_600_000), 5000),
    terminationGracePeriodSeconds: Math.round(grace / 1000),
  };
}

function readTraffic(v: Value): TrafficDef | undefined {
  const f = v.object(['loadBalancer', 'port', 'rps', 'rules'], ['loadBalancer', 'rps']);
  if (!f) return undefined;
  return {
    loadBalancer: f.get('loadBalancer').string() ?? '',
    port: f.opt('port', (x) => x.int(1, 65535), 80),
    rps: f.get('rps').number(0, 1_000_000) ?? 0,
    rules: f.opt(
      'rules',
      (x) =>
        listOf(x, (r) => {
          const rf = r.object(['priority', 'share'], ['priority', 'share']);
          if (!rf) return undefined;
          return { priority: rf.get('priority').int(1, 50_000) ?? 0, share: rf.get('share').fraction() ?? 0 };
        }),
      [],
    ),
  };
}

const COMPARISONS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;

function readAlarm(v: Value): AlarmDef | undefined {
  const f = v.object(
    [
      'name',
      'namespace',
      'metricName',
      'loadBalancer',
      'targetGroup',
      'dimensions',
      'statistic',
      'extendedStatistic',
      'period',
      'evaluationPeriods',
      'datapointsToAlarm',
      'threshold',
      'comparisonOperator',
      'treatMissingData',
    ],
    ['name', 'metricName', 'threshold', 'comparisonOperator'],
  );
  if (!f) return undefined;
  // Names are resolved to ARN suffixes in references.ts; here they are kept as `lb:`/`tg:` markers.
  const dimensions: AlarmDef['dimensions'] = [];
  const lb = f.opt('loadBalancer', (x) => x.string(), undefined);
  const tg = f.opt('targetGroup', (x) => x.string(), undefined);
  if (lb !== undefined) dimensions.push({ name: 'LoadBalancer', value: `lb:${lb}` });
  if (tg !== undefined) dimensions.push({ name: 'TargetGroup', value: `tg:${tg}` });
  for (const [k, val] of f.opt('dimensions', (x) => x.entries(), [])) {
    const s = val.string();
    if (s !== undefined) dimensions.push({ name: k, value: s });
  }
  const alarm: AlarmDef = {
    name: f.get('name').string(/^[^\s].{0,254}$/, 'an alarm name (1–255 chars)') ?? '',
    namespace: f.opt('namespace', (x) => x.string(), 'AWS/ApplicationELB'),
    metricName: f.get('metricName').string() ?? '',
    dimensions,
    periodSeconds: f.opt('period', (x) => x.duration(86_400_000), 60_000) / 1000,
    evaluationPeriods: f.opt('evaluationPeriods', (x) => x.int(1, 1440), 1),
    threshold: f.get('threshold').number() ?? 0,
    comparisonOperator: f.get('comparisonOperator').oneOf(COMPARISONS) ?? 'GreaterThanThreshold',
    treatMissingData: f.opt(
      'treatMissingData',
      (x) => x.oneOf(['breaching', 'notBreaching', 'ignore', 'missing'] as const),
      'missing',
    ),
  };
  if (alarm.periodSeconds % 60 !== 0 || alarm.periodSeconds === 0) f.get('period').error('must be a multiple of 60s');
  const stat = f.opt(
    'statistic',
    (x) => x.oneOf(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'] as const),
    undefined,
  );
  const ext = f.opt('extendedStatistic', (x) => x.string(/^p\d{1,2}(\.\d{1,2})?$/, 'a percentile like p99'), undefined);
  if ((stat === undefined) === (ext === undefined))
    v.error('give exactly one of statistic or extendedStatistic', false);
  if (stat) alarm.statistic = stat;
  if (ext) alarm.extendedStatistic = ext;
  const dta = f.opt('datapointsToAlarm', (x) => x.int(1, alarm.evaluationPeriods), undefined);
  if (dta !== undefined) alarm.datapointsToAlarm = dta;
  return alarm;
}
