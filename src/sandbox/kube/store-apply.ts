/** Server-side apply through the store: creates missing objects, merges with field ownership otherwise. */
import { badRequest, conflict, KubeStatusError, notFound } from './errors.ts';
import { clone, isPlainObject } from './json-util.ts';
import { serverSideApply } from './managed-fields.ts';
import { apiVersionOf, type ResourceDef } from './resources.ts';
import type { StoreCore } from './store-core.ts';
import { insert, prepareNew } from './store-create.ts';
import { checkKind, fieldCtx, groupResource } from './store-helpers.ts';
import type { KubeObject, PatchOptions } from './store-types.ts';
import { writeUpdate } from './store-update.ts';

export function applyPatch(
  core: StoreCore,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  body: unknown,
  opts: PatchOptions,
): KubeObject {
  if (!opts.fieldManager) {
    throw new KubeStatusError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  }
  if (!isPlainObject(body)) throw badRequest('apply patch must be an object');
  const applied = clone(body) as KubeObject;
  checkKind(def, applied);
  applied.metadata = isPlainObject(applied.metadata) ? applied.metadata : ({} as KubeObject['metadata']);
  if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
    throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && applied.metadata.namespace !== undefined && applied.metadata.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  applied.metadata.name = name;
  const existing = core.find(def, ns, name);
  const mergeInput = {
    applied: { ...applied, metadata: { ...applied.metadata } },
    manager: opts.fieldManager,
    force: opts.force === true,
    apiVersion: apiVersionOf(def),
    time: core.now(),
    ctx: fieldCtx(def, opts.subresource),
  };
  delete mergeInput.applied.metadata.resourceVersion;
  if (!existing) {
    if (opts.subresource) throw notFound(groupResource(def), name);
    const merged = serverSideApply({ ...mergeInput, live: undefined }) as KubeObject;
    const managedFields = merged.metadata.managedFields;
    const obj = prepareNew(
      core,
      def,
      { ...merged, apiVersion: apiVersionOf(def), kind: def.kind, metadata: { ...merged.metadata, namespace: ns! } },
      {},
    );
    obj.metadata.managedFields = managedFields;
    return insert(core, def, obj, opts.dryRun);
  }
  if (
    applied.metadata.resourceVersion !== undefined &&
    applied.metadata.resourceVersion !== existing.metadata.resourceVersion
  ) {
    throw conflict(groupResource(def), name);
  }
  const merged = serverSideApply({ ...mergeInput, live: existing }) as KubeObject;
  return writeUpdate(core, def, existing, merged, { ...opts, manager: opts.fieldManager, managedFieldsDone: true });
}
