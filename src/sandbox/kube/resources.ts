/**
 * The resource types a simulated cluster serves: the built-in ones the agent and kubectl use,
 * plus one entry per served version of every established CustomResourceDefinition.
 */

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ResourceDef extends ResourceRef {
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Array<'status' | 'scale'>;
  /** A custom resource: no strategic merge patch, columns from the CRD. */
  custom: boolean;
  printerColumns?: PrinterColumn[];
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Builtin = [
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[],
  subresources: Array<'status' | 'scale'>,
  categories?: string[],
];

const builtins: Builtin[] = [
  ['', 'v1', 'namespaces', 'Namespace', false, ['ns'], ['status']],
  ['', 'v1', 'pods', 'Pod', true, ['po'], ['status'], ['all']],
  ['', 'v1', 'services', 'Service', true, ['svc'], ['status'], ['all']],
  ['', 'v1', 'endpoints', 'Endpoints', true, ['ep'], []],
  ['', 'v1', 'configmaps', 'ConfigMap', true, ['cm'], []],
  ['', 'v1', 'secrets', 'Secret', true, [], []],
  ['', 'v1', 'events', 'Event', true, ['ev'], []],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa'], []],
  ['', 'v1', 'nodes', 'Node', false, ['no'], ['status']],
  ['discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, [], []],
  ['coordination.k8s.io', 'v1', 'leases', 'Lease', true, [], []],
  ['events.k8s.io', 'v1', 'events', 'Event', true, ['ev'], []],
  ['apps', 'v1', 'deployments', 'Deployment', true, ['deploy'], ['status', 'scale'], ['all']],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs'], ['status', 'scale'], ['all']],
  // Jobs are stored, defaulted and validated as a real server does; no controller runs their pods.
  ['batch', 'v1', 'jobs', 'Job', true, [], ['status'], ['all']],
  // RBAC objects are stored and served (so `kubectl apply -k deploy/` works); nothing enforces them.
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false, [], []],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false, [], []],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, [], []],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true, [], []],
  // Called for pod creates and every create over HTTP (admission.ts).
  [
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    false,
    [],
    [],
  ],
  [
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    false,
    ['crd', 'crds'],
    ['status'],
  ],
];

export function builtinResources(): ResourceDef[] {
  return builtins.map(([group, version, resource, kind, namespaced, shortNames, subresources, categories]) => ({
    group,
    version,
    resource,
    kind,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories: categories ?? [],
    subresources,
    custom: false,
  }));
}

export function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.version}/${ref.resource}`;
}

/** Objects of all versions of one group/resource share storage. */
export function storageKey(ref: { group: string; resource: string }): string {
  return `${ref.group}/${ref.resource}`;
}

export function apiVersionOf(ref: { group: string; version: string }): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The served resource types; CRDs add and remove entries while the cluster runs. */
export class ResourceRegistry {
  private readonly defs = new Map<string, ResourceDef>();
  /** Bumped on every change, so discovery/OpenAPI documents can carry a cache-busting hash. */
  generation = 0;

  constructor(defs: ResourceDef[] = builtinResources()) {
    for (const d of defs) this.defs.set(refKey(d), d);
  }

  add(def: ResourceDef): void {
    this.defs.set(refKey(def), def);
    this.generation++;
  }

  removeWhere(pred: (d: ResourceDef) => boolean): void {
    for (const [k, d] of this.defs) if (pred(d)) this.defs.delete(k);
    this.generation++;
  }

  get(ref: ResourceRef): ResourceDef | undefined {
    return this.defs.get(refKey(ref));
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  /** Group → versions, in registration order (core group is ''). */
  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const d of this.defs.values()) {
      const vs = out.get(d.group) ?? [];
      if (!vs.includes(d.version)) vs.push(d.version);
      out.set(d.group, vs);
    }
    return out;
  }

  /** By kind, plural, singular or short name, optionally qualified as `plural.group`. */
  find(kindOrPlural: string): ResourceDef | undefined {
    const q = kindOrPlural.toLowerCase();
    const all = this.all();
    return (
      all.find((d) => d.kind.toLowerCase() === q || d.resource === q || d.singular === q || d.shortNames.includes(q)) ??
      all.find((d) => `${d.resource}.${d.group}` === q || `${d.kind.toLowerCase()}.${d.group}` === q)
    );
  }

  /** By apiVersion + kind, as written in an object. */
  forKind(apiVersion: string, kind: string): ResourceDef | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.all().find((d) => d.group === group && d.version === version && d.kind === kind);
  }
}
