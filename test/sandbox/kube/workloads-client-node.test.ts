import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
} from '@kubernetes/client-node';
import { type Sandbox, startSandbox } from '../../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { WORKSHOP_APP, WORKSHOP_NAMESPACE, WORKSHOP_SERVICE } from './workshop-testapp.ts';

const NS = 'workshop';

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(String(e.body)) };
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('client-node against a sandbox cluster: Deployments, apply, nodes and node ports', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let dir: string;
  let kc: KubeConfig;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-workloads-'));
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    sandbox = await startSandbox({ clock, dir: join(dir, 'sbx') });
    kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext('blue');
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN the workshop manifests WHEN applied THEN the Deployment gets running, ready pods behind the Service', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    for (const o of loadAllYaml(`${WORKSHOP_NAMESPACE}---\n${WORKSHOP_APP}`)) await objects.create(o);
    await clock.advance(5000);
    const apps = kc.makeApiClient(AppsV1Api);
    const dep = await apps.readNamespacedDeployment({ name: 'testapp', namespace: NS });
    assert.equal(dep.status?.readyReplicas, 3);
    assert.equal(dep.status?.observedGeneration, dep.metadata?.generation);
    assert.equal(dep.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');
    const [rs] = (await apps.listNamespacedReplicaSet({ namespace: NS })).items;
    assert.equal(rs?.metadata?.ownerReferences?.[0]?.uid, dep.metadata?.uid);
    const pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS, labelSelector: 'app=testapp' }))
      .items;
    assert.equal(pods.length, 3);
    assert.ok(
      pods.every((p) => p.status?.phase === 'Running' && p.metadata?.ownerReferences?.[0]?.uid === rs?.metadata?.uid),
    );
    // THEN the Service's slice lists the three pods, ready, on port 80 (the targetPort default)
    const slices = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
      namespace: NS,
      labelSelector: 'kubernetes.io/service-name=testapp',
    });
    const eps = slices.items.flatMap((s) => s.endpoints ?? []);
    assert.deepEqual(
      slices.items[0]?.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`),
      ['http 80/TCP'],
    );
    assert.deepEqual(eps.map((e) => e.addresses[0]).sort(), pods.map((p) => p.status?.podIP).sort());
    assert.ok(eps.every((e) => e.conditions?.ready === true && e.zone?.startsWith('us-east-1')));
  });

  it('lets a server-side apply co-own values another manager set identically, and conflicts on a different value', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const [svc] = loadAllYaml(WORKSHOP_SERVICE);
    const same = await objects.patch(svc, undefined, undefined, 'ssa-same', undefined, PatchStrategy.ServerSideApply);
    assert.ok(same.metadata?.managedFields?.some((m: any) => m.manager === 'ssa-same' && m.operation === 'Apply'));
    const changed = { ...svc, spec: { ...svc.spec, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    const err = await apiError(
      objects.patch(changed, undefined, undefined, 'ssa-other', undefined, PatchStrategy.ServerSideApply),
    );
    assert.equal(err.code, 409);
    assert.match(
      err.body.message,
      /^Apply failed with 1 conflict: conflict with "[^"]+" using v1: \.spec\.ports\[port=80,protocol="TCP"\]\.targetPort$/,
    );
  });

  it('shows nodes with EC2 identity and zone labels, the same the world exposes to the ELBv2 side', async () => {
    const nodes = (await kc.makeApiClient(CoreV1Api).listNode()).items;
    const world = sandbox.world.nodes('blue');
    assert.equal(nodes.length, world.length);
    for (const n of world) {
      const node = nodes.find((x) => x.metadata?.name === n.name)!;
      assert.equal(node.metadata?.labels?.['topology.kubernetes.io/zone'], n.zone);
      assert.equal(node.spec?.providerID, `aws:///${n.zone}/${n.instanceId}`);
      assert.match(n.instanceId, /^i-[0-9a-f]{17}$/);
      assert.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, n.internalIp);
      assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(node.status?.nodeInfo?.kubeletVersion?.startsWith('v1.32'), true);
    }
  });

  it('allocates node ports for a NodePort Service, rejects taken and out-of-range ones, and maps them to ready pods', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const body = (name: string, nodePort?: number) => ({
      metadata: { name, namespace: NS },
      spec: {
        type: 'NodePort',
        selector: { app: 'testapp' },
        ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }],
      },
    });
    const a = await core.createNamespacedService({ namespace: NS, body: body('np-a') });
    const port = a.spec?.ports?.[0]?.nodePort ?? 0;
    assert.ok(port >= 30000 && port <= 32767, `node port ${port}`);
    assert.match(a.spec?.clusterIP ?? '', /^10\.96\./);
    const taken = await apiError(core.createNamespacedService({ namespace: NS, body: body('np-b', port) }));
    assert.equal(taken.code, 422);
    assert.equal(
      taken.body.message,
      `Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`,
    );
    const range = await apiError(core.createNamespacedService({ namespace: NS, body: body('np-c', 8080) }));
    assert.equal(
      range.body.message,
      'Service "np-c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // An update that leaves the node port out keeps it.
    const updated = await core.replaceNamespacedService({
      name: 'np-a',
      namespace: NS,
      body: {
        ...body('np-a'),
        metadata: { name: 'np-a', namespace: NS, resourceVersion: a.metadata?.resourceVersion },
      },
    });
    assert.equal(updated.spec?.ports?.[0]?.nodePort, port);
    // THEN the node port on any node reaches the three ready pods on port 80
    const reached = sandbox.world.cluster('blue').nodePortEndpoints(port);
    const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=testapp' })).items;
    assert.deepEqual(reached.map((e) => `${e.ip}:${e.port}`).sort(), pods.map((p) => `${p.status?.podIP}:80`).sort());
    assert.deepEqual(sandbox.world.cluster('blue').nodePortEndpoints(port + 1 > 32767 ? 30000 : port + 1), []);
  });
});
