/**
 * Object creation: what a real API server does to a new object (generateName, server-set metadata,
 * create-time defaults and allocations, status reset, namespace checks) and how a committed
 * CustomResourceDefinition starts being served.
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, badRequest, forbidden, invalid, notFound } from './errors.ts';
import { clone, isPlainObject } from './json-util.ts';
import { applyCreateDefaults, checkDecode, crdResourceDefs } from './kind-rules.ts';
import type { ResourceDef, ResourceRef } from './resources.ts';
import { assignNodePorts, isService, takenNodePorts } from './service-ports.ts';
import type { StoreCore } from './store-core.ts';
import { checkKind, dropEmptyMeta, groupResource, objectKey } from './store-helpers.ts';
import type { CreateOptions, KubeObject } from './store-types.ts';
import { validate } from './validation.ts';

export const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };

/** A validated new object with server-set metadata, not yet committed (no resourceVersion). */
export function prepareNew(core: StoreCore, def: ResourceDef, input: KubeObject, opts: CreateOptions): KubeObject {
  if (!isPlainObject(input)) throw badRequest('Object in request body is not an object');
  const obj = clone(input);
  checkKind(def, obj);
  obj.metadata = isPlainObject(obj.metadata) ? obj.metadata : ({} as KubeObject['metadata']);
  const m = obj.metadata;
  // Go's SimpleNameGenerator: the base is cut to 58 characters so the name fits 63.
  if (!m.name && m.generateName) m.name = `${String(m.generateName).slice(0, 58)}${core.randomSuffix()}`;
  if (!m.name)
    throw invalid(def.kind, def.group, '', [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ]);
  if (def.namespaced) m.namespace ??= 'default';
  else delete m.namespace;
  dropEmptyMeta(m);
  checkDecode(def, obj);
  validate(def, obj, true);
  if (core.bucket(def).has(objectKey(def, m.namespace, m.name))) throw alreadyExists(groupResource(def), m.name);
  if (def.namespaced) checkNamespaceOpen(core, def, m.namespace!, m.name);
  m.uid = randomUUID();
  m.creationTimestamp = core.now();
  m.generation = 1;
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (def.subresources.includes('status') && !opts.keepStatus) delete obj.status;
  applyCreateDefaults(def, obj, core.now(), () => core.allocateClusterIp());
  if (isService(def)) assignNodePorts(obj, undefined, takenNodePorts(core.bucket(def).values(), m.namespace!, m.name));
  return obj;
}

/** Commits a prepared object (or, for a dry run, returns it uncommitted). */
export function insert(core: StoreCore, def: ResourceDef, obj: KubeObject, dryRun: boolean | undefined): KubeObject {
  if (dryRun) return clone(obj);
  const committed = core.commit('ADDED', def, obj, undefined);
  if (def.resource === 'customresourcedefinitions') serveCrd(core, committed);
  return core.output(committed, def);
}

/** Serves (again) every served version of a committed CRD. */
export function serveCrd(core: StoreCore, crd: KubeObject): void {
  const group = crd.spec?.group;
  const plural = crd.spec?.names?.plural;
  core.registry.removeWhere((d) => d.custom && d.group === group && d.resource === plural);
  for (const d of crdResourceDefs(crd)) core.registry.add(d);
}

function checkNamespaceOpen(core: StoreCore, def: ResourceDef, ns: string, name: string): void {
  const nsObj = core.bucket(NAMESPACES).get(ns);
  if (!nsObj) throw notFound({ group: '', resource: 'namespaces' }, ns);
  if (nsObj.metadata.deletionTimestamp) {
    throw forbidden(
      groupResource(def),
      name,
      `unable to create new content in namespace ${ns} because it is being terminated`,
    );
  }
}
