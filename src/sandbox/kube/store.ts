/**
 * One simulated cluster's object store: the in-process API the world simulation calls directly and
 * the state behind that cluster's HTTPS API server. Semantics follow a real API server (see
 * README.md for what is modelled and where it deviates). This class is the facade; the work is in
 * store-core (state, commits), commit-log (resourceVersions, history, listeners), store-create,
 * store-update, store-apply, store-delete and store-scale.
 */

import type { Clock } from '../../util/clock.ts';
import { CommitLog } from './commit-log.ts';
import { unprocessable, unsupportedMediaType } from './errors.ts';
import { clone, isPlainObject } from './json-util.ts';
import { trackUpdate } from './managed-fields.ts';
import { apiVersionOf, type ResourceDef, type ResourceRef, type ResourceRegistry } from './resources.ts';
import { applyPatch } from './store-apply.ts';
import { StoreCore } from './store-core.ts';
import { insert, NAMESPACES, prepareNew } from './store-create.ts';
import { deleteObject } from './store-delete.ts';
import { fieldCtx, patchValue } from './store-helpers.ts';
import { checkSubresource, scaleOf, updateScale } from './store-scale.ts';
import {
  type CommittedEvent,
  type CreateOptions,
  DEFAULT_MANAGER,
  type DeleteOptions,
  type DeleteResult,
  type KubeObject,
  type PatchOptions,
  type PatchType,
  type UpdateOptions,
  type WatchEvent,
} from './store-types.ts';
import { writeUpdate } from './store-update.ts';

export { KubeStatusError } from './errors.ts';
export type { ResourceRef } from './resources.ts';
export { groupResource } from './store-helpers.ts';
export type {
  CommittedEvent,
  CreateOptions,
  DeleteOptions,
  KubeObject,
  PatchType,
  WatchEvent,
  WriteOptions,
} from './store-types.ts';
export { isoSeconds } from './store-types.ts';

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

export class ClusterStore {
  readonly name: string;
  readonly clock: Clock;
  readonly registry: ResourceRegistry;
  private readonly log: CommitLog;
  private readonly core: StoreCore;

  constructor(opts: ClusterStoreOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.log = new CommitLog({
      clock: opts.clock,
      historyWindowMs: opts.historyWindowMs ?? 5 * 60_000,
      historyMaxEvents: opts.historyMaxEvents ?? 10_000,
      onListenerError:
        opts.onListenerError ??
        ((err) =>
          queueMicrotask(() => {
            throw err;
          })),
    });
    this.core = new StoreCore(opts.name, opts.clock, this.log);
    this.registry = this.core.registry;
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  }

  // ---------------------------------------------------------------- reads

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const def = this.def(ref);
    const o = this.core.find(def, namespace, name);
    return o ? this.core.output(o, def) : undefined;
  }

  list(
    ref: ResourceRef,
    namespace?: string,
    opts: { labelSelector?: string; fieldSelector?: string } = {},
  ): { items: KubeObject[]; resourceVersion: string } {
    const def = this.def(ref);
    const items = this.select(def, namespace, opts).map((o) => this.core.output(o, def));
    return { items, resourceVersion: this.resourceVersion() };
  }

  /** The committed objects (shared, do not mutate) matching a list request, sorted by namespace/name. */
  select(
    def: ResourceDef,
    namespace: string | undefined,
    opts: { labelSelector?: string | undefined; fieldSelector?: string | undefined } = {},
  ): KubeObject[] {
    return this.core.select(def, namespace, opts);
  }

  /** The current (latest committed) resourceVersion. */
  resourceVersion(): string {
    return String(this.log.current());
  }

  resourceFor(kindOrPlural: string): ResourceRef | undefined {
    const d = this.registry.find(kindOrPlural);
    return d ? { group: d.group, version: d.version, resource: d.resource } : undefined;
  }

  /** The served definition of a resource type, or a 404 as the API server reports unknown paths. */
  def(ref: ResourceRef): ResourceDef {
    return this.core.def(ref);
  }

  /** JSON text of a committed object as seen through `def`'s version (cached per object). */
  serialize(obj: KubeObject, def: ResourceDef): string {
    return this.core.serialize(obj, def);
  }

  /** Committed events after `rv` for a watch; 410 when that part of the history is gone. */
  eventsSince(rv: number): CommittedEvent[] {
    return this.log.eventsSince(rv);
  }

  /** 410 when a continue token's snapshot resourceVersion has left the history window. */
  assertNotCompacted(rv: number): void {
    this.log.assertNotCompacted(rv);
  }

  onChange(fn: (ev: WatchEvent) => void): () => void {
    return this.log.onChange(fn);
  }

  /** Every commit with shared objects and resourceVersions (the HTTP layer's watches). */
  onCommitted(fn: (ev: CommittedEvent) => void): () => void {
    return this.log.onCommitted(fn);
  }

  /** The autoscaling/v1 Scale of a deployment or replica set. */
  getScale(ref: ResourceRef, namespace: string, name: string): KubeObject {
    const def = this.def(ref);
    return scaleOf(def, this.core.mustGet(def, namespace, name));
  }

  // ---------------------------------------------------------------- writes

  create(ref: ResourceRef, input: KubeObject, opts: CreateOptions = {}): KubeObject {
    const def = this.def(ref);
    const obj = prepareNew(this.core, def, input, opts);
    obj.metadata.managedFields = trackUpdate({
      old: undefined,
      next: obj,
      manager: opts.fieldManager ?? DEFAULT_MANAGER,
      apiVersion: apiVersionOf(def),
      time: this.core.now(),
      ctx: fieldCtx(def, undefined),
    });
    return insert(this.core, def, obj, opts.dryRun);
  }

  update(ref: ResourceRef, input: KubeObject, opts: UpdateOptions = {}): KubeObject {
    const def = this.def(ref);
    if (opts.subresource === 'scale') return updateScale(this.core, def, input, opts);
    checkSubresource(def, opts.subresource);
    const ns = def.namespaced ? (input.metadata?.namespace ?? 'default') : undefined;
    const existing = this.core.mustGet(def, ns, input.metadata?.name);
    return writeUpdate(this.core, def, existing, clone(input), {
      ...opts,
      manager: opts.fieldManager ?? DEFAULT_MANAGER,
      uidIsPrecondition: true,
    });
  }

  patch(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: PatchOptions = {},
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
      const scale = scaleOf(def, this.core.mustGet(def, namespace, name));
      return updateScale(this.core, def, patchValue(def.kind, scale, type, body), opts);
    }
    checkSubresource(def, opts.subresource);
    const ns = def.namespaced ? (namespace ?? 'default') : undefined;
    if (type === 'apply') return applyPatch(this.core, def, ns, name, body, opts);
    const existing = this.core.mustGet(def, ns, name);
    const patched = patchValue(def.kind, clone(existing), type, body);
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata))
      throw unprocessable('patch must produce an object');
    return writeUpdate(this.core, def, existing, patched as KubeObject, {
      ...opts,
      manager: opts.fieldManager ?? DEFAULT_MANAGER,
      patch: { type, body },
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
  ): DeleteResult {
    const def = this.def(ref);
    const ns = def.namespaced ? (namespace ?? 'default') : undefined;
    return deleteObject(this.core, def, ns, name, opts);
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
}
