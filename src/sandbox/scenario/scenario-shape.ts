/**
 * THE sandbox scenario file (`kind: SandboxScenario`): every field, its type, range, default and
 * documentation, written once in the rollout spec's shape language (src/spec/shape.ts). The
 * validator (check-shape.ts), schema/scenario.schema.json and the README's scenario reference
 * are generated from it; rules across fields are in references.ts and value-rules.ts.
 */

import type { AnyOfShape, ArrayShape, MapShape, ObjectShape } from '../../spec/shape.ts';
import { HOUR, labelKey, labels, MINUTE, opt, percent, req } from '../../spec/shape-builders.ts';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../ids.ts';
import { FAULT_SHAPE } from './fault-shape.ts';
import { clusterRef, dnsLabel, duration, elbName, int, port, portName } from './shape-parts.ts';

export const SCENARIO_API_VERSION = 'cutover.dev/v1alpha1';
export const SCENARIO_KIND = 'SandboxScenario';

const list = (doc: string, items: ObjectShape, extra: Partial<ArrayShape> = {}): ArrayShape => ({
  t: 'array',
  doc,
  items,
  default: [],
  ...extra,
});

const lagRange: ObjectShape = {
  t: 'object',
  title: 'metrics.lag',
  doc: "A range of publication lags: each load balancer's minute gets one drawn uniformly in it.",
  fields: {
    min: req(duration('Shortest lag.', { maxMs: 15 * MINUTE })),
    max: req(duration('Longest lag; not less than `min`.', { maxMs: 15 * MINUTE })),
  },
};

const metrics: ObjectShape = {
  t: 'object',
  title: 'metrics',
  default: {},
  doc: 'How the world samples traffic and publishes `AWS/ApplicationELB` metrics.',
  fields: {
    lag: opt({
      t: 'anyOf',
      doc: 'How long after a minute ends its datapoints become visible: one duration, or `{min, max}` (AWS does not document it; 1–3 minutes is what one sees).',
      defaultDoc: '`{min: 60s, max: 120s}`',
      allowed: 'a duration such as 90s, or a range such as {min: 60s, max: 120s}',
      options: [duration('A fixed lag.', { maxMs: 15 * MINUTE }), lagRange],
    } satisfies AnyOfShape),
    step: opt(
      duration(
        'Traffic sub-step: requests are sampled in aggregate per step, with the listener weights at its start. Divides a minute evenly.',
        { default: '1s', minMs: 100, maxMs: MINUTE },
      ),
    ),
  },
};

const forward = (doc: string): MapShape => ({
  t: 'map',
  doc,
  key: elbName('target group name'),
  values: int('weight', 0, 999, { hint: 'a weight 0–999, as in an ALB forward action' }),
  minEntries: 1,
  maxEntries: 5,
  allowed: 'a mapping of target group name to weight 0–999, e.g. {web-blue: 100, web-green: 0}',
});

const rule: ObjectShape = {
  t: 'object',
  title: 'loadBalancers[].listeners[].rules[]',
  doc: 'A listener rule: requests matching its conditions (all of them) are forwarded by its action. Needs `pathPattern` or `hostHeader`.',
  fields: {
    priority: req(int('Rule priority, unique on the listener; lower is evaluated first.', 1, 50_000)),
    pathPattern: opt(
      {
        t: 'array',
        doc: 'Path patterns (`/api/*`); any may match.',
        items: { t: 'string', doc: 'path pattern', minLength: 1 },
      },
      ['path', 'pathPatterns'],
    ),
    hostHeader: opt(
      {
        t: 'array',
        doc: 'Host names (`api.example.com`); any may match.',
        items: { t: 'string', doc: 'host', minLength: 1 },
      },
      ['host', 'hostHeaders'],
    ),
    forward: req(forward('Forward action of the rule: target group → weight.')),
  },
};

const listener: ObjectShape = {
  t: 'object',
  title: 'loadBalancers[].listeners[]',
  doc: 'A listener; its default action forwards to target groups by weight.',
  fields: {
    port: req(port('Listener port, unique on the load balancer.')),
    protocol: opt({ t: 'string', doc: 'Listener protocol.', enum: ['HTTP', 'HTTPS'], default: 'HTTP' }),
    certificateArn: opt({
      t: 'string',
      doc: 'Certificate of an HTTPS listener (ACM or IAM server certificate ARN); only with `protocol: HTTPS`.',
      typeName: 'certificate ARN',
      pattern:
        /^arn:aws[a-z-]*:(acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+|iam::\d{12}:server-certificate\/\S+)$/,
      allowed: 'an ACM certificate ARN such as arn:aws:acm:us-east-1:000000000000:certificate/<id>',
      defaultDoc:
        'for HTTPS, `arn:aws:acm:<region>:<account>:certificate/<id>` with an id derived from the load balancer and port',
    }),
    forward: req(
      forward(
        'Default action: target group → weight (0–999, at most 5 groups). A group at weight 0 stays attached, so its targets are health-checked.',
      ),
      ['forwardConfig', 'targetGroups', 'defaultActions'],
    ),
    rules: opt(list('Listener rules.', rule, { uniqueBy: 'priority' })),
  },
};

const loadBalancer: ObjectShape = {
  t: 'object',
  title: 'loadBalancers[]',
  doc: 'An Application Load Balancer.',
  fields: {
    name: req(elbName('Load balancer name; its ARN is derived from it.')),
    listeners: opt(list('Listeners.', listener, { uniqueBy: 'port' })),
  },
};

const healthCheck: ObjectShape = {
  t: 'object',
  title: 'targetGroups[].healthCheck',
  default: {},
  doc: "The target group's health check; the defaults are AWS's.",
  fields: {
    path: opt({
      t: 'string',
      doc: 'Path requested.',
      pattern: /^\/\S*$/,
      allowed: 'a path starting with /',
      default: '/',
    }),
    interval: opt(
      duration('Time between checks of a target, in whole seconds.', { minMs: 5000, maxMs: 300_000, default: '30s' }),
    ),
    timeout: opt(
      duration('Time without an answer that fails a check, in whole seconds; less than `interval`.', {
        minMs: 2000,
        maxMs: 120_000,
        default: '5s',
      }),
    ),
    healthyThreshold: opt(int('Consecutive successes that make a target healthy.', 2, 10, { default: 5 })),
    unhealthyThreshold: opt(int('Consecutive failures that make a target unhealthy.', 2, 10, { default: 2 })),
    matcher: opt({
      t: 'string',
      doc: 'HTTP codes counted as success, e.g. `200` or `200-299`.',
      pattern: /^\d{3}([,-]\d{3})*$/,
      allowed: 'HTTP codes such as 200, 200,204 or 200-299 (quote them)',
      default: '200',
    }),
  },
};

const portOrName = (doc: string, defaultDoc: string): AnyOfShape => ({
  t: 'anyOf',
  doc,
  defaultDoc,
  allowed: 'a port number 1–65535 or a port name such as http',
  options: [port('port number'), portName('port name')],
});

const registration: ObjectShape = {
  t: 'object',
  title: 'targetGroups[].registered',
  doc: "Registers, at start, the ready endpoints of one cluster's Service port (once; keeping them in step is the agent's job).",
  fields: {
    fromCluster: req(clusterRef('Cluster whose pods are registered.'), ['cluster']),
    namespace: req(dnsLabel('Namespace of the Service.')),
    service: req(dnsLabel('Name of the Service.'), ['serviceName']),
    port: opt(portOrName('Service port, by number or name.', "the Service's first port")),
  },
};

const targetGroup: ObjectShape = {
  t: 'object',
  title: 'targetGroups[]',
  doc: 'An ip target group.',
  fields: {
    name: req(elbName('Target group name; its ARN is derived from it.')),
    targetType: opt({ t: 'string', doc: 'Target type (only `ip`).', enum: ['ip'], default: 'ip' }),
    protocol: opt({ t: 'string', doc: 'Protocol to targets.', enum: ['HTTP', 'HTTPS'], default: 'HTTP' }),
    port: opt(port('Port of targets registered without one.', { default: 80 })),
    healthCheck: opt(healthCheck, ['healthChecks']),
    deregistrationDelay: opt(
      duration('How long a deregistered target drains, in whole seconds.', { maxMs: HOUR, default: '300s' }),
      ['deregistrationDelaySeconds'],
    ),
    registered: opt(
      {
        t: 'anyOf',
        doc: 'What the group holds at start: `none`, or the ready endpoints of a Service in a cluster.',
        default: 'none',
        allowed: 'none, or a mapping with fromCluster, namespace, service and port',
        options: [
          {
            t: 'string',
            doc: 'none',
            typeName: '`none`',
            pattern: /^none$/,
            allowed: 'none, or a mapping with fromCluster, namespace, service and port',
          },
          registration,
        ],
      },
      ['targets', 'registration'],
    ),
  },
};

const servicePort: ObjectShape = {
  t: 'object',
  title: 'clusters[].services[].ports[]',
  doc: 'A Service port.',
  fields: {
    name: opt(portName('Port name (what `registered.port` and EndpointSlices use).')),
    port: req(port('Service port.')),
    targetPort: opt(portOrName('Container port, by number or by the name of a `containerPorts` entry.', '`port`')),
  },
};

const service: ObjectShape = {
  t: 'object',
  title: 'clusters[].services[]',
  doc: 'A Service; its EndpointSlices list the ready pods its selector matches.',
  fields: {
    name: req(dnsLabel('Service name.')),
    namespace: req(dnsLabel('Namespace.')),
    selector: req(labels('Pod labels the Service selects.')),
    ports: req({
      t: 'array',
      doc: 'Service ports (at least one).',
      items: servicePort,
      minItems: 1,
      uniqueBy: 'port',
      allowed: 'a list of ports, e.g. [{name: http, port: 80, targetPort: http}]',
    }),
  },
};

const containerPort: ObjectShape = {
  t: 'object',
  title: 'clusters[].workloads[].containerPorts[]',
  doc: 'A named container port.',
  fields: {
    name: req(portName('Port name.')),
    containerPort: req(port('Port number.')),
  },
};

const noise: ObjectShape = {
  t: 'object',
  title: 'clusters[].workloads[].noise',
  doc: "Random drift of the workload's error rate and latency within a band around their means (a mean-reverting walk, moving every 10 s, deterministic per seed). Faults still override it.",
  fields: {
    errorRate: opt({
      t: 'object',
      doc: 'Error rate drift: between `mean − band` and `mean + band` (never below 0).',
      fields: {
        mean: opt(percent('Mean error rate.', { defaultDoc: "the workload's `errorRate`" })),
        band: req(percent('Half-width of the band, e.g. `0.1%`.')),
      },
    }),
    latency: opt({
      t: 'object',
      doc: 'Latency drift: between `mean − band` and `mean + band` (never below 1ms).',
      fields: {
        mean: opt(duration('Mean response time.', { maxMs: MINUTE, defaultDoc: "the workload's `latency`" })),
        band: req(duration('Half-width of the band, e.g. `10ms`.', { maxMs: MINUTE })),
      },
    }),
  },
};

const workload: ObjectShape = {
  t: 'object',
  title: 'clusters[].workloads[]',
  doc: "A Deployment of `replicas` pods, run by the cluster's Deployment controller like any other.",
  fields: {
    name: req(dnsLabel('Workload (Deployment) name, unique in its namespace.')),
    namespace: req(dnsLabel('Namespace.')),
    replicas: opt(int('Number of pods.', 0, 5000, { default: 1 })),
    labels: req(labels('Pod labels, also the Deployment selector.'), ['podLabels']),
    containerPorts: opt(
      {
        t: 'array',
        doc: 'Named container ports of the pods.',
        items: containerPort,
        default: [{ name: 'http', containerPort: 80 }],
        uniqueBy: 'name',
      },
      ['ports'],
    ),
    readinessGates: opt({
      t: 'array',
      doc: 'Pod readiness gate condition types (e.g. `target-health.cutover.dev/web`): a pod is Ready only once a client sets them True.',
      items: labelKey('condition type'),
      default: [],
      unique: true,
    }),
    errorRate: opt(percent('Share of requests a pod answers with a 5xx.', { default: '0%' })),
    latency: opt(duration('Mean response time of a pod.', { maxMs: MINUTE, default: '20ms' })),
    capacity: opt({
      t: 'number',
      doc: 'Requests per second one pod serves; above it the overflow share is answered with 503 and latency climbs with utilisation (see the sandbox README, Traffic). Without it, unlimited.',
      min: 0.01,
      max: 1_000_000,
    }),
    noise: opt(noise),
    startDelay: opt(duration('From pod creation until its containers are ready.', { maxMs: HOUR, default: '5s' })),
    terminationGracePeriod: opt(
      duration('Grace period of a deleted pod, in whole seconds.', { maxMs: HOUR, default: '30s' }),
      ['terminationGracePeriodSeconds'],
    ),
  },
};

const cluster: ObjectShape = {
  t: 'object',
  title: 'clusters[]',
  doc: 'A simulated Kubernetes cluster with its own API server; also a kubeconfig context.',
  fields: {
    name: req(dnsLabel('Cluster name, also the kubeconfig context.')),
    podCidr: opt({
      t: 'string',
      doc: 'Range pod IPs come from; ranges of clusters must differ.',
      typeName: 'CIDR',
      pattern: /^10\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.0\.0\/16$/,
      allowed: 'a range 10.N.0.0/16 with N from 0 to 255',
      defaultDoc: "`10.<n>.0.0/16`, n = 1 + the cluster's index",
    }),
    nodesPerZone: opt(
      int('Worker nodes in each of the three zones (EC2 instances of one node group).', 1, 20, { default: 1 }),
    ),
    outsideVpc: opt({
      t: 'boolean',
      default: false,
      doc: "Pods live outside the load balancer's VPC (another VPC or account, reached over peering or a transit gateway): their IPs must be registered with `AvailabilityZone: all`.",
    }),
    namespaces: opt(
      {
        t: 'array',
        doc: 'Namespaces; those of services and workloads are added.',
        items: dnsLabel('namespace'),
        default: [],
        unique: true,
      },
      ['namespace'],
    ),
    services: opt(list('Services.', service), ['service']),
    workloads: opt(list('Workloads (Deployments).', workload), ['workload', 'deployments']),
  },
};

const trafficRule: ObjectShape = {
  t: 'object',
  title: 'traffic[].rules[]',
  doc: "Share of the listener's requests that match a rule.",
  fields: {
    priority: req(int('Priority of a rule of the listener.', 1, 50_000)),
    share: req(percent('Share of requests, e.g. `20%`; the default action gets what the rules leave.')),
  },
};

const traffic: ObjectShape = {
  t: 'object',
  title: 'traffic[]',
  doc: 'Requests arriving at a listener.',
  fields: {
    loadBalancer: req(elbName('Load balancer of the listener.')),
    port: opt(port('Listener port.', { default: 80 })),
    rps: req({ t: 'number', doc: 'Requests per second.', min: 0, max: 1_000_000, example: 200 }, [
      'requestsPerSecond',
      'rate',
    ]),
    rules: opt(list('Shares of listener rules.', trafficRule, { uniqueBy: 'priority' })),
  },
};

const alarm: ObjectShape = {
  t: 'object',
  title: 'alarms[]',
  doc: 'A CloudWatch metric alarm, as PutMetricAlarm takes it; set `statistic` or `extendedStatistic`.',
  fields: {
    name: req({
      t: 'string',
      doc: 'Alarm name.',
      pattern: /^\S/,
      allowed: 'an alarm name of 1–255 characters, not starting with a space',
      minLength: 1,
      maxLength: 255,
    }),
    namespace: opt({ t: 'string', doc: 'Metric namespace.', minLength: 1, default: 'AWS/ApplicationELB' }),
    metricName: req({ t: 'string', doc: 'Metric name, e.g. `TargetResponseTime`.', minLength: 1 }, ['metric']),
    loadBalancer: opt(elbName('Adds the `LoadBalancer` dimension of this load balancer.')),
    targetGroup: opt(elbName('Adds the `TargetGroup` dimension of this target group.')),
    dimensions: opt({
      t: 'map',
      doc: 'Other dimensions, name → value.',
      key: { t: 'string', doc: 'dimension', minLength: 1, maxLength: 255 },
      values: { t: 'string', doc: 'value', minLength: 1, maxLength: 1024 },
      maxEntries: 30,
    }),
    statistic: opt({
      t: 'string',
      doc: 'Statistic evaluated.',
      enum: ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'],
    }),
    extendedStatistic: opt({
      t: 'string',
      doc: 'Percentile evaluated, e.g. `p99`.',
      pattern: /^p\d{1,2}(\.\d{1,2})?$/,
      allowed: 'a percentile such as p99 or p99.9',
    }),
    period: opt(
      duration('Period of the metric, a multiple of 60s.', { minMs: MINUTE, maxMs: 24 * HOUR, default: '60s' }),
    ),
    evaluationPeriods: opt(int('Periods evaluated.', 1, 1440, { default: 1 })),
    datapointsToAlarm: opt(
      int('Breaching datapoints among them that trigger ALARM; at most `evaluationPeriods`.', 1, 1440, {
        defaultDoc: '`evaluationPeriods`',
      }),
    ),
    threshold: req({ t: 'number', doc: 'Threshold compared with the statistic.' }),
    comparisonOperator: req({
      t: 'string',
      doc: 'How the statistic is compared with the threshold.',
      enum: [
        'GreaterThanOrEqualToThreshold',
        'GreaterThanThreshold',
        'LessThanThreshold',
        'LessThanOrEqualToThreshold',
      ],
    }),
    treatMissingData: opt({
      t: 'string',
      doc: 'How missing datapoints count.',
      enum: ['breaching', 'notBreaching', 'ignore', 'missing'],
      default: 'missing',
    }),
  },
  exclusive: [
    {
      keys: ['statistic', 'extendedStatistic'],
      required: true,
      why: 'an alarm evaluates one statistic: Average, Sum, … or a percentile such as p99',
    },
  ],
};

export const SCENARIO_SHAPE: ObjectShape = {
  t: 'object',
  title: 'SandboxScenario',
  doc: 'A sandbox scenario file: the world `cutover sandbox --scenario FILE` serves, its traffic, alarms and scheduled faults.',
  fields: {
    apiVersion: opt({
      t: 'string',
      enum: [SCENARIO_API_VERSION],
      default: SCENARIO_API_VERSION,
      doc: `Always \`${SCENARIO_API_VERSION}\`.`,
    }),
    kind: opt({ t: 'string', enum: [SCENARIO_KIND], default: SCENARIO_KIND, doc: `Always \`${SCENARIO_KIND}\`.` }),
    region: opt({
      t: 'string',
      doc: 'AWS region of the emulated resources (in their ARNs).',
      typeName: 'AWS region',
      pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
      allowed: 'an AWS region such as us-east-1',
      default: SANDBOX_REGION,
    }),
    account: opt({
      t: 'string',
      doc: 'AWS account id of the emulated resources; quote it, or YAML reads a number.',
      typeName: 'account id',
      pattern: /^\d{12}$/,
      allowed: 'a 12-digit AWS account id in quotes, e.g. "000000000000"',
      default: SANDBOX_ACCOUNT,
    }),
    seed: opt(int('Random seed of the world; `--seed` overrides it.', 0, 2 ** 32 - 1, { defaultDoc: '`1`' })),
    preRegister: opt({
      t: 'boolean',
      default: true,
      doc: 'Set to false to start with every target group empty, whatever its `registered` says (one line turns a world into one before any controller ran).',
    }),
    metrics: opt(metrics),
    loadBalancers: opt(list('Application Load Balancers.', loadBalancer, { uniqueBy: 'name' }), ['loadBalancer']),
    targetGroups: opt(list('Target groups.', targetGroup, { uniqueBy: 'name' }), ['targetGroup']),
    clusters: opt(list('Simulated Kubernetes clusters.', cluster, { uniqueBy: 'name' }), ['cluster']),
    traffic: opt(list('Requests per listener.', traffic)),
    alarms: opt(list('CloudWatch alarms created at start.', alarm, { uniqueBy: 'name' }), ['alarm']),
    faults: opt({ t: 'array', doc: 'Scheduled faults.', items: FAULT_SHAPE, default: [] } satisfies ArrayShape, [
      'fault',
      'chaos',
    ]),
  },
};
