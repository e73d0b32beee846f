/**
 * The state every store operation works on: the committed objects per storage bucket, the commit
 * log, the resource registry, and the deterministic allocators (generateName suffixes, cluster IPs).
 *
 * Objects, once committed, are never mutated: every write builds a new object, so the watch
 * history can hold references instead of copies, and reads clone one object at a time.
 */
import type { Clock } from '../../util/clock.ts';
import type { CommitLog } from './commit-log.ts';
import { badRequest, KubeStatusError, notFound } from './errors.ts';
import { apiVersionOf, type ResourceDef, type ResourceRef, ResourceRegistry, storageKey } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { compareKeys, groupResource, hash, objectKey, sortKey } from './store-helpers.ts';
import { type CommittedEvent, isoSeconds, type KubeObject, type WatchEvent } from './store-types.ts';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const jsonCache = new WeakMap<object, string>();

export function resourceNotFound(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export class StoreCore {
  readonly registry = new ResourceRegistry();
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private nameSeq = 0;
  private ipSeq = 0;

  constructor(
    readonly name: string,
    readonly clock: Clock,
    readonly log: CommitLog,
  ) {}

  now(): string {
    return isoSeconds(this.clock.now());
  }

  /** The served definition of a resource type, or a 404 as the API server reports unknown paths. */
  def(ref: ResourceRef): ResourceDef {
    const d = this.registry.get(ref);
    if (!d) throw resourceNotFound();
    return d;
  }

  bucket(def: { group: string; resource: string }): Map<string, KubeObject> {
    const k = storageKey(def);
    let b = this.data.get(k);
    if (!b) {
      b = new Map();
      this.data.set(k, b);
    }
    return b;
  }

  find(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(def).get(objectKey(def, namespace, name));
  }

  mustGet(def: ResourceDef, namespace: string | undefined, name: string | undefined): KubeObject {
    if (!name) throw badRequest('resource name may not be empty');
    const o = this.find(def, namespace, name);
    if (!o) throw notFound(groupResource(def), name);
    return o;
  }

  /** The committed objects (shared, do not mutate) matching a list request, sorted by namespace/name. */
  select(
    def: ResourceDef,
    namespace: string | undefined,
    opts: { labelSelector?: string | undefined; fieldSelector?: string | undefined } = {},
  ): KubeObject[] {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, storageKey(def));
    const out: KubeObject[] = [];
    for (const o of this.bucket(def).values()) {
      if (namespace && def.namespaced && o.metadata.namespace !== namespace) continue;
      if (labels(o.metadata.labels) && fields(o)) out.push(o);
    }
    return out.sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
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

  /** A private copy of a committed object for a caller. */
  output(o: KubeObject, def: ResourceDef): KubeObject {
    return JSON.parse(this.serialize(o, def)) as KubeObject;
  }

  /** Stores (or removes, for DELETED) `obj` under a new resourceVersion and records the event. */
  commit(type: WatchEvent['type'], def: ResourceDef, obj: KubeObject, prev: KubeObject | undefined): KubeObject {
    const rv = this.log.next();
    const committed: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    const key = objectKey(def, committed.metadata.namespace, committed.metadata.name);
    if (type === 'DELETED') this.bucket(def).delete(key);
    else this.bucket(def).set(key, committed);
    const ev: CommittedEvent = {
      rv,
      type,
      def,
      storage: storageKey(def),
      namespace: committed.metadata.namespace,
      obj: committed,
      prev,
      at: this.clock.now(),
    };
    this.log.record(ev);
    return committed;
  }

  /** A generateName suffix: 5 characters of the real alphabet, deterministic per store. */
  randomSuffix(): string {
    let x = hash(`${this.name}/${++this.nameSeq}`);
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += NAME_CHARS[x % NAME_CHARS.length];
      x = Math.floor(x / NAME_CHARS.length);
    }
    return s;
  }

  allocateClusterIp(): string {
    const n = ++this.ipSeq;
    return `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }
}
