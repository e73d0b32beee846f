/**
 * Per-kind server behaviour: defaults applied on create and on every write, decode-time checks
 * (timestamps), and how a CustomResourceDefinition becomes served resource types. Validation (422)
 * is in validation.ts.
 */
import { DecodeFailure, decodeTimes } from './decode-times.ts';
import { badRequest } from './errors.ts';
import { isPlainObject } from './json-util.ts';
import type { PrinterColumn, ResourceDef } from './resources.ts';
import { defaultWebhookConfiguration, WEBHOOK_CONFIGS } from './webhook-config.ts';

/**
 * Decode-time checks of a request body (timestamps, see decode-times.ts): a body that does not
 * decode is a 400 BadRequest worded as the API server's decoder words it.
 */
export function checkDecode(def: ResourceDef, obj: Record<string, any>): void {
  try {
    decodeTimes(def, obj);
  } catch (e) {
    if (!(e instanceof DecodeFailure)) throw e;
    throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${e.message}`);
  }
}

/**
 * Field defaults a real API server applies to every write (a small, documented subset). Idempotent:
 * a field removed by an update (e.g. by server-side apply dropping it) comes back, as it would.
 */
export function applyDefaults(def: ResourceDef, obj: Record<string, any>, old: Record<string, any> | undefined): void {
  if (def.group === '' && def.resource === 'pods') {
    obj.spec ??= {};
    defaultPodSpec(obj.spec);
  } else if (def.group === '' && def.resource === 'services') {
    obj.spec ??= {};
    const spec = obj.spec;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    // The allocated cluster IP survives updates that leave it out.
    if (spec.clusterIP === undefined && old?.spec?.clusterIP !== undefined) {
      spec.clusterIP = old.spec.clusterIP;
      spec.clusterIPs ??= old.spec.clusterIPs;
    }
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
    if (spec.type !== 'ExternalName') {
      // A single-stack IPv4 cluster's defaults (a headless Service gets the family too).
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    else delete spec.externalTrafficPolicy;
  } else if (def.group === '' && def.resource === 'namespaces') {
    // spec.finalizers changes only through /finalize: created with "kubernetes", then kept.
    const finalizers: string[] = old ? (old.spec?.finalizers ?? []) : (obj.spec?.finalizers ?? []);
    obj.spec = {
      ...obj.spec,
      finalizers: old || finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'],
    };
    if (obj.spec.finalizers.length === 0) delete obj.spec.finalizers;
  } else if (def.group === '' && def.resource === 'secrets') {
    obj.type ||= 'Opaque';
  } else if (def.group === WEBHOOK_CONFIGS.group && def.resource === WEBHOOK_CONFIGS.resource) {
    defaultWebhookConfiguration(obj);
  } else if (def.group === 'apps' && (def.resource === 'deployments' || def.resource === 'replicasets')) {
    obj.spec ??= {};
    const spec = obj.spec;
    spec.replicas ??= 1;
    if (isPlainObject(spec.template)) {
      // A client's Go zero value (`creationTimestamp: null`) decodes to nothing.
      if (spec.template.metadata?.creationTimestamp === null) delete spec.template.metadata.creationTimestamp;
      if (isPlainObject(spec.template.spec)) defaultPodSpec(spec.template.spec);
    }
    if (def.resource === 'deployments') {
      spec.strategy ??= {};
      spec.strategy.type ??= 'RollingUpdate';
      if (spec.strategy.type === 'RollingUpdate') {
        spec.strategy.rollingUpdate ??= {};
        spec.strategy.rollingUpdate.maxSurge ??= '25%';
        spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      }
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
    }
  } else if (def.group === 'batch' && def.resource === 'jobs') {
    defaultJob(obj, old);
  }
}

/** The labels a Job's server-generated selector relies on (legacy and prefixed forms, as 1.27+ sets). */
const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'];
const JOB_UID_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'];

/**
 * SetDefaults_Job (pkg/apis/batch/v1/defaults.go): completions and parallelism 1 when both are
 * unset, backoffLimit 6, completionMode NonIndexed, suspend false, pod failure policy condition
 * status True, podReplacementPolicy Failed with a pod failure policy (else TerminatingOrFailed),
 * and the pod template's defaults. The generated selector and its template labels are kept from the
 * stored Job when an update leaves them out (they are immutable, and the server's own).
 */
function defaultJob(obj: Record<string, any>, old: Record<string, any> | undefined): void {
  obj.spec ??= {};
  const spec = obj.spec;
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex == null ? 6 : 2147483647;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of Array.isArray(spec.podFailurePolicy?.rules) ? spec.podFailurePolicy.rules : []) {
    for (const p of Array.isArray(rule?.onPodConditions) ? rule.onPodConditions : []) {
      if (isPlainObject(p)) p.status ||= 'True';
    }
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  if (isPlainObject(spec.template)) {
    if (spec.template.metadata?.creationTimestamp === null) delete spec.template.metadata.creationTimestamp;
    if (isPlainObject(spec.template.spec)) defaultPodSpec(spec.template.spec);
  }
  // At create, generateJobSelector and the label copy follow (applyCreateDefaults).
  if (!old) return;
  if (spec.manualSelector !== true) {
    spec.selector ??= old.spec?.selector;
    const oldLabels: Record<string, string> = old.spec?.template?.metadata?.labels ?? {};
    if (isPlainObject(spec.template)) {
      spec.template.metadata ??= {};
      spec.template.metadata.labels ??= {};
      const labels = spec.template.metadata.labels;
      for (const k of [...JOB_NAME_LABELS, ...JOB_UID_LABELS]) if (k in oldLabels) labels[k] ??= oldLabels[k];
    }
  }
  copyTemplateLabels(obj);
}

/** A Job without labels of its own gets its pod template's (SetDefaults_Job). */
function copyTemplateLabels(job: Record<string, any>): void {
  const labels = job.spec?.template?.metadata?.labels;
  if (isPlainObject(labels) && Object.keys(job.metadata?.labels ?? {}).length === 0) {
    job.metadata.labels = { ...labels };
  }
}

/**
 * The Job strategy's generateSelector (pkg/registry/batch/job/strategy.go), at create unless
 * `manualSelector: true`: the template gets the job-name and controller-uid labels (the ones it
 * lacks) and the selector matches the uid, so the Job selects only its own pods.
 */
function generateJobSelector(job: Record<string, any>): void {
  const spec = job.spec;
  if (spec.manualSelector === true || !isPlainObject(spec.template)) return;
  spec.template.metadata ??= {};
  spec.template.metadata.labels ??= {};
  const labels = spec.template.metadata.labels;
  for (const k of JOB_NAME_LABELS) labels[k] ??= job.metadata.name;
  for (const k of JOB_UID_LABELS) labels[k] ??= job.metadata.uid;
  spec.selector = isPlainObject(spec.selector) ? spec.selector : {};
  spec.selector.matchLabels ??= {};
  spec.selector.matchLabels[JOB_UID_LABELS[0]!] ??= job.metadata.uid;
}

/**
 * Pod spec defaults (pods and the templates of Deployments/ReplicaSets, as SetDefaults_PodSpec and
 * SetDefaults_Container): the fields every `kubectl get -o yaml` shows. `imagePullPolicy` is
 * `Always` for a `:latest` or untagged image, else `IfNotPresent`.
 */
function defaultPodSpec(spec: Record<string, any>): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const list of ['initContainers', 'containers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) {
      if (!isPlainObject(c)) continue;
      const image = String(c.image ?? '');
      const tagged = /:[^/]+$/.test(image.split('@')[0] ?? '') && !image.endsWith(':latest');
      c.imagePullPolicy ??= tagged || image.includes('@') ? 'IfNotPresent' : 'Always';
      c.resources ??= {};
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      for (const p of Array.isArray(c.ports) ? c.ports : []) if (isPlainObject(p)) p.protocol ??= 'TCP';
    }
  }
}

/** What a real API server sets only when an object is created: initial status, allocations. */
export function applyCreateDefaults(
  def: ResourceDef,
  obj: Record<string, any>,
  now: string,
  allocateClusterIp: () => string,
): void {
  applyDefaults(def, obj, undefined);
  if (def.group === '' && def.resource === 'pods') {
    obj.status ??= {};
    obj.status.phase ??= 'Pending';
    obj.status.qosClass ??= 'BestEffort';
  } else if (def.group === '' && def.resource === 'services') {
    const spec = obj.spec;
    if (spec.clusterIP === undefined && spec.type !== 'ExternalName') {
      spec.clusterIP = allocateClusterIp();
      spec.clusterIPs ??= [spec.clusterIP];
    }
    obj.status ??= { loadBalancer: {} };
  } else if (def.group === '' && def.resource === 'namespaces') {
    obj.status = { phase: 'Active' };
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  } else if (def.group === 'batch' && def.resource === 'jobs') {
    generateJobSelector(obj);
    copyTemplateLabels(obj);
    obj.status = {};
  } else if (def.resource === 'customresourcedefinitions') {
    obj.status = crdStatus(obj, now);
  }
}

export function crdStatus(crd: Record<string, any>, now: string): Record<string, any> {
  const names = crd.spec?.names ?? {};
  const storage = (crd.spec?.versions ?? []).find((v: any) => v?.storage)?.name;
  return {
    acceptedNames: {
      ...names,
      singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
      listKind: names.listKind ?? `${names.kind}List`,
    },
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: now,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: now,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    storedVersions: storage ? [storage] : [],
  };
}

/** The resource types a CRD serves: one per served version. */
export function crdResourceDefs(crd: Record<string, any>): ResourceDef[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  return (spec.versions ?? [])
    .filter((v: any) => v?.served !== false)
    .map((v: any) => {
      const subresources: Array<'status' | 'scale'> = [];
      if (v.subresources?.status) subresources.push('status');
      if (v.subresources?.scale) subresources.push('scale');
      return {
        group: spec.group,
        version: v.name,
        resource: names.plural,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        singular: names.singular ?? String(names.kind).toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        subresources,
        custom: true,
        printerColumns: (v.additionalPrinterColumns ?? []) as PrinterColumn[],
      } satisfies ResourceDef;
    });
}
