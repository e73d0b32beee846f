import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiException, CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { type Sandbox, startSandbox } from '../../../src/sandbox/sandbox.ts';
import { parseScenario } from '../../../src/sandbox/scenario/load.ts';
import { KubeFaults } from '../../../src/sandbox/world/faults.ts';
import { createRandom } from '../../../src/sandbox/world/prng.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';

const MINUTE = 60_000;

/** The status an API call failed with, or 200 when it succeeded. */
async function statusOf(call: Promise<unknown>): Promise<{ code: number; retryAfter?: string; reason?: string }> {
  try {
    await call;
    return { code: 200 };
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, retryAfter: e.headers['retry-after'], reason: body?.reason };
  }
}

describe('Kubernetes API faults from a scenario, end to end with client-node', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let dir: string;
  const api = <T>(cluster: string, kind: new (...a: any[]) => T): T => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext(cluster);
    return kc.makeApiClient(kind as any) as T;
  };

  before(async () => {
    // GIVEN the default world where, from 1m to 3m, blue's API server throttles pod lists and
    // green's fails EndpointSlice requests with 503
    const text = `${readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8')}faults:
  - {at: 1m, kind: kubeThrottle, cluster: blue, verbs: [list], resources: [pods], for: 2m}
  - {at: 1m, kind: kubeError, cluster: green, resources: [endpointslices.discovery.k8s.io], status: 503, for: 2m}
`;
    dir = mkdtempSync(join(tmpdir(), 'cutover-kube-faults-'));
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    sandbox = await startSandbox({ scenario: parseScenario(text, 'faults.yaml'), clock, dir, warmupMs: MINUTE });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves everything before the fault, then fails only the matching requests, then recovers', async () => {
    const blue = api('blue', CoreV1Api);
    const green = api('green', CoreV1Api);
    const greenSlices = api('green', DiscoveryV1Api);
    const listPods = (c: CoreV1Api) => c.listNamespacedPod({ namespace: 'web' });
    const listSlices = () => greenSlices.listNamespacedEndpointSlice({ namespace: 'web' });

    // before 1m: nothing fails
    assert.equal((await listPods(blue)).items.length, 4);
    assert.equal((await statusOf(listSlices())).code, 200);

    // WHEN the faults are active
    await clock.advance(MINUTE + 1000);
    // THEN a pod list on blue gets 429 with Retry-After, as API Priority and Fairness answers
    assert.deepEqual(await statusOf(listPods(blue)), { code: 429, retryAfter: '1', reason: 'TooManyRequests' });
    // and other verbs and resources on blue, and pods on green, are served
    const name = (await listPods(green)).items[0]!.metadata!.name!;
    assert.equal((await statusOf(blue.listNamespacedService({ namespace: 'web' }))).code, 200);
    assert.equal((await statusOf(green.readNamespacedPod({ namespace: 'web', name }))).code, 200);
    // and green's EndpointSlice list gets 503
    const slices = await statusOf(listSlices());
    assert.equal(slices.code, 503);
    assert.equal(slices.retryAfter, undefined);

    // WHEN the faults have ended (at 3m) THEN the same requests succeed
    await clock.advance(2 * MINUTE);
    assert.equal((await listPods(blue)).items.length, 4);
    assert.ok((await listSlices()).items.length >= 1);
  });
});

describe('KubeFaults', () => {
  const fault = (probability: number) =>
    new KubeFaults(
      [
        {
          atMs: 0,
          kind: 'kubeError',
          cluster: 'blue',
          verbs: [],
          resources: [],
          probability,
          forMs: MINUTE,
          status: 500,
        },
      ],
      'blue',
      (f) => f.atMs,
      () => 1000,
      createRandom(7).fork('kube-faults:blue'),
    );
  const pods = { group: '', version: 'v1', resource: 'pods' };

  it('fails about `probability` of matching requests, the same ones for the same seed', () => {
    const draws = (f: KubeFaults) => Array.from({ length: 2000 }, () => f.before('list', pods)?.status ?? 200);
    const a = draws(fault(0.25));
    assert.deepEqual(a, draws(fault(0.25)));
    const failed = a.filter((s) => s === 500).length;
    assert.ok(failed > 400 && failed < 600, `failed ${failed} of 2000`);
  });

  it('never fails discovery or another cluster', () => {
    assert.equal(fault(1).before('get', undefined), undefined);
    const other = new KubeFaults(
      [{ atMs: 0, kind: 'kubeThrottle', cluster: 'green', verbs: [], resources: [], probability: 1, forMs: MINUTE }],
      'blue',
      (f) => f.atMs,
      () => 1000,
      createRandom(1),
    );
    assert.equal(other.before('list', pods), undefined);
  });
});
