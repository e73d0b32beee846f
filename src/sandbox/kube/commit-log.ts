/**
 * The store's versioning and history: one cluster-wide resourceVersion counter, the retained watch
 * history (bounded by age and count; older resourceVersions are 410 Expired), and delivery of every
 * commit to listeners in commit order.
 */
import type { Clock } from '../../util/clock.ts';
import { gone } from './errors.ts';
import { clone } from './json-util.ts';
import { parseApiVersion } from './resources.ts';
import type { CommittedEvent, WatchEvent } from './store-types.ts';

export interface CommitLogOptions {
  clock: Clock;
  historyWindowMs: number;
  historyMaxEvents: number;
  onListenerError: (err: unknown) => void;
}

const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export class CommitLog {
  private rv = 0;
  private compactedRv = 0;
  private readonly history: CommittedEvent[] = [];
  private readonly committedListeners = new Set<(ev: CommittedEvent) => void>();
  private readonly changeListeners = new Set<(ev: WatchEvent) => void>();
  private readonly pending: CommittedEvent[] = [];
  private draining = false;

  constructor(private readonly opts: CommitLogOptions) {}

  /** The latest committed resourceVersion. */
  current(): number {
    return this.rv;
  }

  /** Reserves the next resourceVersion for a commit about to be recorded. */
  next(): number {
    return ++this.rv;
  }

  /** Records a commit (its rv from `next()`) and delivers it to listeners. */
  record(ev: CommittedEvent): void {
    this.history.push(ev);
    this.trim();
    this.pending.push(ev);
    this.drain();
  }

  /** Committed events after `rv` for a watch; 410 when that part of the history is gone. */
  eventsSince(rv: number): CommittedEvent[] {
    this.trim();
    // The watch cache's text: the number in parentheses is the oldest retained resourceVersion - 1.
    if (rv < this.compactedRv) throw gone(`too old resource version: ${rv} (${this.compactedRv})`);
    const out: CommittedEvent[] = [];
    for (let i = this.history.length - 1; i >= 0 && this.history[i]!.rv > rv; i--) out.push(this.history[i]!);
    return out.reverse();
  }

  /** 410 when a continue token's snapshot resourceVersion has left the history window. */
  assertNotCompacted(rv: number): void {
    this.trim();
    if (rv < this.compactedRv) throw gone(CONTINUE_TOO_OLD);
  }

  onChange(fn: (ev: WatchEvent) => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  onCommitted(fn: (ev: CommittedEvent) => void): () => void {
    this.committedListeners.add(fn);
    return () => this.committedListeners.delete(fn);
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
      this.opts.onListenerError(err);
    }
  }

  private trim(): void {
    const cutoff = this.opts.clock.now() - this.opts.historyWindowMs;
    let drop = 0;
    while (
      drop < this.history.length - 1 &&
      (this.history.length - drop > this.opts.historyMaxEvents || this.history[drop]!.at < cutoff)
    ) {
      drop++;
    }
    if (drop > 0) {
      this.compactedRv = this.history[drop - 1]!.rv;
      this.history.splice(0, drop);
    }
  }
}
