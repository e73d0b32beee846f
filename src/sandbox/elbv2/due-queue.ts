/**
 * Timed events grouped by their instant: a min-heap of distinct times, each with the events due
 * then. Targets registered together and checked at the same interval share their instants, so
 * taking the next instant costs one heap operation for the whole batch, and its events come out
 * sorted by an order key (a pair compared lexicographically) for a stable, chosen order.
 *
 * Entries are never removed early: the consumer skips stale ones when they come out (lazy
 * deletion), so rescheduling is cheap and the queue holds at most what was ever scheduled and not
 * yet due.
 */
export interface DueEntry {
  at: number;
  order: readonly [number, number];
}

export class DueQueue<T extends DueEntry> {
  private readonly times: number[] = [];
  private readonly buckets = new Map<number, T[]>();

  /** The earliest instant with queued events, or undefined when empty. */
  nextAt(): number | undefined {
    return this.times[0];
  }

  push(e: T): void {
    const bucket = this.buckets.get(e.at);
    if (bucket) {
      bucket.push(e);
      return;
    }
    this.buckets.set(e.at, [e]);
    heapPush(this.times, e.at);
  }

  /**
   * Removes and returns every event of the earliest instant, in order. Events queued for that
   * same instant while the caller works through them form a new batch, returned by the next call.
   */
  popBatch(): T[] {
    const at = heapPop(this.times);
    if (at === undefined) return [];
    const bucket = this.buckets.get(at) ?? [];
    this.buckets.delete(at);
    return bucket.length > 1 ? bucket.sort(byOrder) : bucket;
  }
}

function byOrder(a: DueEntry, b: DueEntry): number {
  return a.order[0] - b.order[0] || a.order[1] - b.order[1];
}

function heapPush(h: number[], v: number): void {
  h.push(v);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]! <= h[i]!) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function heapPop(h: number[]): number | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last !== undefined) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]! < h[m]!) m = l;
      if (r < h.length && h[r]! < h[m]!) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}
