import type { BindingObject } from './binding-spec.ts';
import { gateConditionType } from './readiness-gate.ts';

/**
 * The agent's pod mutating webhook (pure): an AdmissionReview (admission.k8s.io/v1) for a pod
 * CREATE in, the review with a response out, whose base64 JSONPatch adds the readiness gate of
 * every binding in the pod's namespace whose Service selects the pod — as the AWS Load Balancer
 * Controller's `mpod.elbv2.k8s.aws` does (pkg/inject/pod_readiness_gate.go): only `ip` bindings
 * (with `instance` targets the node, not the pod, is registered, and nothing would ever set the
 * gate), a Service with an empty selector selects nothing, a gate the pod already lists is not
 * added twice.
 *
 * Which namespaces: the API server only calls the webhook for namespaces its
 * MutatingWebhookConfiguration's namespaceSelector selects (label
 * `cutover.dev/readiness-gate-inject: enabled`, see deploy/webhook); the review carries no
 * namespace labels, so this code never sees them.
 *
 * The webhook never refuses a pod: whatever goes wrong (a review it cannot read, a cache it
 * cannot use) is answered `allowed: true` without a patch, and logged — a pod without the gate
 * still runs; a refused pod would stop the workload's rollout.
 */
export const INJECT_LABEL = 'cutover.dev/readiness-gate-inject';
/** The AWS Load Balancer Controller's namespace label, honoured with `--binding-api elbv2.k8s.aws/v1beta1`. */
export const ALBC_INJECT_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';
/** The path the webhook is served on (the AWS Load Balancer Controller's, too). */
export const WEBHOOK_PATH = '/mutate-v1-pod';

/** What the webhook reads from the agent's informer caches. */
export interface WebhookView {
  /** The bindings of a namespace (cached objects). */
  bindings(namespace: string): BindingObject[];
  /** A Service's `spec.selector` ({} when it has none); undefined when there is no such Service. */
  serviceSelector(namespace: string, name: string): Record<string, string> | undefined;
}

export interface WebhookOptions {
  /** The binding API the agent reconciles (its gates are `target-health.<group>/<binding>`). */
  apiVersion: string;
  /** Only bindings in these namespaces (the agent's `--namespace`; all when empty). */
  namespaces: readonly string[];
}

export interface WebhookLog {
  info(o: Record<string, unknown>): void;
  warn(o: Record<string, unknown>): void;
}

interface PodLike {
  metadata?: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { readinessGates?: Array<{ conditionType?: string }> };
}

/**
 * The gates a new pod in `namespace` should carry: one per `ip` binding there whose Service's
 * selector matches the pod's labels, in binding-name order. A binding being deleted adds none (its
 * finalizer is deregistering the targets; a new gate would never turn True); a binding whose
 * target type is not known yet (left out of the spec, and not yet resolved into its status by the
 * controller) adds none either — the pod runs ungated rather than waiting on a gate nobody sets.
 */
export function gatesForPod(
  view: WebhookView,
  o: WebhookOptions,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): string[] {
  if (o.namespaces.length && !o.namespaces.includes(namespace)) return [];
  const gates: string[] = [];
  const bindings = [...view.bindings(namespace)].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  for (const b of bindings) {
    if (b.metadata.deletionTimestamp) continue;
    const targetType = b.spec?.targetType ?? (b.status as { targetType?: string } | undefined)?.targetType;
    if (targetType !== 'ip') continue;
    const service = b.spec?.serviceRef?.name;
    if (!service) continue;
    const selector = view.serviceSelector(namespace, service);
    if (!selector || Object.keys(selector).length === 0) continue;
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    const gate = gateConditionType(b.metadata.name, o.apiVersion);
    if (!gates.includes(gate)) gates.push(gate);
  }
  return gates;
}

/** An RFC 6902 patch adding the gates `pod` does not list yet (empty when it lists them all). */
export function readinessGatePatch(pod: PodLike, gates: readonly string[]): Array<Record<string, unknown>> {
  const existing = pod.spec?.readinessGates;
  const listed = new Set((existing ?? []).map((g) => g?.conditionType));
  const missing = gates.filter((g) => !listed.has(g));
  if (!missing.length) return [];
  if (!Array.isArray(existing)) {
    return [{ op: 'add', path: '/spec/readinessGates', value: missing.map((conditionType) => ({ conditionType })) }];
  }
  return missing.map((conditionType) => ({ op: 'add', path: '/spec/readinessGates/-', value: { conditionType } }));
}

/**
 * Answers one AdmissionReview. `review` is the request body as parsed JSON; the result is the
 * response body. A body that is not a v1 review with a request uid is still answered (allowed,
 * echoing what uid there is): the API server then treats it as a failed call and its
 * failurePolicy decides, which is the most this side can do.
 */
export function admitPod(review: unknown, view: WebhookView, o: WebhookOptions, log: WebhookLog): unknown {
  const req = (review as { request?: Record<string, any> } | undefined)?.request;
  const uid = typeof req?.uid === 'string' ? req.uid : '';
  const allow = (patch?: Array<Record<string, unknown>>) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid,
      allowed: true,
      ...(patch?.length
        ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') }
        : {}),
    },
  });
  try {
    const apiVersion = (review as { apiVersion?: unknown } | undefined)?.apiVersion;
    if (!req || !uid || apiVersion !== 'admission.k8s.io/v1') {
      log.warn({ msg: 'webhook: not an admission.k8s.io/v1 AdmissionReview with a request uid; allowed', apiVersion });
      return allow();
    }
    const isPod = req.resource?.group === '' && req.resource?.resource === 'pods' && !req.subResource;
    if (!isPod || req.operation !== 'CREATE') return allow();
    const pod = (req.object ?? {}) as PodLike;
    // Pods made by a ReplicaSet reach admission without a name, and their object may lack the
    // namespace too (kubernetes/kubernetes#88282): the request's namespace is the one to trust.
    const namespace = String(req.namespace || pod.metadata?.namespace || '');
    const gates = gatesForPod(view, o, namespace, pod.metadata?.labels ?? {});
    const patch = readinessGatePatch(pod, gates);
    if (patch.length) {
      log.info({
        msg: 'webhook: readiness gates added',
        pod: `${namespace}/${pod.metadata?.name || `${pod.metadata?.generateName ?? ''}*`}`,
        gates: gates.filter((g) => !(pod.spec?.readinessGates ?? []).some((x) => x?.conditionType === g)),
      });
    }
    return allow(patch);
  } catch (err) {
    log.warn({ msg: 'webhook: could not compute readiness gates; pod allowed without them', uid, err });
    return allow();
  }
}
