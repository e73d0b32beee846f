/** The autoscaling/v1 `/scale` subresource of deployments and replica sets (and CRs that declare it). */
import { conflict } from './errors.ts';
import type { ResourceDef } from './resources.ts';
import { resourceNotFound, type StoreCore } from './store-core.ts';
import { groupResource } from './store-helpers.ts';
import { DEFAULT_MANAGER, type KubeObject, type WriteOptions } from './store-types.ts';
import { writeUpdate } from './store-update.ts';

export function scaleOf(def: ResourceDef, o: KubeObject): KubeObject {
  if (!def.subresources.includes('scale')) throw resourceNotFound();
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

/** Writes `spec.replicas` from a Scale and answers the resulting Scale. */
export function updateScale(core: StoreCore, def: ResourceDef, scale: KubeObject, opts: WriteOptions): KubeObject {
  const existing = core.mustGet(def, scale.metadata?.namespace ?? 'default', scale.metadata?.name);
  const rvIn = scale.metadata?.resourceVersion;
  if (rvIn && rvIn !== existing.metadata.resourceVersion) throw conflict(groupResource(def), existing.metadata.name);
  const replicas = Number(scale.spec?.replicas ?? 0);
  const next = { ...existing, metadata: { ...existing.metadata }, spec: { ...existing.spec, replicas } } as KubeObject;
  writeUpdate(core, def, existing, next, { ...opts, manager: opts.fieldManager ?? DEFAULT_MANAGER });
  return scaleOf(def, core.mustGet(def, existing.metadata.namespace, existing.metadata.name));
}

/** 404 for a subresource the type does not serve. */
export function checkSubresource(def: ResourceDef, sub: string | undefined): void {
  if (sub && !def.subresources.includes(sub as 'status')) throw resourceNotFound();
}
