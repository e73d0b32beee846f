/**
 * Watch streams: newline-delimited JSON `{type, object}` over a chunked 200 response.
 * A watch first replays history after the requested resourceVersion (or synthesizes ADDED events
 * for the current state when none is given or it is "0"), then follows commits live; both happen
 * in one synchronous step so no commit can fall between them.
 */
import type { ServerResponse } from 'node:http';
import type { Clock } from '../../util/clock.ts';
import { badRequest, isKubeStatusError } from './errors.ts';
import { apiVersionOf, type ResourceDef, storageKey } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { ClusterStore, CommittedEvent, KubeObject } from './store.ts';

export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutMs: number;
  /** Serializes one event object (plain JSON or a one-row Table). */
  render: (obj: KubeObject, def: ResourceDef) => string;
  /** Whether BOOKMARK events can be sent in this representation. */
  bookmarksRenderable: boolean;
}

export class WatchHub {
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly store: ClusterStore,
    private readonly clock: Clock,
    private readonly bookmarkIntervalMs: number,
  ) {}

  /** Ends every open watch stream cleanly (clients see a normal end of stream). */
  closeAll(): void {
    for (const close of [...this.streams]) close();
  }

  get size(): number {
    return this.streams.size;
  }

  /** Validates the request and starts streaming; throws a KubeStatusError before any byte is sent. */
  start(res: ServerResponse, w: WatchRequest): void {
    const labels = parseLabelSelector(w.labelSelector);
    const fields = parseFieldSelector(w.fieldSelector, storageKey(w.def));
    const matches = (o: KubeObject | undefined) =>
      o !== undefined &&
      (!w.namespace || o.metadata.namespace === w.namespace) &&
      labels(o.metadata.labels) &&
      fields(o);
    const rvParam = w.resourceVersion ?? '';
    const fromState = rvParam === '' || rvParam === '0';
    if (!fromState && !/^\d+$/.test(rvParam))
      throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a number`);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    // Clients (client-node's fetch) wait for the headers before they consider the watch open.
    res.flushHeaders();
    const write = (type: string, json: string) => {
      if (!res.writableEnded) res.write(`{"type":"${type}","object":${json}}\n`);
    };

    let replay: CommittedEvent[] = [];
    if (!fromState) {
      try {
        replay = this.store.eventsSince(Number(rvParam));
      } catch (e) {
        // A too-old resourceVersion is reported in-band, as the real server does, then the stream ends.
        if (!isKubeStatusError(e)) throw e;
        write('ERROR', JSON.stringify(e.status));
        res.end();
        return;
      }
    }
    const sk = storageKey(w.def);
    const deliver = (ev: CommittedEvent) => {
      if (ev.storage !== sk) return;
      let type: string | undefined;
      if (ev.type === 'ADDED') type = matches(ev.obj) ? 'ADDED' : undefined;
      else if (ev.type === 'DELETED') type = matches(ev.obj) || matches(ev.prev) ? 'DELETED' : undefined;
      else {
        // With selectors, an object moving in or out of the selection is an ADDED or DELETED for this watch.
        const now = matches(ev.obj);
        const before = matches(ev.prev);
        type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
      }
      if (type) write(type, w.render(ev.obj, w.def));
    };
    if (fromState) for (const o of this.store.select(w.def, w.namespace, w)) write('ADDED', w.render(o, w.def));
    else for (const ev of replay) deliver(ev);
    const bookmark = (annotations?: Record<string, string>) =>
      write(
        'BOOKMARK',
        JSON.stringify({
          kind: w.def.kind,
          apiVersion: apiVersionOf(w.def),
          metadata: { resourceVersion: this.store.resourceVersion(), ...(annotations ? { annotations } : {}) },
        }),
      );
    if (w.sendInitialEvents && w.allowBookmarks && w.bookmarksRenderable)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
    const unsubscribe = this.store.onCommitted(deliver);
    let cancelBookmark = () => {};
    const scheduleBookmark = () => {
      cancelBookmark = this.clock.setTimeout(() => {
        bookmark();
        scheduleBookmark();
      }, this.bookmarkIntervalMs);
    };
    if (w.allowBookmarks && w.bookmarksRenderable) scheduleBookmark();
    const cancelTimeout = this.clock.setTimeout(() => close(), w.timeoutMs);
    const close = () => {
      if (!this.streams.delete(close)) return;
      unsubscribe();
      cancelBookmark();
      cancelTimeout();
      if (!res.writableEnded) res.end();
    };
    this.streams.add(close);
    res.on('close', close);
  }
}
