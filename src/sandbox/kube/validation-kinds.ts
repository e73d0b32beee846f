/**
 * Per-kind validation rules: pods need containers, Deployments/ReplicaSets a selector matching
 * their template (validation-workloads.ts), Jobs a restart policy and pod failure policy a real
 * server accepts (validation-jobs.ts), ConfigMaps hold at most 1 MiB, Events follow
 * the legacy and events.k8s.io/v1 rules (pkg/apis/core/validation/events.go), CRDs need a dotted
 * group, matching names and one storage version; MutatingWebhookConfigurations follow
 * webhook-config.ts.
 */
import { fieldInvalid, fieldRequired, type StatusCause } from './errors.ts';
import type { ResourceDef } from './resources.ts';
import { jobCauses } from './validation-jobs.ts';
import { workloadCauses } from './validation-workloads.ts';
import { WEBHOOK_CONFIGS, webhookConfigurationCauses } from './webhook-config.ts';

/** core.MaxSecretSize: the sum of a ConfigMap's `data` and `binaryData` values. */
const MAX_CONFIGMAP_BYTES = 1024 * 1024;

export function kindCauses(def: ResourceDef, obj: Record<string, any>): StatusCause[] {
  if (def.custom) return [];
  if (def.group === '' && def.resource === 'pods') {
    return Array.isArray(obj.spec?.containers) && obj.spec.containers.length
      ? []
      : [fieldRequired('spec.containers', '')];
  }
  if (def.group === '' && def.resource === 'configmaps') return configMapCauses(obj);
  if (def.group === 'apps' && (def.resource === 'deployments' || def.resource === 'replicasets')) {
    return workloadCauses(obj);
  }
  if (def.group === 'batch' && def.resource === 'jobs') return jobCauses(obj);
  if (def.resource === 'events') return eventCauses(def, obj);
  if (def.resource === 'customresourcedefinitions') return crdCauses(obj);
  if (def.group === WEBHOOK_CONFIGS.group && def.resource === WEBHOOK_CONFIGS.resource) {
    return webhookConfigurationCauses(obj);
  }
  return [];
}

function configMapCauses(cm: Record<string, any>): StatusCause[] {
  let size = 0;
  for (const v of Object.values(cm.data ?? {})) size += Buffer.byteLength(String(v), 'utf8');
  for (const v of Object.values(cm.binaryData ?? {})) size += Buffer.from(String(v), 'base64').length;
  if (size <= MAX_CONFIGMAP_BYTES) return [];
  // field.TooLong(field.NewPath(""), …): an empty field path, hence the message's leading ": ".
  return [
    { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${MAX_CONFIGMAP_BYTES} bytes`, field: '' },
  ];
}

/** The core (internal) view of an Event in either API version. */
function coreEvent(def: ResourceDef, e: Record<string, any>) {
  const v1 = def.group === '';
  return {
    namespace: String(e.metadata?.namespace ?? ''),
    involvedNamespace: String((v1 ? e.involvedObject : e.regarding)?.namespace ?? ''),
    eventTime: e.eventTime,
    reportingController: String((v1 ? e.reportingComponent : e.reportingController) ?? ''),
    reportingInstance: String(e.reportingInstance ?? ''),
    action: String(e.action ?? ''),
    reason: String(e.reason ?? ''),
    message: String((v1 ? e.message : e.note) ?? ''),
  };
}

function eventCauses(def: ResourceDef, e: Record<string, any>): StatusCause[] {
  const ev = coreEvent(def, e);
  const causes: StatusCause[] = [];
  const nsMismatch = () =>
    causes.push(fieldInvalid('involvedObject.namespace', ev.involvedNamespace, 'does not match event.namespace'));
  if (!ev.eventTime) {
    if (
      ev.involvedNamespace === ''
        ? ev.namespace !== '' && ev.namespace !== 'default'
        : ev.namespace !== ev.involvedNamespace
    )
      nsMismatch();
  } else {
    if (ev.involvedNamespace === '' && ev.namespace !== 'default' && ev.namespace !== 'kube-system') nsMismatch();
    const limits: [string, string, number][] = [
      ['reportingController', ev.reportingController, 0],
      ['reportingInstance', ev.reportingInstance, 128],
      ['action', ev.action, 128],
      ['reason', ev.reason, 128],
    ];
    for (const [field, value, max] of limits) {
      if (!value) causes.push(fieldRequired(field, ''));
      if (max && value.length > max) causes.push(fieldInvalid(field, '', `can have at most ${max} characters`));
    }
    if (ev.message.length > 1024) causes.push(fieldInvalid('message', '', 'can have at most 1024 characters'));
  }
  if (def.group === 'events.k8s.io') causes.push(...strictEventCauses(e));
  return causes;
}

/**
 * Writes through events.k8s.io/v1 are strict. [U: a real server applies these rules to creates; its
 * updates instead check that most fields are unchanged — here updates get the create rules.]
 */
function strictEventCauses(e: Record<string, any>): StatusCause[] {
  const causes: StatusCause[] = [];
  if (e.series) {
    if (!(Number(e.series.count) >= 2)) causes.push(fieldInvalid('series.count', '', 'should be at least 2'));
    if (!e.series.lastObservedTime) causes.push(fieldRequired('series.lastObservedTime', ''));
  }
  if (!e.eventTime) causes.push(fieldRequired('eventTime', ''));
  if (e.type !== 'Normal' && e.type !== 'Warning')
    causes.push(fieldInvalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (e.deprecatedFirstTimestamp) causes.push(fieldInvalid('firstTimestamp', '', 'needs to be unset'));
  if (e.deprecatedLastTimestamp) causes.push(fieldInvalid('lastTimestamp', '', 'needs to be unset'));
  if (e.deprecatedCount) causes.push(fieldInvalid('count', '', 'needs to be unset'));
  if (e.deprecatedSource?.component || e.deprecatedSource?.host)
    causes.push(fieldInvalid('source', '', 'needs to be unset'));
  return causes;
}

function crdCauses(crd: Record<string, any>): StatusCause[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const causes: StatusCause[] = [];
  if (!spec.group || !String(spec.group).includes('.'))
    causes.push(fieldInvalid('spec.group', spec.group ?? '', 'should be a domain with at least one dot'));
  if (!names.plural) causes.push(fieldRequired('spec.names.plural', ''));
  if (!names.kind) causes.push(fieldRequired('spec.names.kind', ''));
  if (crd.metadata?.name !== `${names.plural}.${spec.group}`) {
    causes.push(fieldInvalid('metadata.name', crd.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.scope)}: supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  const versions: any[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0)
    causes.push(fieldInvalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v?.storage).length !== 1) {
    causes.push(
      fieldInvalid(
        'spec.versions',
        versions.map((v) => v?.name),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  return causes;
}
