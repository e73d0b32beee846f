/** Pure helpers of the store: keys, kind checks, change detection, patch dispatch. */
import { badRequest, type GroupResource } from './errors.ts';
import { deepEqual } from './json-util.ts';
import type { FieldContext } from './managed-fields.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.ts';
import { apiVersionOf, parseApiVersion, type ResourceDef, storageKey } from './resources.ts';
import type { KubeObject, PatchType } from './store-types.ts';

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function objectKey(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${namespace ?? 'default'}/${name}` : name;
}

export function sortKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function groupResource(def: ResourceDef): GroupResource {
  return { group: def.group, resource: def.resource };
}

export function checkKind(def: ResourceDef, obj: Record<string, any>): void {
  const want = apiVersionOf(def);
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = want;
  if (obj.kind === undefined || obj.kind === '') obj.kind = def.kind;
  const { group } = parseApiVersion(String(obj.apiVersion));
  if (group !== def.group) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`,
    );
  }
  if (obj.kind !== def.kind)
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
  obj.apiVersion = want;
}

export function fieldCtx(def: ResourceDef, subresource: string | undefined): FieldContext {
  return {
    kind: def.kind,
    custom: def.custom,
    ...(subresource ? { subresource } : {}),
    hasStatusSubresource: def.subresources.includes('status'),
  };
}

export function specChanged(def: ResourceDef, a: KubeObject, b: KubeObject): boolean {
  const skip = new Set(['metadata', 'apiVersion', 'kind']);
  if (def.subresources.includes('status')) skip.add('status');
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!skip.has(k) && !deepEqual(a[k], b[k])) return true;
  return false;
}

/** True when a write changes nothing but bookkeeping: a real server then writes nothing either. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: {
      ...o.metadata,
      resourceVersion: undefined,
      managedFields: (o.metadata.managedFields ?? []).map((e: any) => ({ ...e, time: undefined })),
    },
  });
  return deepEqual(strip(a), strip(b));
}

/** Go's `omitempty` drops empty label/annotation maps and lists; so must we, or no-op writes look like changes. */
export function dropEmptyMeta(m: KubeObject['metadata']): void {
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    const v = m[k];
    if (v !== undefined && (v === null || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)))
      delete m[k];
  }
}

export function shallowWithMeta(o: KubeObject, meta: Partial<KubeObject['metadata']>): KubeObject {
  return { ...o, metadata: { ...o.metadata, ...meta } };
}

export function uniqueStorage(defs: ResourceDef[]): ResourceDef[] {
  const seen = new Map<string, ResourceDef>();
  for (const d of defs) if (!seen.has(storageKey(d))) seen.set(storageKey(d), d);
  return [...seen.values()];
}

export function patchValue(kind: string, target: unknown, type: PatchType, body: unknown): any {
  switch (type) {
    case 'json':
      return applyJsonPatch(target, body);
    case 'merge':
      return applyMergePatch(target, body);
    case 'strategic':
      return applyStrategicMergePatch(kind, target, body);
    case 'apply':
      return applyMergePatch(target, body);
  }
}
