/**
 * Deletion as a real API server does it: preconditions, graceful pod deletion (the object is marked
 * with `deletionTimestamp = now + grace` and kept until the kubelet deletes it with grace 0),
 * finalizers holding an object, and what deleting a namespace or a CRD takes with it.
 */
import { conflict } from './errors.ts';
import type { ResourceDef } from './resources.ts';
import { storageKey } from './resources.ts';
import type { StoreCore } from './store-core.ts';
import { groupResource, shallowWithMeta, uniqueStorage } from './store-helpers.ts';
import { type DeleteOptions, type DeleteResult, isoSeconds, type KubeObject } from './store-types.ts';

/** Kinds whose DELETE reply carries the object (others answer a Success Status). */
const DELETE_WITH_OBJECT = new Set(['/pods', '/services', '/namespaces', '/nodes']);

export function deleteObject(
  core: StoreCore,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  opts: DeleteOptions,
): DeleteResult {
  const existing = core.mustGet(def, ns, name);
  checkPreconditions(def, existing, opts);
  const returnObject = def.custom || DELETE_WITH_OBJECT.has(storageKey(def));
  const done = (object: KubeObject, deleted: boolean) => ({ object: core.output(object, def), deleted, returnObject });
  const finalizers = existing.metadata.finalizers ?? [];
  const grace = graceFor(def, existing, opts.gracePeriodSeconds);
  if (finalizers.length === 0 && grace === 0) {
    if (opts.dryRun) return done(existing, true);
    cascade(core, def, existing);
    return done(core.commit('DELETED', def, existing, existing), true);
  }
  // Graceful or finalizer-held deletion: mark, keep the object.
  const em = existing.metadata;
  const deadline = core.clock.now() + grace * 1000;
  if (em.deletionTimestamp && (em.deletionGracePeriodSeconds ?? 0) <= grace) return done(existing, false);
  const next = shallowWithMeta(existing, {
    deletionTimestamp: em.deletionTimestamp && grace === 0 ? em.deletionTimestamp : isoSeconds(deadline),
    deletionGracePeriodSeconds: grace,
    generation: (em.generation ?? 1) + (em.deletionTimestamp ? 0 : 1),
  });
  if (opts.dryRun) return done(next, false);
  return done(core.commit('MODIFIED', def, next, existing), false);
}

function checkPreconditions(def: ResourceDef, existing: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions ?? {};
  const m = existing.metadata;
  if (pre.uid !== undefined && pre.uid !== m.uid) {
    throw conflict(
      groupResource(def),
      m.name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid}`,
    );
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== m.resourceVersion) {
    throw conflict(
      groupResource(def),
      m.name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`,
    );
  }
}

function isPods(def: ResourceDef): boolean {
  return def.group === '' && def.resource === 'pods';
}

function graceFor(def: ResourceDef, o: KubeObject, requested: number | undefined): number {
  if (!isPods(def)) return 0;
  // A pod that never reached a node, or already finished, has nothing to stop: deleted at once.
  if (!o.spec?.nodeName || o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed') return 0;
  const g = requested ?? o.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, Math.floor(Number(g)));
}

/** Whether a marked object whose last finalizer went is deleted now: a pod stays until the kubelet deletes it with grace 0. */
export function graceElapsed(def: ResourceDef, obj: KubeObject): boolean {
  return !isPods(def) || (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;
}

/** Deleting a namespace removes its content, and deleting a CRD its custom resources, at once. */
export function cascade(core: StoreCore, def: ResourceDef, o: KubeObject): void {
  if (def.group === '' && def.resource === 'namespaces') {
    const ns = o.metadata.name;
    for (const d of uniqueStorage(core.registry.all())) {
      if (!d.namespaced) continue;
      for (const child of [...core.bucket(d).values()]) {
        if (child.metadata.namespace === ns) core.commit('DELETED', d, child, child);
      }
    }
  } else if (def.resource === 'customresourcedefinitions') {
    const group = o.spec?.group;
    const plural = o.spec?.names?.plural;
    const served = core.registry.all().find((d) => d.custom && d.group === group && d.resource === plural);
    if (served) for (const child of [...core.bucket(served).values()]) core.commit('DELETED', served, child, child);
    core.registry.removeWhere((d) => d.custom && d.group === group && d.resource === plural);
  }
}
