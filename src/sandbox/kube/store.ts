/**
 * One simulated cluster's object store: the in-process API the world simulation calls directly and
 * the state behind that cluster's HTTPS API server. Semantics follow a real API server (see
 * README.md for what is modelled and where it deviates).
 *
 * Objects, once committed, are never mutated: every write builds a new object, so the watch
 * history can hold references instead of copies, and reads clone one object at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../util/clock.ts';
import {
  badRequest,
  conflict,
  fieldForbidden,
  forbidden,
  gone,
  invalid,
  KubeStatusError,
  notFound,
  unprocessable,
  unsupportedMediaType,
} from './errors.ts';
import { clone, isPlainObject } from './json-util.ts';
import { applyCreateDefaults, applyDefaults, checkDecode, crdResourceDefs, crdStatus, validate } from './kind-rules.ts';
import { serverSideApply, trackUpdate } from './managed-fields.ts';
import {
  apiVersionOf,
  parseApiVersion,
  type ResourceDef,
  type ResourceRef,
  ResourceRegistry,
  storageKey,
} from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  alreadyExistsErr,
  checkKind,
  compareKeys,
  dropEmptyMeta,
  fieldCtx,
  groupResource,
  hash,
  objectKey,
  patchValue,
  sameContent,
  shallowWithMeta,
  sortKey,
  specChanged,
  uniqueStorage,
} from './store-helpers.ts';

export { KubeStatusError } from './errors.ts';
export type { ResourceRef } from './resources.ts';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    creationTimestamp?: string;
    ownerReferences?: any[];
    managedFields?: any[];
    [k: string]: any;
  };
  [k: string]: any;
};

export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; ref: ResourceRef; object: KubeObject };

/** A committed change as the HTTP layer's watches see it (objects are shared: do not mutate). */
export interface CommittedEvent {
  rv: number;
  type: WatchEvent['type'];
  def: ResourceDef;
  storage: string;
  namespace: string | undefined;
  obj: KubeObject;
  prev: KubeObject | undefined;
  at: number;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
export { groupResource } from './store-helpers.ts';

export interface ClusterStoreOptions {
  name: string;
  clock: Clock;
  /** How long watch history is kept (clock time); older resourceVersions get 410. Default 5 min. */
  historyWindowMs?: number;
  /** Cap on retained history events, whatever their age. Default 10 000. */
  historyMaxEvents?: number;
  /** Called when an onChange listener throws; default rethrows on a microtask. */
  onListenerError?: (err: unknown) => void;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface CreateOptions extends WriteOptions {
  /** In-process only: keep `.status` on create (a real server resets it for status-subresource kinds). */
  keepStatus?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

const DEFAULT_MANAGER = 'cutover-sandbox';
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const DELETE_WITH_OBJECT = new Set(['/pods', '/services', '/namespaces', '/nodes']);

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ClusterStore {
  readonly name: string;
  readonly clock: Clock;
  readonly registry = new ResourceRegistry();
  private readonly historyWindowMs: number;
  private readonly historyMaxEvents: number;
  private readonly onListenerError: (err: unknown) => void;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly history: CommittedEvent[] = [];
  private compactedRv = 0;
  private rv = 0;
  private nameSeq = 0;
  private ipSeq = 0;
  private readonly committedListeners = new Set<(ev: CommittedEvent) => void>();
  private readonly changeListeners = new Set<(ev: WatchEvent) => void>();
  private readonly pending: CommittedEvent[] = [];
  private draining = false;

  constructor(opts: ClusterStoreOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.historyWindowMs = opts.historyWindowMs ?? 5 * 60_000;
    this.historyMaxEvents = opts.historyMaxEvents ?? 10_000;
    this.onListenerError =
      opts.onListenerError ??
      ((err) =>
        queueMicrotask(() => {
          throw err;
        }));
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  }

  // ---------------------------------------------------------------- reads

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const def = this.def(ref);
    const o = this.bucket(def).get(objectKey(def, namespace, name));
    return o ? this.output(o, def) : undefined;
  }

  list(
    ref: ResourceRef,
    namespace?: string,
    opts: { labelSelector?: string; fieldSelector?: string } = {},
  ): { items: KubeObject[]; resourceVersion: string } {
    const def = this.def(ref);
    const items = this.select(def, namespace, opts).map((o) => this.output(o, def));
    return { items, resourceVersion: String(this.rv) };
  }

  /** The committed objects (shared, do not mutate) matching a list request, sorted by namespace/name. */
  select(
    def: ResourceDef,
    namespace: string | undefined,
    opts: { labelSelector?: string; fieldSelector?: string } = {},
  ) {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, storageKey(def));
    const out: KubeObject[] = [];
    for (const o of this.bucket(def).values()) {
      if (namespace && def.namespaced && o.metadata.namespace !== namespace) continue;
      if (labels(o.metadata.labels) && fields(o)) out.push(o);
    }
    return out.sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
  }

  /** The current (latest committed) resourceVersion. */
  resourceVersion(): string {
    return String(this.rv);
  }

  resourceFor(kindOrPlural: string): ResourceRef | undefined {
    const d = this.registry.find(kindOrPlural);
    return d ? { group: d.group, version: d.version, resource: d.resource } : undefined;
  }

  /** The served definition of a resource type, or a 404 as the API server reports unknown paths. */
  def(ref: ResourceRef): ResourceDef {
    const d = this.registry.get(ref);
    if (!d) throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    return d;
  }

  /** JSON text of a committed object as seen through `def`'s version (cached per object). */
  serialize(obj: KubeObject, def: ResourceDef): string {
    const want = apiVersionOf(def);
    if (obj.apiVersion !== want) return JSON.stringify({ ...obj, apiVersion: want });
    let s = jsonCache.get(obj);
    if (s === undefined) {
      s = JSON.stringify(obj);
      jsonCache.set(obj, s);
    }
    return s;
  }

  /** Committed events after `rv` for a watch; 410 when that part of the history is gone. */
  eventsSince(rv: number): CommittedEvent[] {
    this.trimHistory();
    if (rv < this.compactedRv) throw gone(`too old resource version: ${rv} (${this.compactedRv + 1})`);
    const out: CommittedEvent[] = [];
    for (let i = this.history.length - 1; i >= 0 && this.history[i]!.rv > rv; i--) out.push(this.history[i]!);
    return out.reverse();
  }

  /** 410 when a continue token's snapshot resourceVersion has left the history window. */
  assertNotCompacted(rv: number): void {
    this.trimHistory();
    if (rv < this.compactedRv) {
      throw gone(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      );
    }
  }

  onChange(fn: (ev: WatchEvent) => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  /** Every commit with shared objects and resourceVersions (the HTTP layer's watches). */
  onCommitted(fn: (ev: CommittedEvent) => void): () => void {
    this.committedListeners.add(fn);
    return () => this.committedListeners.delete(fn);
  }

  // ---------------------------------------------------------------- writes

  create(ref: ResourceRef, input: KubeObject, opts: CreateOptions = {}): KubeObject {
    const def = this.def(ref);
    const obj = this.prepareNew(def, input, opts);
    obj.metadata.managedFields = trackUpdate({
      old: undefined,
      next: obj,
      manager: opts.fieldManager ?? DEFAULT_MANAGER,
      apiVersion: apiVersionOf(def),
      time: this.now(),
      ctx: fieldCtx(def, undefined),
    });
    return this.insert(def, obj, opts.dryRun);
  }

  update(
    ref: ResourceRef,
    input: KubeObject,
    opts: WriteOptions & { subresource?: 'status' | 'scale' } = {},
  ): KubeObject {
    const def = this.def(ref);
    if (opts.subresource === 'scale') return this.updateScale(def, input, opts);
    this.checkSubresource(def, opts.subresource);
    const ns = def.namespaced ? (input.metadata?.namespace ?? 'default') : undefined;
    const existing = this.mustGet(def, ns, input.metadata?.name);
    return this.writeUpdate(def, existing, clone(input), { ...opts, manager: opts.fieldManager ?? DEFAULT_MANAGER });
  }

  patch(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: WriteOptions & { subresource?: 'status' | 'scale'; force?: boolean } = {},
  ): KubeObject {
    const def = this.def(ref);
    if (type === 'strategic' && def.custom) {
      throw unsupportedMediaType([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ]);
    }
    if (opts.subresource === 'scale') {
      const scale = this.scaleOf(def, this.mustGet(def, namespace, name));
      return this.updateScale(def, patchValue(def.kind, scale, type, body), opts);
    }
    this.checkSubresource(def, opts.subresource);
    const ns = def.namespaced ? (namespace ?? 'default') : undefined;
    if (type === 'apply') return this.apply(def, ns, name, body, opts);
    const existing = this.mustGet(def, ns, name);
    const patched = patchValue(def.kind, clone(existing), type, body);
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata))
      throw unprocessable('patch must produce an object');
    return this.writeUpdate(def, existing, patched as KubeObject, {
      ...opts,
      manager: opts.fieldManager ?? DEFAULT_MANAGER,
    });
  }

  delete(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject | undefined {
    return this.deleteWithResult(ref, namespace, name, opts).object;
  }

  /** Like delete, also saying whether the object is gone (true) or only marked (false → HTTP 202). */
  deleteWithResult(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): { object: KubeObject; deleted: boolean; returnObject: boolean } {
    const def = this.def(ref);
    const ns = def.namespaced ? (namespace ?? 'default') : undefined;
    const existing = this.mustGet(def, ns, name);
    const gr = groupResource(def);
    const pre = opts.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== existing.metadata.uid) {
      throw conflict(
        gr,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    const returnObject = def.custom || DELETE_WITH_OBJECT.has(storageKey(def));
    const done = (object: KubeObject, deleted: boolean) => ({
      object: this.output(object, def),
      deleted,
      returnObject,
    });
    const finalizers = existing.metadata.finalizers ?? [];
    const grace = this.graceFor(def, existing, opts.gracePeriodSeconds);
    if (finalizers.length === 0 && grace === 0) {
      if (opts.dryRun) return done(existing, true);
      this.cascade(def, existing);
      return done(this.commit('DELETED', def, existing, existing), true);
    }
    // Graceful or finalizer-held deletion: mark, keep the object.
    const em = existing.metadata;
    const deadline = this.clock.now() + grace * 1000;
    if (em.deletionTimestamp && (em.deletionGracePeriodSeconds ?? 0) <= grace) return done(existing, false);
    const next = shallowWithMeta(existing, {
      deletionTimestamp: em.deletionTimestamp && grace === 0 ? em.deletionTimestamp : isoSeconds(deadline),
      deletionGracePeriodSeconds: grace,
      generation: (em.generation ?? 1) + (em.deletionTimestamp ? 0 : 1),
    });
    if (opts.dryRun) return done(next, false);
    return done(this.commit('MODIFIED', def, next, existing), false);
  }

  /** Deletes every object of a type matching the selectors (in a namespace when given). */
  deleteCollection(
    ref: ResourceRef,
    namespace: string | undefined,
    opts: DeleteOptions & { labelSelector?: string; fieldSelector?: string } = {},
  ): KubeObject[] {
    const def = this.def(ref);
    return this.select(def, namespace, opts).map((o) => this.delete(ref, o.metadata.namespace, o.metadata.name, opts)!);
  }

  /** The autoscaling/v1 Scale of a deployment or replica set. */
  getScale(ref: ResourceRef, namespace: string, name: string): KubeObject {
    const def = this.def(ref);
    return this.scaleOf(def, this.mustGet(def, namespace, name));
  }

  // ---------------------------------------------------------------- internals

  private now(): string {
    return isoSeconds(this.clock.now());
  }

  private bucket(def: { group: string; resource: string }): Map<string, KubeObject> {
    const k = storageKey(def);
    let b = this.data.get(k);
    if (!b) {
      b = new Map();
      this.data.set(k, b);
    }
    return b;
  }

  private output(o: KubeObject, def: ResourceDef): KubeObject {
    return JSON.parse(this.serialize(o, def)) as KubeObject;
  }

  private mustGet(def: ResourceDef, namespace: string | undefined, name: string | undefined): KubeObject {
    if (!name) throw badRequest('resource name may not be empty');
    const o = this.bucket(def).get(objectKey(def, namespace, name));
    if (!o) throw notFound(groupResource(def), name);
    return o;
  }

  private checkSubresource(def: ResourceDef, sub: string | undefined): void {
    if (sub && !def.subresources.includes(sub as 'status')) {
      throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
  }

  private prepareNew(def: ResourceDef, input: KubeObject, opts: CreateOptions): KubeObject {
    if (!isPlainObject(input)) throw badRequest('Object in request body is not an object');
    const obj = clone(input);
    checkKind(def, obj);
    obj.metadata = isPlainObject(obj.metadata) ? obj.metadata : ({} as KubeObject['metadata']);
    const m = obj.metadata;
    if (!m.name && m.generateName) m.name = `${m.generateName}${this.randomSuffix()}`;
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
    validate(def, obj);
    if (this.bucket(def).has(objectKey(def, m.namespace, m.name))) throw alreadyExistsErr(def, m.name);
    if (def.namespaced) this.checkNamespaceOpen(def, m.namespace!, m.name);
    m.uid = randomUUID();
    m.creationTimestamp = this.now();
    m.generation = 1;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (def.subresources.includes('status') && !opts.keepStatus) delete obj.status;
    applyCreateDefaults(def, obj, this.now(), () => this.allocateClusterIp());
    return obj;
  }

  private insert(def: ResourceDef, obj: KubeObject, dryRun: boolean | undefined): KubeObject {
    if (dryRun) return clone(obj);
    const committed = this.commit('ADDED', def, obj, undefined);
    if (def.resource === 'customresourcedefinitions') this.serveCrd(committed);
    return this.output(committed, def);
  }

  private checkNamespaceOpen(def: ResourceDef, ns: string, name: string): void {
    const nsObj = this.bucket(NAMESPACES).get(ns);
    if (!nsObj) throw notFound({ group: '', resource: 'namespaces' }, ns);
    if (nsObj.metadata.deletionTimestamp) {
      throw forbidden(
        groupResource(def),
        name,
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }

  private writeUpdate(
    def: ResourceDef,
    existing: KubeObject,
    candidate: KubeObject,
    opts: WriteOptions & { subresource?: 'status' | 'scale'; manager: string; managedFieldsDone?: boolean },
  ): KubeObject {
    if (!isPlainObject(candidate)) throw badRequest('Object in request body is not an object');
    checkKind(def, candidate);
    const em = existing.metadata;
    const gr = groupResource(def);
    const cm = isPlainObject(candidate.metadata) ? candidate.metadata : ({} as KubeObject['metadata']);
    if (cm.name !== undefined && cm.name !== em.name) {
      throw badRequest(`the name of the object (${cm.name}) does not match the name on the URL (${em.name})`);
    }
    if (cm.resourceVersion !== undefined && cm.resourceVersion !== '' && cm.resourceVersion !== em.resourceVersion) {
      throw conflict(gr, em.name);
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = { ...existing, metadata: { ...em } };
      if (candidate.status === undefined) delete next.status;
      else next.status = candidate.status;
      if (cm.managedFields !== undefined) next.metadata.managedFields = cm.managedFields;
    } else {
      next = { ...candidate, apiVersion: existing.apiVersion, kind: def.kind } as KubeObject;
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
        next.status = { ...crdStatus(next, this.now()), conditions: existing.status?.conditions };
    }
    delete next.metadata.resourceVersion;
    dropEmptyMeta(next.metadata);
    if (opts.subresource !== 'status') applyDefaults(def, next, existing);
    checkDecode(def, next);
    validate(def, next);
    if (em.deletionTimestamp) {
      const added = (next.metadata.finalizers ?? []).filter((f) => !(em.finalizers ?? []).includes(f));
      if (added.length) {
        throw invalid(def.kind, def.group, em.name, [
          fieldForbidden(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          ),
        ]);
      }
    }
    if (specChanged(def, existing, next)) next.metadata.generation = (em.generation ?? 1) + 1;
    if (!opts.managedFieldsDone) {
      next.metadata.managedFields = trackUpdate({
        old: existing,
        next,
        manager: opts.manager,
        apiVersion: apiVersionOf(def),
        time: this.now(),
        ctx: fieldCtx(def, opts.subresource),
      });
    }
    if (sameContent(existing, next)) return this.output(existing, def);
    if (opts.dryRun) return clone({ ...next, metadata: { ...next.metadata, resourceVersion: em.resourceVersion } });
    if (em.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && this.graceElapsed(def, next)) {
      this.cascade(def, existing);
      return this.output(this.commit('DELETED', def, next, existing), def);
    }
    const committed = this.commit('MODIFIED', def, next, existing);
    if (def.resource === 'customresourcedefinitions') this.serveCrd(committed);
    return this.output(committed, def);
  }

  /** A marked pod stays until the kubelet (the world) deletes it with grace 0, even without finalizers. */
  private graceElapsed(def: ResourceDef, obj: KubeObject): boolean {
    return !(def.group === '' && def.resource === 'pods') || (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;
  }

  private apply(
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions & { subresource?: 'status' | 'scale'; force?: boolean },
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
      throw badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (def.namespaced && applied.metadata.namespace !== undefined && applied.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    applied.metadata.name = name;
    const existing = this.bucket(def).get(objectKey(def, ns, name));
    const ctx = fieldCtx(def, opts.subresource);
    const mergeInput = {
      applied: { ...applied, metadata: { ...applied.metadata } },
      manager: opts.fieldManager,
      force: opts.force === true,
      apiVersion: apiVersionOf(def),
      time: this.now(),
      ctx,
    };
    delete mergeInput.applied.metadata.resourceVersion;
    if (!existing) {
      if (opts.subresource) throw notFound(groupResource(def), name);
      const merged = serverSideApply({ ...mergeInput, live: undefined }) as KubeObject;
      const managedFields = merged.metadata.managedFields;
      const obj = this.prepareNew(
        def,
        { ...merged, apiVersion: apiVersionOf(def), kind: def.kind, metadata: { ...merged.metadata, namespace: ns! } },
        {},
      );
      obj.metadata.managedFields = managedFields;
      return this.insert(def, obj, opts.dryRun);
    }
    if (
      applied.metadata.resourceVersion !== undefined &&
      applied.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(groupResource(def), name);
    }
    const merged = serverSideApply({ ...mergeInput, live: existing }) as KubeObject;
    return this.writeUpdate(def, existing, merged, { ...opts, manager: opts.fieldManager, managedFieldsDone: true });
  }

  private scaleOf(def: ResourceDef, o: KubeObject): KubeObject {
    if (!def.subresources.includes('scale'))
      throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const ml = o.spec?.selector?.matchLabels ?? {};
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: {
        replicas: o.status?.replicas ?? 0,
        selector: Object.entries(ml)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    };
  }

  private updateScale(def: ResourceDef, scale: KubeObject, opts: WriteOptions): KubeObject {
    const existing = this.mustGet(def, scale.metadata?.namespace ?? 'default', scale.metadata?.name);
    const rvIn = scale.metadata?.resourceVersion;
    if (rvIn && rvIn !== existing.metadata.resourceVersion) throw conflict(groupResource(def), existing.metadata.name);
    const replicas = Number(scale.spec?.replicas ?? 0);
    const next = {
      ...existing,
      metadata: { ...existing.metadata },
      spec: { ...existing.spec, replicas },
    } as KubeObject;
    this.writeUpdate(def, existing, next, { ...opts, manager: opts.fieldManager ?? DEFAULT_MANAGER });
    return this.scaleOf(def, this.mustGet(def, existing.metadata.namespace, existing.metadata.name));
  }

  private graceFor(def: ResourceDef, o: KubeObject, requested: number | undefined): number {
    if (!(def.group === '' && def.resource === 'pods')) return 0;
    // A pod that never reached a node, or already finished, has nothing to stop: deleted at once.
    if (!o.spec?.nodeName || o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed') return 0;
    const g = requested ?? o.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, Math.floor(Number(g)));
  }

  /** Deleting a namespace removes its content, and deleting a CRD its custom resources, at once. */
  private cascade(def: ResourceDef, o: KubeObject): void {
    if (def.group === '' && def.resource === 'namespaces') {
      const ns = o.metadata.name;
      for (const d of uniqueStorage(this.registry.all())) {
        if (!d.namespaced) continue;
        for (const child of [...this.bucket(d).values()]) {
          if (child.metadata.namespace === ns) this.commit('DELETED', d, child, child);
        }
      }
    } else if (def.resource === 'customresourcedefinitions') {
      const group = o.spec?.group;
      const plural = o.spec?.names?.plural;
      const served = this.registry.all().find((d) => d.custom && d.group === group && d.resource === plural);
      if (served) for (const child of [...this.bucket(served).values()]) this.commit('DELETED', served, child, child);
      this.registry.removeWhere((d) => d.custom && d.group === group && d.resource === plural);
    }
  }

  private serveCrd(crd: KubeObject): void {
    const group = crd.spec?.group;
    const plural = crd.spec?.names?.plural;
    this.registry.removeWhere((d) => d.custom && d.group === group && d.resource === plural);
    for (const d of crdResourceDefs(crd)) this.registry.add(d);
  }

  private commit(
    type: WatchEvent['type'],
    def: ResourceDef,
    obj: KubeObject,
    prev: KubeObject | undefined,
  ): KubeObject {
    this.rv++;
    const committed: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    const key = objectKey(def, committed.metadata.namespace, committed.metadata.name);
    if (type === 'DELETED') this.bucket(def).delete(key);
    else this.bucket(def).set(key, committed);
    const ev: CommittedEvent = {
      rv: this.rv,
      type,
      def,
      storage: storageKey(def),
      namespace: committed.metadata.namespace,
      obj: committed,
      prev,
      at: this.clock.now(),
    };
    this.history.push(ev);
    this.trimHistory();
    this.pending.push(ev);
    this.drain();
    return committed;
  }

  /** Delivers events in commit order even when a listener writes from inside its callback. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let ev = this.pending.shift(); ev; ev = this.pending.shift()) {
        for (const fn of this.committedListeners) this.safely(() => fn(ev));
        if (this.changeListeners.size === 0) continue;
        const parsed = ev.obj;
        const ref = {
          group: ev.def.group,
          version: parseApiVersion(parsed.apiVersion).version,
          resource: ev.def.resource,
        };
        for (const fn of this.changeListeners) this.safely(() => fn({ type: ev.type, ref, object: clone(parsed) }));
      }
    } finally {
      this.draining = false;
    }
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onListenerError(err);
    }
  }

  private trimHistory(): void {
    const cutoff = this.clock.now() - this.historyWindowMs;
    let drop = 0;
    while (
      drop < this.history.length - 1 &&
      (this.history.length - drop > this.historyMaxEvents || this.history[drop]!.at < cutoff)
    ) {
      drop++;
    }
    if (drop > 0) {
      this.compactedRv = this.history[drop - 1]!.rv;
      this.history.splice(0, drop);
    }
  }

  private randomSuffix(): string {
    // Deterministic per store (names are part of the sandbox's reproducible world).
    let x = hash(`${this.name}/${++this.nameSeq}`);
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += NAME_CHARS[x % NAME_CHARS.length];
      x = Math.floor(x / NAME_CHARS.length);
    }
    return s;
  }

  private allocateClusterIp(): string {
    const n = ++this.ipSeq;
    return `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }
}

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
const jsonCache = new WeakMap<object, string>();
