/**
 * THE rollout spec: every field, its type, range, default and documentation, written once.
 * The validator (check-shape.ts), the JSON Schema (json-schema.ts) and the README reference
 * (reference.ts) are generated from this; cross-field rules live in check-rollout.ts.
 */
import { REGION_ALLOWED, REGION_PATTERN } from './regions.ts';
import type { AnyOfShape, ArrayShape, MapShape, ObjectShape, UnionShape } from './shape.ts';
import { dnsLabel, duration, HOUR, int, labelKey, labels, MINUTE, opt, percent, req } from './shape-builders.ts';
import { API_VERSION, KIND } from './types.ts';

/** An ALB forward action holds at most 5 target groups, so a route can span at most 5 clusters. */
export const MAX_CLUSTERS = 5;

const clusterRef = (doc: string, defaultDoc?: string) =>
  dnsLabel(doc, {
    allowed: 'the name of one of spec.clusters',
    typeName: 'cluster name',
    ...(defaultDoc ? { defaultDoc } : {}),
  });

const minRequests = int(
  'Requests the window must hold before the check can pass or fail; fewer is inconclusive (never a pass).',
  { min: 1, max: 1_000_000_000, default: 100 },
);

const assumeRole: ObjectShape = {
  t: 'object',
  title: 'spec.clusters[].assumeRole',
  doc: "An IAM role to assume for this cluster's AWS calls (cross-account target groups), as the AWS Load Balancer Controller's `iamRoleArnToAssume`.",
  fields: {
    roleArn: req({ t: 'arn', arn: 'iam-role', doc: 'Role to assume, `arn:aws:iam::<account>:role/<name>`.' }, [
      'iamRoleArnToAssume',
      'role',
      'arn',
    ]),
    externalId: opt(
      {
        t: 'string',
        doc: "External id the role's trust policy requires.",
        pattern: /^[\w+=,.@:/-]+$/,
        allowed: '2–1224 letters, digits and +=,.@:/-',
        minLength: 2,
        maxLength: 1224,
      },
      ['assumeRoleExternalId', 'externalID'],
    ),
  },
};

const cluster: ObjectShape = {
  t: 'object',
  title: 'spec.clusters[]',
  doc: 'A Kubernetes cluster with a target group in every route.',
  fields: {
    name: req(dnsLabel('Name used in `from`, `to`, `targetGroups` and gates.')),
    context: opt(
      { t: 'string', doc: 'kubeconfig context of the cluster.', minLength: 1, defaultDoc: 'the cluster name' },
      ['kubeContext', 'kubeconfigContext'],
    ),
    assumeRole: opt(assumeRole, ['iamRoleArnToAssume', 'role']),
  },
};

const binding: ObjectShape = {
  t: 'object',
  title: 'spec.routes[].binding',
  doc: "The Kubernetes Service whose ready endpoints are registered into each cluster's target group (by `cutover agent`); the same in every cluster.",
  fields: {
    namespace: req(dnsLabel('Namespace of the Service.')),
    service: req(
      dnsLabel('Name of the Service.', {
        pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
        allowed: 'a Service name: lowercase letters, digits and "-", starting with a letter',
        typeName: 'Service name',
      }),
      ['serviceRef', 'name', 'serviceName'],
    ),
    port: req(
      {
        t: 'anyOf',
        doc: 'Service port, by number (1–65535) or by name (an IANA service name such as `http`).',
        allowed: 'a port number 1–65535 or a port name such as http',
        options: [
          {
            t: 'number',
            integer: true,
            min: 1,
            max: 65535,
            doc: 'port number',
            hint: 'a port number 1–65535 or a port name such as http',
          },
          {
            t: 'string',
            doc: 'port name',
            typeName: 'port name',
            pattern: /^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/,
            maxLength: 15,
            allowed: 'a port name: 1–15 lowercase letters, digits and single "-", with at least one letter',
          },
        ],
      } satisfies AnyOfShape,
      ['servicePort'],
    ),
  },
};

const route: ObjectShape = {
  t: 'object',
  title: 'spec.routes[]',
  doc: "A listener (default action) or listener rule whose forward action splits traffic across the clusters' target groups. All routes move together, in lockstep.",
  fields: {
    name: req(dnsLabel('Name of the route, unique in the rollout; used in messages and state tags.')),
    listenerArn: opt(
      {
        t: 'arn',
        arn: 'listener',
        doc: 'Listener whose default action forwards to the target groups. Set this or `ruleArn`.',
      },
      ['listener', 'listenerARN'],
    ),
    ruleArn: opt(
      {
        t: 'arn',
        arn: 'listener-rule',
        doc: 'Listener rule whose forward action is shifted. Set this or `listenerArn`.',
      },
      ['rule', 'listenerRuleArn', 'ruleARN'],
    ),
    targetGroups: req(
      {
        t: 'map',
        doc: 'Target group ARN for each cluster (`cluster name: ARN`); every cluster, no others, each ARN once.',
        key: dnsLabel('cluster name'),
        values: { t: 'arn', arn: 'targetgroup', doc: 'Target group ARN.' },
        allowed: 'a mapping of each cluster name to its target group ARN',
        example: '{blue: arn:aws:elasticloadbalancing:…:targetgroup/web-blue/…, green: arn:…:targetgroup/web-green/…}',
        maxEntries: MAX_CLUSTERS,
      } satisfies MapShape,
      ['targetGroupARN', 'targetGroupArn', 'targetGroupArns', 'targetGroup'],
    ),
    binding: opt(binding, ['serviceRef', 'service']),
  },
  exclusive: [
    {
      keys: ['listenerArn', 'ruleArn'],
      required: true,
      why: "a route is either a listener's default action (listenerArn) or a listener rule (ruleArn)",
    },
  ],
};

const step: ObjectShape = {
  t: 'object',
  title: 'spec.steps[]',
  doc: 'One step: move traffic (`weight` or `weights`) and bake, or wait for an operator (`approve: true`).',
  fields: {
    weight: opt(
      {
        t: 'number',
        min: 0,
        max: 100,
        hint: 'use a percent such as 25',
        doc: 'Percent of traffic (0–100, decimals allowed) on `to`; `from` gets the rest, other clusters 0.',
      },
      ['setWeight', 'percent', 'traffic'],
    ),
    weights: opt(
      {
        t: 'map',
        doc: 'Explicit split for rollouts with more than two clusters: percent per cluster, summing to 100; clusters not listed get 0.',
        key: dnsLabel('cluster name'),
        values: { t: 'number', min: 0, max: 100, doc: 'percent', hint: 'use a percent such as 25' },
        allowed: 'a mapping of cluster name to percent, e.g. {blue: 70, green: 30}',
        maxEntries: MAX_CLUSTERS,
      },
      ['split'],
    ),
    bake: opt(
      duration('How long to hold the step (gates keep ticking) before the next one.', {
        defaultDoc: '`gates.interval`',
        minMs: 0,
        maxMs: 168 * HOUR,
      }),
      ['pause', 'duration', 'wait', 'hold'],
    ),
    approve: opt(
      {
        t: 'boolean',
        const: true,
        hint: 'write approve: true, or remove the step',
        doc: 'Wait here until an operator runs `cutover promote` (gates and alarms keep watching meanwhile: a failure rolls back).',
      },
      ['approval', 'manual', 'promote'],
    ),
  },
  exclusive: [
    {
      keys: ['weight', 'weights', 'approve'],
      required: true,
      why: 'a step either moves traffic (weight or weights) or waits for approval (approve: true); split it into two steps',
    },
  ],
  onlyWith: { bake: { keys: ['weight', 'weights'], why: 'an approval step waits for the operator, not for a time' } },
};

const cluster5xx = (doc: string) => opt(clusterRef(doc, '`spec.to`'));
const checkVariants: Record<string, ObjectShape> = {
  target5xxRate: {
    t: 'object',
    doc: "HTTPCode_Target_5XX_Count / RequestCount of one cluster's target groups (all routes) over the last interval; fails above `max`.",
    fields: {
      cluster: cluster5xx('Cluster whose target groups are judged.'),
      max: req(percent('Highest acceptable 5xx rate, e.g. `1%`.'), ['threshold', 'maxRate']),
      minRequests: opt(minRequests),
    },
  },
  elb5xxRate: {
    t: 'object',
    doc: 'HTTPCode_ELB_5XX_Count / RequestCount of each load balancer of the routes (ELB 5xx has no target group dimension); fails above `max`.',
    fields: {
      max: req(percent('Highest acceptable load-balancer 5xx rate, e.g. `0.5%`.'), ['threshold', 'maxRate']),
      minRequests: opt(minRequests),
    },
  },
  healthyTargets: {
    t: 'object',
    doc: "Healthy targets of one cluster's target groups (DescribeTargetHealth); fails below `minRatio` of registered targets or below `min`.",
    fields: {
      cluster: cluster5xx('Cluster whose target groups are judged.'),
      minRatio: opt(
        percent('Lowest acceptable share of registered targets that are healthy.', {
          default: '90%',
          exclusiveMin: true,
        }),
      ),
      min: opt(int('Lowest acceptable number of healthy targets per target group.', { min: 1, max: 100_000 })),
    },
  },
  compare5xx: {
    t: 'object',
    doc: "Compares the candidate's 5xx rate with the baseline's over the same minutes (a one-sided two-proportion test); fails when the candidate is worse by more than `maxIncrease` with the given confidence.",
    fields: {
      baseline: opt(clusterRef('Cluster to compare against.', '`spec.from`')),
      candidate: opt(clusterRef('Cluster under test.', '`spec.to`')),
      maxIncrease: req(
        percent('Largest acceptable increase of the 5xx rate, in percentage points, e.g. `0.5%`.', {
          exclusiveMin: true,
        }),
        ['threshold', 'max'],
      ),
      minRequests: opt(minRequests),
      confidence: opt(percent('Confidence required to call a regression.', { min: 0.5, max: 0.9999, default: '95%' })),
    },
  },
  alarm: {
    t: 'object',
    doc: 'CloudWatch alarms (metric or composite) by name; any in ALARM rolls back at once, whenever it happens.',
    fields: {
      names: req(
        {
          t: 'array',
          doc: 'Alarm names (1–100).',
          allowed: 'a list of CloudWatch alarm names, e.g. [edge-p99-latency]',
          items: { t: 'string', doc: 'alarm name', minLength: 1, maxLength: 255 },
          minItems: 1,
          maxItems: 100,
          unique: true,
        } satisfies ArrayShape,
        ['alarms', 'alarmNames', 'name'],
      ),
    },
  },
};

const check: UnionShape = {
  t: 'union',
  tag: 'type',
  doc: 'A gate check, picked by `type`.',
  variants: checkVariants,
};

const gates: ObjectShape = {
  t: 'object',
  title: 'spec.gates',
  default: {},
  doc: 'Checks judged every `interval` while steps bake; failures beyond `failureLimit` roll back.',
  fields: {
    interval: opt(
      duration('How often the checks are judged, over windows of this length aligned to the minute.', {
        default: '1m',
        minMs: MINUTE,
        maxMs: HOUR,
        minWhy: 'ALB metrics have a 60-second period',
      }),
    ),
    checks: opt(
      {
        t: 'array',
        doc: 'The checks; an empty list means traffic moves on bake time alone.',
        items: check,
        maxItems: 50,
        default: [],
      },
      ['analysis', 'metrics'],
    ),
    failureLimit: opt(
      int(
        'Failed ticks tolerated over the whole rollout; the next failed tick rolls back. 0 rolls back on the first failure.',
        {
          min: 0,
          max: 100,
          default: 0,
        },
      ),
      ['failureThreshold', 'maxFailures'],
    ),
    inconclusiveLimit: opt(
      int(
        'Inconclusive ticks (too few requests, metrics unreadable) tolerated in a row; the next one counts as a failure (fail closed).',
        {
          min: 0,
          max: 1000,
          default: 5,
        },
      ),
      ['inconclusiveThreshold'],
    ),
    lag: opt(
      duration('How far behind now the metric windows end, to skip minutes CloudWatch has not fully published.', {
        default: '2m',
        minMs: 0,
        maxMs: 15 * MINUTE,
      }),
      ['delay'],
    ),
  },
};

const capacity: ObjectShape = {
  t: 'object',
  title: 'spec.capacity',
  default: {},
  doc: 'Preflight of the receiving cluster before every increase of its share.',
  fields: {
    minHealthyTargets: opt(
      int('Healthy targets each receiving target group needs before any increase.', {
        min: 1,
        max: 100_000,
        default: 1,
      }),
    ),
    headroom: opt({
      t: 'number',
      doc: "Receiving healthy targets must be at least `headroom` × its new share × the source's healthy targets (1.2 = 20% spare).",
      min: 1,
      max: 10,
      default: 1,
      hint: 'use a factor such as 1.2',
    }),
    wait: opt(
      duration('How long preflight waits for capacity before the rollout fails (without moving traffic).', {
        default: '5m',
        minMs: 0,
        maxMs: 6 * HOUR,
      }),
    ),
  },
};

const rollback: ObjectShape = {
  t: 'object',
  title: 'spec.rollback',
  default: {},
  doc: 'How traffic returns to `from` when a gate fails, an alarm fires or an operator aborts.',
  fields: {
    mode: opt(
      {
        t: 'string',
        enum: ['instant', 'gradual'],
        default: 'instant',
        doc: '`instant`: all traffic back to `from` in one write. `gradual`: back down through the weights already reached, baking `stepBake` between them.',
      },
      ['strategy'],
    ),
    stepBake: opt(duration('Bake between steps of a gradual rollback.', { default: '30s', minMs: 0, maxMs: HOUR }), [
      'bake',
    ]),
  },
};

const spec: ObjectShape = {
  t: 'object',
  title: 'spec',
  doc: 'What moves where, in which steps, under which gates.',
  fields: {
    region: req(
      {
        t: 'string',
        doc: 'AWS region of the load balancers; every ARN must be in it.',
        typeName: 'AWS region',
        pattern: REGION_PATTERN,
        allowed: REGION_ALLOWED,
      },
      ['awsRegion'],
    ),
    clusters: req(
      {
        t: 'array',
        doc: 'The clusters, 2 to 5 (an ALB forward action holds at most 5 target groups).',
        items: cluster,
        allowed: 'a list of clusters, e.g. [{name: blue}, {name: green}]',
        countWhy: 'traffic moves between two or more clusters, and a forward action holds at most 5 target groups',
        minItems: 2,
        maxItems: MAX_CLUSTERS,
        uniqueBy: 'name',
      },
      ['cluster'],
    ),
    from: req(clusterRef('The cluster taking the traffic now.'), ['source', 'baseline']),
    to: req(clusterRef('The cluster receiving it.'), ['target', 'destination', 'candidate']),
    partial: opt(
      {
        t: 'boolean',
        default: false,
        doc: 'Set to true for a rollout that deliberately ends with traffic split (a long-running canary); otherwise the last weight step must reach 100.',
      },
      ['allowPartial', 'canary'],
    ),
    routes: req(
      {
        t: 'array',
        doc: 'Listeners or rules moved together, in lockstep (1–50).',
        items: route,
        minItems: 1,
        maxItems: 50,
        uniqueBy: 'name',
        allowed: 'a list of routes, each with name, listenerArn or ruleArn, and targetGroups',
      },
      ['route', 'services', 'listeners'],
    ),
    steps: req(
      {
        t: 'array',
        doc: 'The steps, in order (1–100).',
        items: step,
        minItems: 1,
        maxItems: 100,
        allowed: 'a list of steps, e.g. [{weight: 5, bake: 5m}, {approve: true}, {weight: 100}]',
      },
      ['step'],
    ),
    gates: opt(gates, ['gate', 'analysis', 'checks']),
    capacity: opt(capacity),
    rollback: opt(rollback, ['rollBack']),
  },
};

const metadata: ObjectShape = {
  t: 'object',
  title: 'metadata',
  doc: 'Identity of the rollout.',
  fields: {
    name: req(
      dnsLabel('Name of the rollout; written to state tags, so one name per listener at a time.', {
        pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
        allowed: 'a name of lowercase letters, digits, "-" and ".", e.g. web-cutover',
        typeName: 'name',
      }),
    ),
    labels: opt(labels('Kubernetes-style labels (for your tooling; cutover ignores them).')),
    annotations: opt({
      t: 'map',
      doc: 'Free-form notes (ticket links, owners); cutover ignores them.',
      key: labelKey('annotation key', { typeName: 'annotation key', allowed: 'a Kubernetes annotation key' }),
      values: { t: 'string', doc: 'annotation value', maxLength: 4096 },
      maxEntries: 64,
      allowed: 'a mapping of annotation keys to text, e.g. {ticket: OPS-1234}',
    }),
  },
};

export const ROLLOUT_SHAPE: ObjectShape = {
  t: 'object',
  title: 'ClusterRollout',
  doc: 'A cutover rollout file.',
  fields: {
    apiVersion: req({ t: 'string', enum: [API_VERSION], doc: `Always \`${API_VERSION}\`.` }, ['version', 'api']),
    kind: req({ t: 'string', enum: [KIND], doc: `Always \`${KIND}\`.` }),
    metadata: req(metadata, ['meta']),
    spec: req(spec),
  },
};
