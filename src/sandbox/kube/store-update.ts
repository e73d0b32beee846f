/**
 * Updates of an existing object (PUT, non-apply patches, apply merges, /status and /scale writes):
 * optimistic concurrency, what the main resource and the status subresource may change,
 * re-applied defaults, generation, field ownership, no-op detection, and the commit — or the
 * deletion, when a marked object loses its last finalizer.
 */
import { badRequest, conflict, fieldForbidden, fieldInvalid, invalid } from './errors.ts';
import { clone, isPlainObject } from './json-util.ts';
import { applyDefaults, checkDecode, crdStatus } from './kind-rules.ts';
import { trackUpdate } from './managed-fields.ts';
import { checkDecodeAfterPatch, type PatchSource } from './patch-decode.ts';
import { apiVersionOf, type ResourceDef } from './resources.ts';
import { assignNodePorts, isService, takenNodePorts } from './service-ports.ts';
import type { StoreCore } from './store-core.ts';
import { serveCrd } from './store-create.ts';
import { cascade, graceElapsed } from './store-delete.ts';
import { checkKind, dropEmptyMeta, fieldCtx, groupResource, sameContent, specChanged } from './store-helpers.ts';
import type { KubeObject, Subresource, WriteOptions } from './store-types.ts';
import { validate } from './validation.ts';

export interface UpdateContext extends WriteOptions {
  subresource?: Subresource | undefined;
  manager: string;
  /** Set by server-side apply, which has already computed managedFields. */
  managedFieldsDone?: boolean;
  /** Set by PUT: a uid in the body is a precondition (409) rather than an immutable field (422). */
  uidIsPrecondition?: boolean;
  /** Set by JSON, merge and strategic merge patches: decode failures are then 422 (patch-decode.ts). */
  patch?: PatchSource;
}

export function writeUpdate(
  core: StoreCore,
  def: ResourceDef,
  existing: KubeObject,
  candidate: KubeObject,
  opts: UpdateContext,
): KubeObject {
  if (!isPlainObject(candidate)) throw badRequest('Object in request body is not an object');
  checkKind(def, candidate);
  const em = existing.metadata;
  const cm = isPlainObject(candidate.metadata) ? candidate.metadata : ({} as KubeObject['metadata']);
  if (cm.name !== undefined && cm.name !== em.name) {
    throw badRequest(`the name of the object (${cm.name}) does not match the name on the URL (${em.name})`);
  }
  const uidChanged = typeof cm.uid === 'string' && cm.uid !== '' && cm.uid !== em.uid;
  // PUT: a body's uid is a storage precondition, checked before the resourceVersion (409).
  if (uidChanged && opts.uidIsPrecondition) {
    throw conflict(
      groupResource(def),
      em.name,
      `Precondition failed: UID in precondition: ${cm.uid}, UID in object meta: ${em.uid}`,
    );
  }
  if (cm.resourceVersion !== undefined && cm.resourceVersion !== '' && cm.resourceVersion !== em.resourceVersion) {
    throw conflict(groupResource(def), em.name);
  }
  // Patches and applies: the uid is immutable metadata (how ALBC's "UID precondition" patch fails).
  if (uidChanged)
    throw invalid(def.kind, def.group, em.name, [fieldInvalid('metadata.uid', cm.uid, 'field is immutable')]);
  const next =
    opts.subresource === 'status'
      ? statusWrite(existing, candidate, cm)
      : mainWrite(def, existing, candidate, cm, core.now());
  delete next.metadata.resourceVersion;
  dropEmptyMeta(next.metadata);
  if (opts.subresource !== 'status') applyDefaults(def, next, existing);
  if (opts.subresource !== 'status' && isService(def)) {
    assignNodePorts(next, existing, takenNodePorts(core.bucket(def).values(), em.namespace ?? '', em.name));
  }
  if (opts.patch) checkDecodeAfterPatch(def, next, opts.patch, candidate);
  else checkDecode(def, next);
  validate(def, next, false);
  if (em.deletionTimestamp) checkNoNewFinalizers(def, existing, next);
  if (specChanged(def, existing, next)) next.metadata.generation = (em.generation ?? 1) + 1;
  if (!opts.managedFieldsDone) {
    next.metadata.managedFields = trackUpdate({
      old: existing,
      next,
      manager: opts.manager,
      apiVersion: apiVersionOf(def),
      time: core.now(),
      ctx: fieldCtx(def, opts.subresource),
    });
  }
  if (sameContent(existing, next)) return core.output(existing, def);
  if (opts.dryRun) return clone({ ...next, metadata: { ...next.metadata, resourceVersion: em.resourceVersion } });
  if (em.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && graceElapsed(def, next)) {
    cascade(core, def, existing);
    return core.output(core.commit('DELETED', def, next, existing), def);
  }
  const committed = core.commit('MODIFIED', def, next, existing);
  if (def.resource === 'customresourcedefinitions') serveCrd(core, committed);
  return core.output(committed, def);
}

/** A /status write changes only `.status` (and, when given, managedFields). */
function statusWrite(existing: KubeObject, candidate: KubeObject, cm: KubeObject['metadata']): KubeObject {
  const next: KubeObject = { ...existing, metadata: { ...existing.metadata } };
  if (candidate.status === undefined) delete next.status;
  else next.status = candidate.status;
  if (cm.managedFields !== undefined) next.metadata.managedFields = cm.managedFields;
  return next;
}

/** A main-resource write keeps server-set metadata, the deletion mark and (with a status subresource) the status. */
function mainWrite(
  def: ResourceDef,
  existing: KubeObject,
  candidate: KubeObject,
  cm: KubeObject['metadata'],
  now: string,
): KubeObject {
  const em = existing.metadata;
  const next = { ...candidate, apiVersion: existing.apiVersion, kind: def.kind } as KubeObject;
  next.metadata = {
    ...cm,
    name: em.name,
    uid: em.uid!,
    creationTimestamp: em.creationTimestamp!,
    generation: em.generation ?? 1,
    managedFields: cm.managedFields ?? em.managedFields,
  };
  if (def.namespaced) next.metadata.namespace = em.namespace!;
  else delete next.metadata.namespace;
  delete next.metadata.deletionTimestamp;
  delete next.metadata.deletionGracePeriodSeconds;
  if (em.deletionTimestamp) next.metadata.deletionTimestamp = em.deletionTimestamp;
  if (em.deletionGracePeriodSeconds !== undefined)
    next.metadata.deletionGracePeriodSeconds = em.deletionGracePeriodSeconds;
  if (def.subresources.includes('status')) {
    if (existing.status === undefined) delete next.status;
    else next.status = existing.status;
  }
  if (def.resource === 'customresourcedefinitions')
    next.status = { ...crdStatus(next, now), conditions: existing.status?.conditions };
  return next;
}

function checkNoNewFinalizers(def: ResourceDef, existing: KubeObject, next: KubeObject): void {
  const had = existing.metadata.finalizers ?? [];
  const added = (next.metadata.finalizers ?? []).filter((f) => !had.includes(f));
  if (added.length === 0) return;
  throw invalid(def.kind, def.group, existing.metadata.name, [
    fieldForbidden(
      'metadata.finalizers',
      `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
    ),
  ]);
}
