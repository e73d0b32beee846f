/**
 * The faults of a scenario, one variant per `kind`. A fault starts `at` (virtual time after the
 * sandbox started) or `after` its trigger (`when`) fired; `for` (where allowed) bounds the fault,
 * after which the world returns to what the scenario said. Cross-field rules (the cluster, workload
 * or listener exists, operation names) are in references.ts and fault-rules.ts.
 */
import type { ArrayShape, Field, ObjectShape, StringShape, UnionShape } from '../../spec/shape.ts';
import { clusterRef, dnsLabel, duration, elbName, int, opt, percent, port, req } from './shape-parts.ts';

/** Kubernetes API verbs as the API server names them (and as `faults.before` receives them). */
export const KUBE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

const at = opt(duration('When the fault starts, after the sandbox started (virtual time), e.g. `10m`.'));

/** A listener's default action, or one of its rules (`rule`: its priority). */
const actionRef = (what: string): Record<string, Field> => ({
  loadBalancer: req(elbName(`Load balancer of the listener ${what}.`)),
  port: opt(port('Listener port.', { default: 80 })),
  rule: opt(
    int('Priority of the listener rule whose forward action is meant; without it, the default action.', 1, 50_000),
  ),
});

const when: ObjectShape = {
  t: 'object',
  title: 'faults[].when',
  doc: 'A trigger: the fault starts (`after` later) once this happens, instead of at a fixed time. Triggers are armed when the sandbox starts.',
  fields: {
    share: opt({
      t: 'object',
      title: 'faults[].when.share',
      doc: "Fires when the share of the action's total weight going to a cluster (the target groups registered from it) or to a target group first reaches `reaches` — checked at start and at every change of the action's weights.",
      fields: {
        ...actionRef('whose weights are watched'),
        cluster: opt(clusterRef('Cluster whose target groups (those `registered` from it) count.')),
        targetGroup: opt(elbName('Target group that counts.')),
        reaches: req(percent('Share of the total weight, e.g. `50%`.', { exclusiveMin: true }), ['atLeast']),
      },
      exclusive: [
        {
          keys: ['cluster', 'targetGroup'],
          required: true,
          why: 'the share is that of a cluster or of one target group',
        },
      ],
    }),
    weightChange: opt({
      t: 'object',
      title: 'faults[].when.weightChange',
      doc: "Fires when the action's forward weights change for the `count`-th time (a change that leaves every weight as it was does not count).",
      fields: {
        ...actionRef('whose weights are watched'),
        count: opt(int('Which change fires it.', 1, 10_000, { default: 1 })),
      },
    }),
  },
  exclusive: [{ keys: ['share', 'weightChange'], required: true, why: 'a fault has one trigger' }],
};
const after = opt(duration('With `when`: how long after the trigger fired the fault starts.', { default: '0s' }));
const timing = {
  exclusive: [{ keys: ['at', 'when'], required: true, why: 'a fault starts at a time or on a trigger' }],
  onlyWith: { after: { keys: ['when'], why: '`after` counts from the trigger; `at` counts from the start' } },
};
const scope: Record<string, Field> = {
  cluster: req(clusterRef('Cluster whose pods are affected.')),
  namespace: opt(dnsLabel('Only pods in this namespace.', { defaultDoc: 'every namespace' })),
  workload: opt(dnsLabel('Only pods of this workload.', { defaultDoc: 'every workload' })),
};
const until = (doc = 'How long the fault lasts; without it, until the sandbox stops.') => opt(duration(doc));
const pods = opt(int('How many pods in scope are affected.', 1, 100_000, { default: 1 }));
const probability = opt(
  percent('Share of matching calls that fail (drawn from the seeded random stream).', { default: '100%' }),
);
const lasting = opt(duration('How long the fault lasts.', { default: '1m' }));
const cluster = req(clusterRef('Cluster whose API server (kubeconfig context) misbehaves.'));

const operations: ArrayShape = {
  t: 'array',
  doc: 'API operations affected, e.g. `[ModifyListener, RegisterTargets]`; empty means all.',
  items: {
    t: 'string',
    doc: 'operation',
    pattern: /^[A-Za-z0-9]+$/,
    allowed: 'an API operation name such as ModifyListener',
  },
  default: [],
  unique: true,
};
const awsService: StringShape = {
  t: 'string',
  doc: 'AWS service whose calls fail; `*` for all.',
  enum: ['elbv2', 'cloudwatch', 'sts', '*'],
  default: '*',
};
const kubeApi: Record<string, Field> = {
  cluster,
  verbs: opt({
    t: 'array',
    doc: 'Verbs affected, as the API server names them; empty means all.',
    items: { t: 'string', doc: 'verb', enum: KUBE_VERBS },
    default: [],
    unique: true,
  }),
  resources: opt({
    t: 'array',
    doc: 'Resources affected, by plural name (`pods`) or with their group (`endpointslices.discovery.k8s.io`); empty means all. Discovery, `/version` and health paths never fail.',
    items: {
      t: 'string',
      doc: 'resource',
      pattern: /^[a-z][a-z0-9]*(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      allowed: 'a resource such as pods or deployments.apps',
    },
    default: [],
    unique: true,
  }),
  probability,
  for: lasting,
};

const variant = (doc: string, fields: Record<string, Field>): ObjectShape => ({
  t: 'object',
  doc,
  fields: { at, when: opt(when), after, ...fields },
  ...timing,
});

export const FAULT_SHAPE: UnionShape = {
  t: 'union',
  tag: 'kind',
  title: 'faults[]',
  what: 'fault kind',
  doc: 'A scheduled fault, picked by `kind`.',
  variants: {
    errorRate: variant(
      'Pods in scope answer this share of requests with a 5xx (a later fault overrides an earlier one).',
      {
        ...scope,
        errorRate: req(percent('Share of requests answered with a 5xx, e.g. `4%`.'), ['rate']),
        for: until(),
      },
    ),
    latency: variant('Pods in scope answer with this mean latency.', {
      ...scope,
      latency: req(duration('Mean response time, e.g. `120ms`.', { maxMs: 60_000 })),
      for: until(),
    }),
    failHealthChecks: variant(
      'The first `pods` pods in scope (by name) fail ALB health checks; requests they get are still served.',
      {
        ...scope,
        pods,
        mode: opt({
          t: 'string',
          doc: 'How checks fail: reason `Target.FailedHealthChecks` (`fail`), `Target.Timeout` (`timeout`) or `Target.ResponseCodeMismatch` (`mismatch`).',
          enum: ['fail', 'timeout', 'mismatch'],
          default: 'fail',
        }),
        for: until(),
      },
    ),
    killPods: variant(
      'Deletes `pods` random pods in scope at once (grace 0, as a crash or forced eviction); the Deployment replaces them with new pods and new IPs.',
      { ...scope, pods },
    ),
    awsThrottle: variant('Matching AWS calls fail with `Throttling` (400, "Rate exceeded").', {
      service: opt(awsService),
      operations: opt(operations),
      probability,
      for: lasting,
    }),
    awsError: variant('Matching AWS calls fail with this error code and HTTP status.', {
      service: opt(awsService),
      operations: opt(operations),
      probability,
      for: lasting,
      code: opt({
        t: 'string',
        doc: 'AWS error code.',
        pattern: /^[A-Za-z.]+$/,
        allowed: 'an AWS error code such as InternalFailure',
        default: 'InternalFailure',
      }),
      status: opt(int('HTTP status.', 400, 599, { default: 500 })),
    }),
    kubeThrottle: variant(
      "Matching requests to the cluster's Kubernetes API server get `429 Too Many Requests` with `Retry-After: 1`, as API Priority and Fairness answers.",
      kubeApi,
    ),
    kubeError: variant("Matching requests to the cluster's Kubernetes API server get this 5xx status.", {
      ...kubeApi,
      status: opt(int('HTTP status (500 InternalError, 503 ServiceUnavailable, …).', 500, 599, { default: 500 })),
    }),
    watchDisconnect: variant("The cluster's API server ends every open watch (clients re-watch).", { cluster }),
    apiServerRestart: variant("The cluster's API server drops all connections and listens again on the same port.", {
      cluster,
    }),
    alarmState: variant(
      'Forces an alarm into a state, like SetAlarmState right after an evaluation (it holds until the next one); with `for`, re-asserted after every evaluation until it ends.',
      {
        alarm: req({ t: 'string', doc: 'Alarm name.', minLength: 1, maxLength: 255 }),
        state: opt({
          t: 'string',
          doc: 'State to force.',
          enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA'],
          default: 'ALARM',
        }),
        reason: opt({
          t: 'string',
          doc: 'StateReason shown by DescribeAlarms.',
          default: 'forced by the sandbox scenario',
        }),
        for: until('How long the state is re-asserted; without it, once.'),
      },
    ),
    traffic: variant("Changes a listener's request rate.", {
      loadBalancer: req(elbName('Load balancer of the listener.')),
      port: opt(port('Listener port.', { default: 80 })),
      rps: req({ t: 'number', doc: 'New requests per second.', min: 0, max: 1_000_000 }),
    }),
    modifyWeights: variant(
      "Someone edits the forward weights of a listener's default action or of a rule, as a ModifyListener/ModifyRule of only the weights would (target groups are neither added nor removed; those not named keep their weight). For tests that the driver notices drift.",
      {
        ...actionRef('to edit'),
        weights: req({
          t: 'map',
          doc: 'New weights by target group (name or ARN) or by cluster (every group of the action registered from it).',
          key: {
            t: 'string',
            doc: 'target group name or ARN, or cluster name',
            pattern:
              /^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?|arn:aws[a-z-]*:elasticloadbalancing:[^\s]+:targetgroup\/[^\s]+)$/,
            allowed: 'a target group name or ARN, or a cluster name',
          },
          values: int('weight', 0, 999, { hint: 'a weight 0–999, as in an ALB forward action' }),
          minEntries: 1,
          maxEntries: 5,
          allowed: 'a mapping of target group or cluster to weight 0–999, e.g. {blue: 70, green: 30}',
        }),
      },
    ),
  },
};
