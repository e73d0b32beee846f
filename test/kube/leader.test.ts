import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api, CoreV1Api, V1MicroTime } from '@kubernetes/client-node';
import { campaign, type Leadership } from '../../src/kube/leader.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { startTestCluster, type TestCluster } from '../sandbox/kube/harness.ts';

describe('leader election on a Lease', () => {
  let c: TestCluster;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const state = (l: Leadership) => {
    const s = { acquired: false, lost: '' };
    void l.acquired.then(() => (s.acquired = true));
    void l.lost.then((why) => (s.lost = why));
    return s;
  };
  /** Advances the clock in 1 s steps, letting HTTP round trips finish between steps. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 1_000) {
      await clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  /** Passes virtual time until `pred` holds; fails after `ms`. */
  const until = async (what: string, pred: () => boolean, ms: number) => {
    for (let t = 0; t < ms && !pred(); t += 1_000) await pass(1_000);
    for (let i = 0; i < 50 && !pred(); i++) await new Promise((r) => setTimeout(r, 40));
    assert.ok(pred(), `${what} within ${ms / 1000}s`);
  };
  before(async () => {
    c = await startTestCluster({ clock });
    await c.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'cutover-system' } } });
  });
  after(() => c.close());

  it('GIVEN two candidates THEN one leads; when it steps down the other takes over at once', async () => {
    const opts = { kc: c.kc, namespace: 'cutover-system', name: 'agent-blue', clock };
    const a = campaign({ ...opts, identity: 'a' });
    const sa = state(a);
    await until('a leads', () => sa.acquired, 2_000);
    const b = campaign({ ...opts, identity: 'b' });
    const sb = state(b);
    await pass(30_000);
    assert.deepEqual([sa.acquired, sb.acquired], [true, false], 'a renews, so b never gets an expired lease');
    await a.stop();
    await until('b takes over', () => sb.acquired, 3_000);
    const lease = await c.kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'agent-blue', namespace: 'cutover-system' });
    assert.equal(lease.spec?.holderIdentity, 'b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    await b.stop();
  });

  it('GIVEN a holder that died without stepping down THEN a candidate waits out the lease duration', async () => {
    await c.kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: 'cutover-system',
      body: {
        metadata: { name: 'agent-green' },
        spec: {
          holderIdentity: 'ghost',
          leaseDurationSeconds: 15,
          renewTime: new V1MicroTime(clock.now()),
          leaseTransitions: 3,
        },
      },
    });
    const x = campaign({ kc: c.kc, namespace: 'cutover-system', name: 'agent-green', clock, identity: 'x' });
    const sx = state(x);
    await pass(10_000);
    assert.equal(sx.acquired, false, 'the lease is still live');
    await until('x takes the expired lease', () => sx.acquired, 10_000);
    await x.stop();
  });

  it('GIVEN the leader cannot renew past the deadline THEN it reports leadership lost', async () => {
    const y = campaign({ kc: c.kc, namespace: 'cutover-system', name: 'agent-y', clock, identity: 'y' });
    const sy = state(y);
    await until('y leads', () => sy.acquired, 2_000);
    // Someone else takes the Lease by force (as after a partition): renewals now fail.
    const api = c.kc.makeApiClient(CoordinationV1Api);
    const lease = await api.readNamespacedLease({ name: 'agent-y', namespace: 'cutover-system' });
    await api.replaceNamespacedLease({
      name: 'agent-y',
      namespace: 'cutover-system',
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: 'z', renewTime: new V1MicroTime(clock.now() + 3_600_000) },
      },
    });
    await until('y notices', () => sy.lost !== '', 15_000);
    assert.match(sy.lost, /lease cutover-system\/agent-y not renewed for \d+s/);
    await y.stop();
  });
  it('GIVEN a Lease it cannot write (its namespace does not exist) THEN it says why once, not every retry, and never leads', async () => {
    const errors: unknown[] = [];
    const n = campaign({
      kc: c.kc,
      namespace: 'no-such-namespace',
      name: 'agent-n',
      clock,
      identity: 'n',
      onError: (e) => errors.push(e),
    });
    const sn = state(n);
    await until('the failure is told', () => errors.length > 0, 3_000);
    await pass(20_000); // ten more retries, the same reason
    assert.equal(errors.length, 1, 'told once per distinct reason');
    assert.equal((errors[0] as { code?: number }).code, 404);
    assert.equal(sn.acquired, false);
    await n.stop();
  });
});
