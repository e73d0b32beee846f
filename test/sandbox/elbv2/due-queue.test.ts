import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DueQueue } from '../../../src/sandbox/elbv2/due-queue.ts';

describe('DueQueue', () => {
  it('gives out instants earliest first and each batch in order-key order', () => {
    // GIVEN events pushed out of order, two sharing an instant
    const q = new DueQueue<{ at: number; order: [number, number]; name: string }>();
    q.push({ at: 30, order: [1, 2], name: 'c' });
    q.push({ at: 10, order: [2, 1], name: 'b' });
    q.push({ at: 10, order: [1, 9], name: 'a' });
    q.push({ at: 20, order: [0, 0], name: 'x' });
    // WHEN drained
    const out: string[] = [];
    for (let at = q.nextAt(); at !== undefined; at = q.nextAt())
      out.push(
        `${at}:${q
          .popBatch()
          .map((e) => e.name)
          .join('')}`,
      );
    // THEN
    assert.deepEqual(out, ['10:ab', '20:x', '30:c']);
    assert.deepEqual(q.popBatch(), []);
  });

  it('queues an event pushed for the instant being drained as a new batch', () => {
    const q = new DueQueue<{ at: number; order: [number, number] }>();
    q.push({ at: 5, order: [0, 0] });
    const first = q.popBatch();
    q.push({ at: 5, order: [0, 1] });
    assert.equal(first.length, 1);
    assert.equal(q.nextAt(), 5);
    assert.equal(q.popBatch().length, 1);
  });
});
