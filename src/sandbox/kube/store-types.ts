/** The store's object and event shapes and write options (shared by the store's modules and the HTTP layer). */
import type { ResourceDef, ResourceRef } from './resources.ts';

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

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface CreateOptions extends WriteOptions {
  /** In-process only: keep `.status` on create (a real server resets it for status-subresource kinds). */
  keepStatus?: boolean;
}

export type Subresource = 'status' | 'scale';

export interface UpdateOptions extends WriteOptions {
  subresource?: Subresource;
}

export interface PatchOptions extends UpdateOptions {
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** What a delete did: the object is gone (true) or only marked (false → HTTP 202). */
export interface DeleteResult {
  object: KubeObject;
  deleted: boolean;
  /** Whether the HTTP reply carries the object (pods, services, namespaces, nodes, CRs) or a Status. */
  returnObject: boolean;
}

/** The in-process field manager when none is given. */
export const DEFAULT_MANAGER = 'cutover-sandbox';

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
