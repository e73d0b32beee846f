import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';
import { kubectlRunner } from './kubectl-runner.ts';

const PODS = { group: '', version: 'v1', resource: 'pods' };

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: targetgroupbindings.cutover.dev
spec:
  group: cutover.dev
  scope: Namespaced
  names: {plural: targetgroupbindings, singular: targetgroupbinding, kind: TargetGroupBinding, shortNames: [tgb]}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      subresources: {status: {}}
      additionalPrinterColumns:
        - {name: Target-Group, type: string, jsonPath: .spec.targetGroupARN}
        - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const TGB = `apiVersion: cutover.dev/v1alpha1
kind: TargetGroupBinding
metadata: {name: web, namespace: default}
spec: {serviceRef: {name: web, port: 80}, targetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-blue/1"}
`;

function pod(name: string, namespace: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
  };
}

describe('kubectl against the emulated API server', () => {
  let c: TestCluster;
  const kubectl = kubectlRunner(() => ['--kubeconfig', c.kubeconfigPath, '--cache-dir', join(c.dir, 'cache')]);
  const { run, ok } = kubectl;

  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.close();
  });

  it('kubectl get ns lists the default namespaces', async () => {
    const out = await ok(['get', 'ns']);
    assert.match(out, /^NAME\s+STATUS\s+AGE$/m);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      assert.match(out, new RegExp(`^${ns}\\s+Active\\s`, 'm'));
  });

  it('kubectl get pods -A shows pods of every namespace with the pod columns', async () => {
    c.store.create(
      { group: '', version: 'v1', resource: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    );
    c.store.create(PODS, pod('web-1', 'shop'));
    c.store.create(PODS, pod('web-2', 'default'));
    const out = await ok(['get', 'pods', '-A']);
    assert.match(out, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(out, /^default\s+web-2\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    assert.match(out, /^shop\s+web-1\s+0\/1\s+Pending\s+0\s+\d+s$/m);
  });

  it('kubectl apply -f of a CRD, then of a custom resource of it', async () => {
    writeFileSync(join(c.dir, 'crd.yaml'), CRD);
    writeFileSync(join(c.dir, 'tgb.yaml'), TGB);
    assert.match(
      await ok(['apply', '-f', join(c.dir, 'crd.yaml')]),
      /customresourcedefinition.apiextensions.k8s.io\/targetgroupbindings.cutover.dev created/,
    );
    assert.match(await ok(['apply', '-f', join(c.dir, 'tgb.yaml')]), /targetgroupbinding.cutover.dev\/web created/);
    assert.match(await ok(['apply', '-f', join(c.dir, 'tgb.yaml')]), /targetgroupbinding.cutover.dev\/web unchanged/);
    writeFileSync(join(c.dir, 'tgb.yaml'), TGB.replace('web-blue/1', 'web-blue/2'));
    assert.match(await ok(['apply', '-f', join(c.dir, 'tgb.yaml')]), /targetgroupbinding.cutover.dev\/web configured/);
    const out = await ok(['get', 'tgb']);
    assert.match(out, /^NAME\s+TARGET-GROUP\s+AGE$/m);
    assert.match(out, /^web\s+arn:aws:elasticloadbalancing:us-east-1:1:targetgroup\/web-blue\/2\s+\d+s$/m);
  });

  it('kubectl get tgb -A with the shipped CRD shows READY (the Ready condition), registered and healthy counts', async () => {
    const crd = fileURLToPath(new URL('../../../deploy/crd/targetgroupbindings.cutover.dev.yaml', import.meta.url));
    await ok(['apply', '-f', crd]);
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: cutover.dev/v1alpha1
kind: TargetGroupBinding
metadata: {name: shop, namespace: default}
spec: {serviceRef: {name: shop, port: 80}, targetType: ip, targetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/shop/1"}
`,
    );
    const status = (ready: string) =>
      JSON.stringify({
        status: {
          observedGeneration: 1,
          registeredTargets: 4,
          healthyTargets: 3,
          conditions: [
            { type: 'Synced', status: 'False', reason: 'Other' },
            { type: 'Ready', status: ready, reason: 'Reconciled', message: '4 targets desired' },
          ],
        },
      });
    const header = /^NAMESPACE\s+NAME\s+SERVICE\s+PORT\s+TARGET-TYPE\s+READY\s+REGISTERED\s+HEALTHY\s+AGE$/m;
    let out = await ok(['get', 'tgb', '-A']);
    assert.match(out, header);
    assert.match(out, /^default\s+shop\s+shop\s+80\s+ip\s+\d+s$/m, 'no status yet: READY and the counts are empty');
    for (const ready of ['True', 'False']) {
      await ok(['patch', 'tgb', 'shop', '--subresource=status', '--type=merge', '-p', status(ready)]);
      out = await ok(['get', 'tgb', '-A']);
      assert.match(out, header);
      assert.match(out, new RegExp(`^default\\s+shop\\s+shop\\s+80\\s+ip\\s+${ready}\\s+4\\s+3\\s+\\d+s$`, 'm'));
    }
  });

  it('kubectl apply --server-side: created, conflict with another manager, then forced', async () => {
    const cm = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: default}\ndata: {key: "${v}"}\n`;
    assert.match(await ok(['apply', '--server-side', '-f', '-'], cm('1')), /configmap\/ssa serverside-applied/);
    const conflict = await run(['apply', '--server-side', '--field-manager', 'intruder', '-f', '-'], cm('2'));
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl" using v1: \.data\.key/);
    await ok(['apply', '--server-side', '--field-manager', 'intruder', '--force-conflicts', '-f', '-'], cm('2'));
    assert.equal(await ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.key}']), '2');
  });

  it('kubectl patch: strategic (default), json, merge and the status subresource', async () => {
    await ok(['patch', 'pod', 'web-2', '-p', '{"metadata":{"labels":{"track":"green"}}}']);
    await ok([
      'patch',
      'pod',
      'web-2',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/annotations","value":{"a":"b"}}]',
    ]);
    await ok(['patch', 'pod', 'web-2', '--type=merge', '-p', '{"metadata":{"labels":{"app":null}}}']);
    await ok([
      'patch',
      'pod',
      'web-2',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Running","podIP":"10.1.2.3"}}',
    ]);
    const p = c.store.get(PODS, 'default', 'web-2')!;
    assert.deepEqual(p.metadata.labels, { track: 'green' });
    assert.deepEqual(p.metadata.annotations, { a: 'b' });
    assert.equal(p.status.podIP, '10.1.2.3');
    assert.match(await ok(['get', 'pod', 'web-2', '-o', 'wide']), /^web-2\s+0\/1\s+Running\s+0\s+\S+\s+10\.1\.2\.3\s/m);
  });

  it('kubectl get pods -w prints a new pod as it is created', async () => {
    const child = spawn(kubectl.path(), [
      '--kubeconfig',
      c.kubeconfigPath,
      '--cache-dir',
      join(c.dir, 'cache'),
      'get',
      'pods',
      '-n',
      'shop',
      '-w',
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await eventually('initial listing', () => /web-1/.test(out), 15_000);
      c.store.create(PODS, pod('watched', 'shop'));
      await eventually('watched pod line', () => /^watched\s+0\/1\s+Pending\s+0\s+\d+s$/m.test(out), 15_000);
      assert.equal(out.match(/^NAME\s+READY/gm)?.length, 1, `header printed once:\n${out}`);
    } finally {
      child.kill();
    }
  });

  it('kubectl delete removes a config map and a (never scheduled) pod', async () => {
    assert.match(await ok(['delete', 'cm', 'ssa']), /configmap "ssa" deleted/);
    assert.match(await ok(['delete', 'pod', 'web-2']), /pod "web-2" deleted/);
    assert.equal(c.store.get(PODS, 'default', 'web-2'), undefined);
    const missing = await run(['get', 'cm', 'ssa']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /configmaps "ssa" not found/);
  });

  it('kubectl create namespace|configmap|secret|serviceaccount (protobuf bodies) create real objects', async () => {
    // WHEN kubectl's generator commands send their protobuf bodies
    assert.match(await ok(['create', 'namespace', 'gen']), /namespace\/gen created/);
    await ok(['create', 'configmap', 'cfg', '-n', 'gen', '--from-literal=a=b', '--from-literal=empty=']);
    await ok(['create', 'secret', 'generic', 'sec', '-n', 'gen', '--from-literal=k=v']);
    await ok(['create', 'serviceaccount', 'sa', '-n', 'gen']);
    // THEN the objects are what the same JSON bodies would have made
    const ns = c.store.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, 'gen')!;
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
    assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], 'gen');
    const cm = c.store.get({ group: '', version: 'v1', resource: 'configmaps' }, 'gen', 'cfg')!;
    assert.deepEqual(cm.data, { a: 'b', empty: '' });
    assert.equal(cm.metadata.managedFields?.[0]?.manager, 'kubectl-create');
    const sec = c.store.get({ group: '', version: 'v1', resource: 'secrets' }, 'gen', 'sec')!;
    assert.deepEqual(sec.data, { k: Buffer.from('v').toString('base64') });
    assert.equal(sec.type, 'Opaque');
    assert.ok(c.store.get({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'gen', 'sa'));
    // AND a kind this emulator cannot decode from protobuf is a 415 that says which kinds it can
    const dep = await run(['create', 'deployment', 'd', '-n', 'gen', '--image=nginx']);
    assert.notEqual(dep.code, 0);
    assert.match(dep.stderr, /decodes protobuf bodies only for Namespace, ConfigMap, Secret, ServiceAccount/);
  });
});
