/**
 * Mutating admission webhooks: before an object is created, every webhook of every stored
 * admissionregistration.k8s.io/v1 MutatingWebhookConfiguration that matches the request is called
 * over HTTPS with an AdmissionReview, and the JSONPatch it answers is applied — as the API
 * server's mutating dispatcher does it (staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/
 * mutating/dispatcher.go; docs: "Dynamic Admission Control"):
 *
 * - order: configurations by name, webhooks in their order; each sees the object as the ones
 *   before it left it; `reinvocationPolicy: IfNeeded` webhooks are called once more when a later
 *   webhook changed the object (one extra round at most);
 * - matching: `rules` (operations, apiGroups, apiVersions, resources incl. `*`, `*\/*`, `pods/*`,
 *   scope), `namespaceSelector` (the namespace's labels; a Namespace's own labels), and
 *   `objectSelector` (the object's labels), each evaluated on the object as it is at that point;
 * - failures: a webhook that cannot be called, times out (`timeoutSeconds`, wall clock), answers
 *   something that is not a valid AdmissionReview or an undecodable patch is "failed calling
 *   webhook": with `failurePolicy: Fail` the request is refused (500 `Internal error occurred:
 *   failed calling webhook "<name>": failed to call webhook: Post "<url>?timeout=10s": …`), with
 *   `Ignore` the webhook is skipped; a webhook that answers `allowed: false` refuses the request
 *   whatever its policy (`admission webhook "<name>" denied the request: <message>`), and so does a
 *   patch that does not apply (500 `Internal error occurred: <patch error>`);
 * - `clientConfig.url` with `caBundle` (real TLS: Node https with the bundle as the only CA);
 *   `admissionReviewVersions` picks v1 or v1beta1, whichever comes first; `dryRun` is passed on.
 *
 * Deliberate simplifications: admission runs for CREATE only (POST over HTTP, and the pods the
 * world's ReplicaSet controller creates), not for updates, deletes, server-side-apply creates or
 * the world's other in-process writes; there are no ValidatingWebhookConfigurations;
 * `matchConditions` (CEL) are not evaluated (a webhook is called as if they held); `matchPolicy:
 * Equivalent` matches only the requested version; `clientConfig.service` cannot be reached — the
 * sandbox has no cluster network — so such a webhook always fails to be called (its failurePolicy
 * decides); `auditAnnotations` are dropped.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxLog } from '../log.ts';
import { postReview, replyError, WebhookCallError } from './admission-call.ts';
import { KubeStatusError } from './errors.ts';
import { clone, deepEqual, isPlainObject } from './json-util.ts';
import { applyDefaults } from './kind-rules.ts';
import { applyJsonPatch } from './patch.ts';
import type { ResourceDef } from './resources.ts';
import type { ClusterStore, KubeObject } from './store.ts';
import { labelSelectorMatches } from './validation-workloads.ts';
import { WEBHOOK_CONFIGS } from './webhook-config.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

export interface AdmissionAttributes {
  operation: 'CREATE';
  def: ResourceDef;
  /** The request's namespace (namespaced kinds); a Namespace's own name for namespaces. */
  namespace: string | undefined;
  /** The object as decoded and defaulted (for a generateName create, without a name). */
  object: KubeObject;
  dryRun: boolean;
  userInfo: UserInfo;
  fieldManager?: string;
}

export interface AdmissionResult {
  object: KubeObject;
  /** The webhooks' `warnings`, for the client (HTTP `Warning` headers). */
  warnings: string[];
}

/** What a ReplicaSet controller or a client is, to a webhook (who made the request). */
export const REPLICASET_CONTROLLER: UserInfo = {
  username: 'system:serviceaccount:kube-system:replicaset-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
};
/** [U] The sandbox has one bearer token; a webhook sees its holder as an admin. */
export const SANDBOX_ADMIN: UserInfo = {
  username: 'kubernetes-admin',
  groups: ['system:masters', 'system:authenticated'],
};

interface Hook {
  configuration: string;
  /** Position in the call order (for reinvocation). */
  index: number;
  spec: Record<string, any>;
}

/** A failed call (ErrCallingWebhook): failurePolicy decides. */
class CallingWebhook extends Error {
  constructor(
    readonly webhook: string,
    reason: string,
  ) {
    super(`failed calling webhook ${JSON.stringify(webhook)}: ${reason}`);
  }
}

/** metav1.Status of an internal error (apierrors.NewInternalError). */
function internalError(message: string): KubeStatusError {
  return new KubeStatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message }],
  });
}

/** webhookerrors.ToStatusErr: a webhook's `allowed: false`, with its status code (≥ 400) and message. */
function denied(webhook: string, result: Record<string, any> | undefined): KubeStatusError {
  const by = `admission webhook ${JSON.stringify(webhook)} denied the request`;
  const code = typeof result?.code === 'number' && result.code >= 400 ? result.code : 400;
  const message = result?.message
    ? `${by}: ${result.message}`
    : result?.reason
      ? `${by}: ${result.reason}`
      : `${by} without explanation`;
  return new KubeStatusError(code, String(result?.reason ?? ''), message, result?.details);
}

/** rules.Matcher: operation, group, version, resource/subresource and scope. */
export function ruleMatches(
  rule: Record<string, any>,
  a: Pick<AdmissionAttributes, 'operation' | 'def' | 'namespace'>,
): boolean {
  const any = (list: unknown, v: string) => Array.isArray(list) && list.some((x) => x === '*' || x === v);
  if (!any(rule.operations, a.operation)) return false;
  if (!any(rule.apiGroups, a.def.group) || !any(rule.apiVersions, a.def.version)) return false;
  const resources: string[] = Array.isArray(rule.resources) ? rule.resources : [];
  const resourceOk = resources.some((r) => {
    const [res, sub = ''] = String(r).split('/', 2) as [string, string?];
    return (res === '*' || res === a.def.resource) && (sub === '*' || sub === '');
  });
  if (!resourceOk) return false;
  const isNamespace = a.def.group === '' && a.def.resource === 'namespaces';
  switch (rule.scope ?? '*') {
    case 'Namespaced':
      return !isNamespace && !!a.namespace;
    case 'Cluster':
      return isNamespace || !a.namespace;
    default:
      return true;
  }
}

const emptySelector = (s: unknown) =>
  !isPlainObject(s) || (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length);

export class MutatingAdmission {
  constructor(
    private readonly store: ClusterStore,
    private readonly log?: SandboxLog,
  ) {}

  /** The webhooks of every configuration, in call order. */
  private hooks(): Hook[] {
    const def = this.store.registry.get(WEBHOOK_CONFIGS);
    if (!def) return [];
    const out: Hook[] = [];
    for (const c of this.store.select(def, undefined)) {
      for (const h of Array.isArray(c.webhooks) ? c.webhooks : []) {
        if (isPlainObject(h)) out.push({ configuration: c.metadata.name, index: out.length, spec: h });
      }
    }
    return out;
  }

  /** Whether a webhook would be sent `a` (the ReplicaSet controller picks its create path by it). */
  wouldCall(a: AdmissionAttributes): boolean {
    return this.hooks().some((h) => this.matches(h.spec, a, a.object));
  }

  private matches(h: Record<string, any>, a: AdmissionAttributes, obj: KubeObject): boolean {
    if (!(Array.isArray(h.rules) ? h.rules : []).some((r: Record<string, any>) => ruleMatches(r, a))) return false;
    if (!emptySelector(h.namespaceSelector)) {
      const isNamespace = a.def.group === '' && a.def.resource === 'namespaces';
      let labels: Record<string, string> | undefined;
      if (isNamespace) labels = obj.metadata?.labels ?? {};
      else if (a.namespace) {
        const ns = this.store.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, a.namespace);
        // A missing namespace: no webhook; the create then fails with the namespace's 404.
        if (!ns) return false;
        labels = ns.metadata.labels ?? {};
      }
      // Cluster-scoped objects other than namespaces are never exempted by a namespaceSelector.
      if (labels && !labelSelectorMatches(h.namespaceSelector, labels)) return false;
    }
    if (!emptySelector(h.objectSelector) && !labelSelectorMatches(h.objectSelector, obj.metadata?.labels ?? {})) {
      return false;
    }
    return true;
  }

  /**
   * Runs the matching webhooks over `a.object`; resolves with the object to create, or rejects with
   * the KubeStatusError the API server would answer.
   */
  async admit(a: AdmissionAttributes): Promise<AdmissionResult> {
    const hooks = this.hooks();
    let obj = clone(a.object);
    const warnings: string[] = [];
    const reinvocable = new Set<number>();
    const reinvoke = new Set<number>();
    for (const round of [0, 1]) {
      for (const h of hooks) {
        if (round === 1 && !reinvoke.has(h.index)) continue;
        if (!this.matches(h.spec, a, obj)) continue;
        const before = obj;
        obj = await this.callOne(h, a, obj, warnings);
        if (!deepEqual(before, obj)) for (const i of reinvocable) reinvoke.add(i);
        if (round === 0 && h.spec.reinvocationPolicy === 'IfNeeded') reinvocable.add(h.index);
      }
      if (!reinvoke.size) break;
    }
    return { object: obj, warnings };
  }

  /** One webhook: the object it leaves (unchanged when it fails open). */
  private async callOne(h: Hook, a: AdmissionAttributes, obj: KubeObject, warnings: string[]): Promise<KubeObject> {
    const name = String(h.spec.name);
    try {
      return await this.call(h, a, obj, warnings);
    } catch (e) {
      if (!(e instanceof CallingWebhook)) throw e;
      if (h.spec.failurePolicy === 'Ignore') {
        this.log?.warn(
          { cluster: this.store.name, webhook: name, err: e.message },
          'failed calling webhook, failing open',
        );
        return obj;
      }
      this.log?.warn(
        { cluster: this.store.name, webhook: name, err: e.message },
        'failed calling webhook, failing closed',
      );
      throw internalError(e.message);
    }
  }

  private async call(h: Hook, a: AdmissionAttributes, obj: KubeObject, warnings: string[]): Promise<KubeObject> {
    const spec = h.spec;
    const name = String(spec.name);
    const fail = (reason: string) => new CallingWebhook(name, reason);
    if (a.dryRun && spec.sideEffects !== 'None' && spec.sideEffects !== 'NoneOnDryRun') {
      throw new KubeStatusError(
        400,
        'BadRequest',
        `admission webhook ${JSON.stringify(name)} does not support dry run`,
      );
    }
    const version = (Array.isArray(spec.admissionReviewVersions) ? spec.admissionReviewVersions : []).find(
      (v: unknown) => v === 'v1' || v === 'v1beta1',
    ) as 'v1' | 'v1beta1' | undefined;
    if (!version)
      throw fail('could not create admission objects: webhook does not accept known AdmissionReview versions');
    const timeoutS = Number(spec.timeoutSeconds ?? 10);
    const cc = spec.clientConfig ?? {};
    const url = cc.url
      ? new URL(String(cc.url))
      : new URL(
          `https://${cc.service?.name}.${cc.service?.namespace}.svc:${cc.service?.port ?? 443}${cc.service?.path ?? ''}`,
        );
    url.searchParams.set('timeout', `${timeoutS}s`);
    if (!cc.url) {
      throw fail(
        `failed to call webhook: Post ${JSON.stringify(url.toString())}: the sandbox has no cluster network to reach a Service; use clientConfig.url`,
      );
    }
    const uid = randomUUID();
    const gvr = { group: a.def.group, version: a.def.version, resource: a.def.resource };
    const gvk = { group: a.def.group, version: a.def.version, kind: a.def.kind };
    const review = {
      kind: 'AdmissionReview',
      apiVersion: `admission.k8s.io/${version}`,
      request: {
        uid,
        kind: gvk,
        resource: gvr,
        requestKind: gvk,
        requestResource: gvr,
        ...(obj.metadata?.name ? { name: obj.metadata.name } : {}),
        ...(a.namespace ? { namespace: a.namespace } : {}),
        operation: a.operation,
        userInfo: a.userInfo,
        object: obj,
        oldObject: null,
        dryRun: a.dryRun,
        options: {
          kind: 'CreateOptions',
          apiVersion: 'meta.k8s.io/v1',
          ...(a.fieldManager ? { fieldManager: a.fieldManager } : {}),
        },
      },
    };
    const ca = cc.caBundle ? Buffer.from(String(cc.caBundle), 'base64').toString('utf8') : undefined;
    let reply: Awaited<ReturnType<typeof postReview>>;
    try {
      reply = await postReview(url, ca, JSON.stringify(review), timeoutS * 1000);
    } catch (e) {
      if (e instanceof WebhookCallError) throw fail(`failed to call webhook: ${e.message}`);
      throw e;
    }
    if (reply.status < 200 || reply.status > 206) throw fail(`failed to call webhook: ${replyError(reply)}`);
    let body: Record<string, any>;
    try {
      body = JSON.parse(reply.body);
    } catch (e) {
      throw fail(`failed to call webhook: couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
    const invalid = (why: string) => fail(`received invalid webhook response: ${why}`);
    const res = isPlainObject(body?.response) ? body.response : undefined;
    if (!res) throw invalid('webhook response was absent');
    if (res.uid !== uid)
      throw invalid(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(res.uid ?? '')}`);
    if (version === 'v1' && (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview')) {
      const [g, v] = String(body.apiVersion ?? '').includes('/')
        ? String(body.apiVersion).split('/')
        : ['', body.apiVersion ?? ''];
      throw invalid(
        `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${g}/${v}, Kind=${body.kind ?? ''}`,
      );
    }
    const patchType =
      typeof res.patchType === 'string' ? res.patchType : version === 'v1beta1' && res.patch ? 'JSONPatch' : '';
    if (version === 'v1' && patchType && !res.patch)
      throw invalid('webhook returned response.patchType but not response.patch');
    if (version === 'v1' && res.patch && !patchType)
      throw invalid('webhook returned response.patch but not response.patchType');
    for (const w of Array.isArray(res.warnings) ? res.warnings : []) warnings.push(String(w));
    if (res.allowed !== true) throw denied(name, isPlainObject(res.status) ? res.status : undefined);
    if (!res.patch) return obj;
    let ops: unknown;
    try {
      ops = JSON.parse(Buffer.from(String(res.patch), 'base64').toString('utf8'));
      if (!Array.isArray(ops)) throw new Error('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    } catch (e) {
      throw fail(`received undecodable patch in webhook response: ${(e as Error).message}`);
    }
    if (ops.length === 0) return obj;
    if (patchType !== 'JSONPatch') throw fail(`unsupported patch type ${JSON.stringify(patchType)}`);
    let patched: unknown;
    try {
      patched = applyJsonPatch(obj, ops);
    } catch (e) {
      throw internalError(e instanceof Error ? e.message : String(e));
    }
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) {
      throw internalError(
        `admission webhook ${JSON.stringify(name)} patched the object into something that is not a ${a.def.kind}`,
      );
    }
    // The patched object is decoded and defaulted again, as the dispatcher does.
    applyDefaults(a.def, patched, undefined);
    return patched as KubeObject;
  }
}
