/**
 * Field ownership for server-side apply, kept in `metadata.managedFields` in the real FieldsV1
 * format (`f:<field>`, `k:{"name":"x"}` for keyed list items, `v:<json>` for set items, `.` for
 * the item itself), so kubectl can read and migrate it.
 *
 * Simplifications (see README): a leaf is a scalar, an atomic list or an empty map; lists merge
 * by key only where merge-keys.ts says so; an Update takes ownership of every leaf whose value it
 * changed and strips it from the other managers; conflicts are detected on identical leaf paths
 * whose value the apply changes (co-ownership of equal values, as Kubernetes).
 */
import { KubeStatusError } from './errors.ts';
import { clone, deepEqual, isPlainObject } from './json-util.ts';
import { listStrategy } from './merge-keys.ts';

export type FieldTree = { [element: string]: FieldTree };

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldTree;
  subresource?: string;
}

export interface FieldContext {
  kind: string;
  custom: boolean;
  /** `status` for writes through /status: only status is tracked. Otherwise status is excluded when it is a subresource. */
  subresource?: string;
  hasStatusSubresource: boolean;
}

const untrackedMeta = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'generateName',
]);

/**
 * Key fields of an associative list for apply (the OpenAPI `x-kubernetes-list-map-keys`, which
 * differ from the strategic-merge key for ports: Service ports are keyed by port and protocol,
 * container ports by containerPort and protocol). A missing key field takes its schema default.
 */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };
const PORT_KEYS = new Set(['port', 'containerPort']);
const mapKeys = (key: string): string[] => (PORT_KEYS.has(key) ? [key, 'protocol'] : [key]);
const keyValue = (item: any, k: string): unknown => item?.[k] ?? KEY_DEFAULTS[k];
const sameKeys = (a: unknown, b: unknown, key: string) =>
  mapKeys(key).every((k) => deepEqual(keyValue(a, k), keyValue(b, k)));

function itemKey(item: any, key: string): string {
  return `k:${JSON.stringify(Object.fromEntries(mapKeys(key).map((k) => [k, keyValue(item, k)])))}`;
}

function treeOfValue(v: unknown, ctx: FieldContext, path: string[]): FieldTree {
  if (isPlainObject(v)) {
    const out: FieldTree = {};
    for (const [k, x] of Object.entries(v))
      if (x !== undefined && x !== null) out[`f:${k}`] = treeOfValue(x, ctx, [...path, k]);
    return out;
  }
  if (Array.isArray(v)) {
    const s = listStrategy(ctx.kind, ctx.custom, path);
    if (s.type === 'set') return Object.fromEntries(v.map((x) => [`v:${JSON.stringify(x)}`, {}]));
    if (s.type === 'map') {
      return Object.fromEntries(v.map((x) => [itemKey(x, s.key), { '.': {}, ...treeOfValue(x, ctx, path) }]));
    }
  }
  return {};
}

/** The fields an object sets, as a FieldsV1 tree, honouring the status-subresource split. */
export function fieldsOf(obj: Record<string, any>, ctx: FieldContext): FieldTree {
  const out: FieldTree = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined || v === null) continue;
    if (ctx.subresource === 'status' ? k !== 'status' : k === 'status' && ctx.hasStatusSubresource) continue;
    if (k === 'metadata') {
      const meta: FieldTree = {};
      for (const [mk, mv] of Object.entries(v ?? {})) {
        if (!untrackedMeta.has(mk) && mv !== undefined && mv !== null) meta[`f:${mk}`] = treeOfValue(mv, ctx, [k, mk]);
      }
      if (Object.keys(meta).length) out['f:metadata'] = meta;
    } else out[`f:${k}`] = treeOfValue(v, ctx, [k]);
  }
  return out;
}

/** Leaf paths of a tree (a `.` marks an owned list item and is a leaf of its own). */
export function leaves(tree: FieldTree, prefix: string[] = [], out: string[][] = []): string[][] {
  for (const [k, sub] of Object.entries(tree)) {
    const p = [...prefix, k];
    if (Object.keys(sub).length === 0) out.push(p);
    else leaves(sub, p, out);
  }
  return out;
}

function hasLeaf(tree: FieldTree, path: string[]): boolean {
  let cur: FieldTree | undefined = tree;
  for (const e of path) {
    cur = cur[e];
    if (!cur) return false;
  }
  return Object.keys(cur).length === 0;
}

function removeLeaf(tree: FieldTree, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !tree[head]) return;
  if (rest.length === 0) delete tree[head];
  else {
    removeLeaf(tree[head], rest);
    if (Object.keys(tree[head]).length === 0) delete tree[head];
  }
}

function addLeaf(tree: FieldTree, path: string[]): void {
  let cur = tree;
  for (const e of path) cur = cur[e] ??= {};
}

function findItem(list: unknown, element: string): number {
  if (!Array.isArray(list)) return -1;
  const body = JSON.parse(element.slice(2));
  if (element.startsWith('v:')) return list.findIndex((x) => deepEqual(x, body));
  return list.findIndex(
    (x) => isPlainObject(x) && Object.entries(body).every(([k, v]) => deepEqual(keyValue(x, k), v)),
  );
}

/** The value at a field path; undefined when absent. */
export function valueAt(obj: unknown, path: string[]): unknown {
  let cur: any = obj;
  for (const e of path) {
    if (cur === undefined || cur === null) return undefined;
    if (e === '.') continue;
    if (e.startsWith('f:')) cur = isPlainObject(cur) ? cur[e.slice(2)] : undefined;
    else {
      const i = findItem(cur, e);
      cur = i < 0 ? undefined : cur[i];
    }
  }
  return cur;
}

/** Deletes the field at a path (an item for `.`/`v:` leaves); empty parent maps stay. */
function deleteAt(obj: any, path: string[]): void {
  const last = path[path.length - 1]!;
  const parentPath = last === '.' ? path.slice(0, -2) : path.slice(0, -1);
  const element = last === '.' ? path[path.length - 2]! : last;
  const parent = valueAt(obj, parentPath);
  if (element.startsWith('f:')) {
    if (isPlainObject(parent)) delete parent[element.slice(2)];
  } else if (Array.isArray(parent)) {
    const i = findItem(parent, element);
    if (i >= 0) parent.splice(i, 1);
  }
}

export function renderPath(path: string[]): string {
  let s = '';
  for (const e of path) {
    if (e === '.') continue;
    if (e.startsWith('f:')) s += `.${e.slice(2)}`;
    else if (e.startsWith('v:')) s += `[=${e.slice(2)}]`;
    else {
      const body = JSON.parse(e.slice(2));
      s += `[${Object.entries(body)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    }
  }
  return s;
}

function mergeApplied(live: unknown, applied: unknown, ctx: FieldContext, path: string[]): unknown {
  if (isPlainObject(applied)) {
    const out: Record<string, any> = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null || v === undefined) delete out[k];
      else out[k] = mergeApplied(out[k], v, ctx, [...path, k]);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const s = listStrategy(ctx.kind, ctx.custom, path);
    if (s.type === 'set') return [...live, ...applied.filter((x) => !live.some((y) => deepEqual(x, y)))];
    if (s.type === 'map') {
      const out = [...live];
      for (const item of applied) {
        const i = out.findIndex((x) => isPlainObject(x) && sameKeys(x, item, s.key));
        if (i >= 0) out[i] = mergeApplied(out[i], item, ctx, path);
        else out.push(item);
      }
      return out;
    }
  }
  return applied;
}

function parseEntries(raw: unknown): ManagedFieldsEntry[] {
  return Array.isArray(raw) ? (clone(raw) as ManagedFieldsEntry[]).filter((e) => isPlainObject(e?.fieldsV1)) : [];
}

function sameEntry(e: ManagedFieldsEntry, manager: string, op: string, sub: string | undefined): boolean {
  return e.manager === manager && e.operation === op && (e.subresource ?? undefined) === sub;
}

function upsert(entries: ManagedFieldsEntry[], entry: ManagedFieldsEntry): ManagedFieldsEntry[] {
  const rest = entries.filter((e) => !sameEntry(e, entry.manager, entry.operation, entry.subresource));
  return [...rest, entry].filter((e) => Object.keys(e.fieldsV1).length > 0);
}

export interface ApplyInput {
  live: Record<string, any> | undefined;
  applied: Record<string, any>;
  manager: string;
  force: boolean;
  apiVersion: string;
  time: string;
  ctx: FieldContext;
}

/** Merges an applied configuration into the live object; 409 on conflicts unless forced. */
export function serverSideApply(input: ApplyInput): Record<string, any> {
  const { live, applied, manager, force, ctx } = input;
  const sub = ctx.subresource;
  const appliedTree = fieldsOf(applied, ctx);
  const appliedLeaves = leaves(appliedTree);
  let entries = parseEntries(live?.metadata?.managedFields);
  // A field conflicts only if applying changes its value (structured-merge-diff compares the live
  // object with the merged one): identical values are co-owned, and a list item (`.`) or set
  // member that exists is not changed by being applied again.
  const result = mergeApplied(clone(live ?? {}), applied, ctx, []);
  const changes = (p: string[]) => p[p.length - 1] !== '.' && !deepEqual(valueAt(live, p), valueAt(result, p));
  const conflicts: Array<{ manager: string; apiVersion: string; path: string[] }> = [];
  for (const e of entries) {
    if (sameEntry(e, manager, 'Apply', sub)) continue;
    for (const p of appliedLeaves) {
      if (hasLeaf(e.fieldsV1, p) && changes(p))
        conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path: p });
    }
  }
  if (conflicts.length && !force) throw applyConflict(conflicts);
  for (const c of conflicts) for (const e of entries) if (e.manager === c.manager) removeLeaf(e.fieldsV1, c.path);

  const base: Record<string, any> = clone(live ?? {});
  const own = entries.find((e) => sameEntry(e, manager, 'Apply', sub));
  for (const p of own ? leaves(own.fieldsV1) : []) {
    if (hasLeaf(appliedTree, p)) continue;
    const ownedElsewhere = entries.some((e) => e !== own && hasLeaf(e.fieldsV1, p));
    if (!ownedElsewhere) deleteAt(base, p);
  }
  const merged = mergeApplied(base, applied, ctx, []) as Record<string, any>;
  entries = upsert(entries, {
    manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    time: input.time,
    fieldsType: 'FieldsV1',
    fieldsV1: appliedTree,
    ...(sub ? { subresource: sub } : {}),
  });
  merged.metadata = { ...(merged.metadata ?? {}), managedFields: entries };
  return merged;
}

function applyConflict(conflicts: Array<{ manager: string; apiVersion: string; path: string[] }>): KubeStatusError {
  const n = conflicts.length;
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${renderPath(c.path)}`);
  const message =
    n === 1 ? `Apply failed with 1 conflict: ${lines[0]}` : `Apply failed with ${n} conflicts: ${lines.join('\n')}`;
  return new KubeStatusError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: renderPath(c.path),
    })),
  });
}

export interface UpdateInput {
  old: Record<string, any> | undefined;
  next: Record<string, any>;
  manager: string;
  apiVersion: string;
  time: string;
  ctx: FieldContext;
}

/** Ownership after a non-apply write: the writer owns what it changed; vanished fields are released. */
export function trackUpdate(input: UpdateInput): ManagedFieldsEntry[] {
  const { old, next, manager, ctx } = input;
  const entries = parseEntries(next.metadata?.managedFields ?? old?.metadata?.managedFields);
  const nextLeaves = leaves(fieldsOf(next, ctx));
  const oldTree = old ? fieldsOf(old, ctx) : {};
  const changed = nextLeaves.filter(
    (p) => !old || !hasLeaf(oldTree, p) || !deepEqual(valueAt(old, p), valueAt(next, p)),
  );
  const nextTree: FieldTree = {};
  for (const p of nextLeaves) addLeaf(nextTree, p);
  for (const e of entries) {
    // Released: fields this write removed (only within the part of the object it may change).
    for (const p of leaves(e.fieldsV1)) {
      const inScope = (e.subresource === 'status') === (ctx.subresource === 'status');
      if (inScope && !hasLeaf(nextTree, p)) removeLeaf(e.fieldsV1, p);
    }
    for (const p of changed) if (!sameEntry(e, manager, 'Update', ctx.subresource)) removeLeaf(e.fieldsV1, p);
  }
  if (changed.length === 0) return entries.filter((e) => Object.keys(e.fieldsV1).length > 0);
  const own = entries.find((e) => sameEntry(e, manager, 'Update', ctx.subresource));
  const tree: FieldTree = own ? own.fieldsV1 : {};
  for (const p of changed) addLeaf(tree, p);
  return upsert(entries, {
    manager,
    operation: 'Update',
    apiVersion: input.apiVersion,
    time: input.time,
    fieldsType: 'FieldsV1',
    fieldsV1: tree,
    ...(ctx.subresource ? { subresource: ctx.subresource } : {}),
  });
}
