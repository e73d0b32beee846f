/**
 * Per-kind server behaviour: defaults applied on create, decode-time checks (MicroTime), semantic
 * validation (422), and how a CustomResourceDefinition becomes served resource types.
 */
import { badRequest, fieldInvalid, fieldRequired, invalid, type StatusCause } from './errors.ts';
import type { PrinterColumn, ResourceDef } from './resources.ts';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;

function nameCauses(def: ResourceDef, name: string): StatusCause[] {
  const label = def.resource === 'namespaces' || def.resource === 'services';
  if (label) {
    if (name.length > 63 || !dns1123Label.test(name)) {
      return [
        fieldInvalid(
          'metadata.name',
          name,
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
      ];
    }
    return [];
  }
  if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return [
      fieldInvalid(
        'metadata.name',
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  }
  return [];
}

/** MicroTime fields must carry exactly 6 fractional digits, or decoding fails with 400 (facts §5). */
function checkMicroTime(def: ResourceDef, value: unknown): void {
  if (value === undefined || value === null) return;
  const s = String(value);
  if (microTime.test(s)) return;
  const rest = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(.*)$/.exec(s)?.[1] ?? s;
  throw badRequest(
    `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: parsing time "${s}" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "${rest}" as ".000000"`,
  );
}

export function checkDecode(def: ResourceDef, obj: Record<string, any>): void {
  if (def.resource === 'leases' && def.group === 'coordination.k8s.io') {
    checkMicroTime(def, obj.spec?.acquireTime);
    checkMicroTime(def, obj.spec?.renewTime);
  }
  if (def.resource === 'events') {
    checkMicroTime(def, obj.eventTime);
    checkMicroTime(def, obj.series?.lastObservedTime);
  }
}

export function validate(def: ResourceDef, obj: Record<string, any>): void {
  const name = String(obj.metadata?.name ?? '');
  const causes = nameCauses(def, name);
  if (def.resource === 'pods' && !def.group && !(Array.isArray(obj.spec?.containers) && obj.spec.containers.length)) {
    causes.push(fieldRequired('spec.containers', ''));
  }
  if (def.resource === 'customresourcedefinitions') causes.push(...crdCauses(obj));
  if (causes.length) throw invalid(def.kind, def.group, name, causes);
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

/**
 * Field defaults a real API server applies to every write (a small, documented subset). Idempotent:
 * a field removed by an update (e.g. by server-side apply dropping it) comes back, as it would.
 */
export function applyDefaults(def: ResourceDef, obj: Record<string, any>, old: Record<string, any> | undefined): void {
  if (def.group === '' && def.resource === 'pods') {
    obj.spec ??= {};
    const spec = obj.spec;
    spec.restartPolicy ??= 'Always';
    spec.terminationGracePeriodSeconds ??= 30;
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.schedulerName ??= 'default-scheduler';
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
  } else if (def.group === '' && def.resource === 'namespaces') {
    obj.spec ??= { finalizers: ['kubernetes'] };
  } else if (def.group === 'apps' && (def.resource === 'deployments' || def.resource === 'replicasets')) {
    obj.spec ??= {};
    const spec = obj.spec;
    spec.replicas ??= 1;
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
