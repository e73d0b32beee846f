/** Starts one emulated cluster over HTTPS and writes a kubeconfig for it into a temp dir. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeconfigYaml } from '../../../src/sandbox/kube/kubeconfig.ts';
import { type KubeApiServer, type KubeFaults, startKubeApiServer } from '../../../src/sandbox/kube/server.ts';
import { ClusterStore, KubeStatusError } from '../../../src/sandbox/kube/store.ts';
import { generateClusterTls } from '../../../src/sandbox/kube/tls.ts';
import { type Clock, SystemClock } from '../../../src/util/clock.ts';

export interface TestCluster {
  store: ClusterStore;
  server: KubeApiServer;
  kubeconfigPath: string;
  dir: string;
  kc: KubeConfig;
  caPem: string;
  token: string;
  close(): Promise<void>;
}

const tls = generateClusterTls();

export async function startTestCluster(
  opts: { name?: string; clock?: Clock; faults?: KubeFaults; historyWindowMs?: number; historyMaxEvents?: number } = {},
): Promise<TestCluster> {
  const name = opts.name ?? 'blue';
  const clock = opts.clock ?? new SystemClock();
  const store = new ClusterStore({
    name,
    clock,
    ...(opts.historyWindowMs ? { historyWindowMs: opts.historyWindowMs } : {}),
    ...(opts.historyMaxEvents ? { historyMaxEvents: opts.historyMaxEvents } : {}),
  });
  const token = `token-${name}`;
  const server = await startKubeApiServer({
    store,
    clock,
    tls: { cert: tls.certPem, key: tls.keyPem },
    token,
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml([{ name, url: server.url, caPem: tls.caPem, token }]));
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return {
    store,
    server,
    kubeconfigPath,
    dir,
    kc,
    caPem: tls.caPem,
    token,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a truthy value or `ms` passes (then throws with `what`). */
export async function eventually<T>(what: string, fn: () => T | Promise<T>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The KubeStatusError `fn` throws (fails the test when it throws nothing or something else). */
export function thrown(fn: () => unknown): KubeStatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error('expected a KubeStatusError');
}
