import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { AWS_LBC_BINDINGS, type BindingApi, CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { createBindingPort } from '../../src/kube/binding-status.ts';
import { installBindingCrds } from '../../src/kube/crds.ts';
import { parseRollout } from '../../src/spec/load.ts';
import type { RolloutSpec } from '../../src/spec/types.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { startTestCluster, type TestCluster } from '../sandbox/kube/harness.ts';

/**
 * The driver's preflight look at a route's binding, against an emulated API server through
 * client-node: what it says for no CRD, no binding, a binding not yet reconciled, a failing one,
 * a reconciled one (cutover's and the AWS Load Balancer Controller's), and a cluster it cannot reach.
 */
const rollout: RolloutSpec = (() => {
  const { rollout } = parseRollout(readFileSync('rollouts/sandbox-web.yaml', 'utf8'), 'sandbox-web.yaml');
  return rollout!;
})();
const GREEN_TG = rollout.spec.routes[0]!.targetGroups.green!;

describe('binding status for preflight', () => {
  let c: TestCluster;
  let custom: CustomObjectsApi;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  // Both clusters of the rollout point at the one test API server.
  const port = () => createBindingPort(rollout, {}, () => c.kc);

  before(async () => {
    c = await startTestCluster({ clock });
    custom = c.kc.makeApiClient(CustomObjectsApi);
    await c.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'web' } } });
  });
  after(() => c.close());

  const binding = (api: BindingApi, name: string, tg = GREEN_TG) => ({
    apiVersion: `${api.group}/${api.version}`,
    kind: 'TargetGroupBinding',
    metadata: { name, namespace: 'web' },
    spec: { serviceRef: { name: 'web', port: 80 }, targetGroupARN: tg, targetType: 'ip' },
  });
  const setStatus = (api: BindingApi, name: string, status: Record<string, unknown>) =>
    custom.patchNamespacedCustomObjectStatus(
      { ...api, namespace: 'web', name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  it('GIVEN no binding CRD in the cluster THEN unchecked, saying so', async () => {
    assert.deepEqual(await port().check('web', 'green'), {
      kind: 'unchecked',
      detail: 'context green has no TargetGroupBinding CRD installed',
    });
  });

  it('GIVEN a route without a binding block or an unknown cluster THEN none', async () => {
    assert.deepEqual(await port().check('nope', 'green'), { kind: 'none' });
    assert.deepEqual(await port().check('web', 'nope'), { kind: 'none' });
  });

  it('GIVEN the CRD but no binding of the target group THEN missing, naming the namespace, Service and group', async () => {
    await installBindingCrds(c.kc, CUTOVER_BINDINGS);
    await custom.createNamespacedCustomObject({
      ...CUTOVER_BINDINGS,
      namespace: 'web',
      body: binding(CUTOVER_BINDINGS, 'other', GREEN_TG.replace('web-green', 'web-blue')),
    });
    const r = await port().check('web', 'green');
    assert.equal(r.kind, 'missing');
    assert.match(
      (r as { detail: string }).detail,
      /no TargetGroupBinding in namespace web of context green registers Service web into web-green \(apply it with `cutover bind`/,
    );
  });

  it('GIVEN a binding no agent has reconciled THEN notReady, asking whether an agent runs', async () => {
    await custom.createNamespacedCustomObject({
      ...CUTOVER_BINDINGS,
      namespace: 'web',
      body: binding(CUTOVER_BINDINGS, 'web'),
    });
    const r = await port().check('web', 'green');
    assert.equal(r.kind, 'notReady');
    assert.match(
      (r as { detail: string }).detail,
      /cutover.dev binding web\/web is not reconciled yet \(observedGeneration none, generation 1\); is an agent running/,
    );
  });

  it('GIVEN Ready=False THEN notReady with its reason and message; Ready=True THEN ready', async () => {
    await setStatus(CUTOVER_BINDINGS, 'web', {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'False', reason: 'ServiceNotFound', message: 'service web/web not found' }],
    });
    assert.deepEqual(await port().check('web', 'green'), {
      kind: 'notReady',
      detail: 'cutover.dev binding web/web is Ready=False (ServiceNotFound: service web/web not found)',
    });
    await setStatus(CUTOVER_BINDINGS, 'web', {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: '4 targets' }],
    });
    assert.equal((await port().check('web', 'green')).kind, 'ready');
  });

  it("GIVEN only the AWS Load Balancer Controller's binding, its status just observedGeneration THEN ready once observed", async () => {
    await custom.deleteNamespacedCustomObject({ ...CUTOVER_BINDINGS, namespace: 'web', name: 'web' });
    await installBindingCrds(c.kc, AWS_LBC_BINDINGS);
    await custom.createNamespacedCustomObject({
      ...AWS_LBC_BINDINGS,
      namespace: 'web',
      body: binding(AWS_LBC_BINDINGS, 'web-lbc'),
    });
    assert.equal((await port().check('web', 'green')).kind, 'notReady');
    await setStatus(AWS_LBC_BINDINGS, 'web-lbc', { observedGeneration: 1 });
    assert.deepEqual(await port().check('web', 'green'), {
      kind: 'ready',
      detail: 'elbv2.k8s.aws binding web/web-lbc reconciled (generation 1)',
    });
  });

  it('GIVEN a context missing from the kubeconfig, or an API server that does not answer THEN unchecked with why', async () => {
    const missing = createBindingPort(rollout, { KUBECONFIG: c.kubeconfigPath });
    const r = await missing.check('web', 'green');
    assert.equal(r.kind, 'unchecked');
    assert.match((r as { detail: string }).detail, /context green: (no kubeconfig context named "green"|cannot read)/);

    const dead = new KubeConfig();
    dead.loadFromOptions({
      clusters: [{ name: 'dead', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'green', cluster: 'dead', user: 'u' }],
      currentContext: 'green',
    });
    const down = await createBindingPort(rollout, {}, () => dead).check('web', 'green');
    assert.equal(down.kind, 'unchecked');
    assert.match((down as { detail: string }).detail, /^context green: cannot reach the API server/);
  });
});
