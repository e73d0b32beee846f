import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTargetGroupCommand, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { AWS_LBC_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { deployment, seedManifests, service } from './fixtures/workloads.ts';
import { AgentHarness, readyOf } from './harness.ts';

/**
 * The TargetGroupBinding manifests of the seed articles, applied as written (elbv2.k8s.aws/v1beta1,
 * the AWS Load Balancer Controller's CRD), reconciled by the agent in compat mode and checked
 * against DescribeTargetHealth.
 */
const SCENARIO = `
apiVersion: cutover.dev/v1alpha1
kind: SandboxScenario
region: us-east-1
account: "000000000000"
preRegister: false
loadBalancers:
  - name: edge
    listeners:
      - {port: 80, protocol: HTTP, forward: {eks-prometheus-tg: 1, eksworkshoptg: 1, my-app-tg: 1}}
targetGroups:
  - {name: eks-prometheus-tg, port: 9090, healthCheck: {path: /-/healthy, interval: 10s}}
  - {name: eksworkshoptg, port: 80, healthCheck: {interval: 10s}}
  - {name: my-app-tg, port: 80, healthCheck: {interval: 10s}}
clusters:
  - name: main
    namespaces: [monitoring, workshop]
  - name: workload
    outsideVpc: true
`;

describe('seed TargetGroupBindings in compat mode (elbv2.k8s.aws/v1beta1)', () => {
  let h: AgentHarness;
  let tg: Record<string, string>;

  before(async () => {
    h = await AgentHarness.start(SCENARIO);
    await h.installCrds(AWS_LBC_BINDINGS);
    tg = await h.groupArns();
    await h.startAgent('main', { api: AWS_LBC_BINDINGS });
    await h.startAgent('workload', { api: AWS_LBC_BINDINGS });
  });
  after(() => h.close());

  const allHealthy = (tgArn: string, n: number) => async () => {
    const s = await h.targetSummary(tgArn);
    return s.length === n && s.every((t) => t.endsWith('=healthy')) ? s : undefined;
  };

  it('000 prometheus-tgb: no targetType (taken from the ip group) → the Prometheus pods on 9090 turn healthy', async () => {
    await h.apply('main', [
      deployment('prometheus', 'monitoring', 2, { name: 'web', containerPort: 9090 }),
      service('prometheus-k8s', 'monitoring', 'prometheus', 9090, 'web'),
    ]);
    await h.apply('main', seedManifests('000-prometheus-tgb.yaml', tg['eks-prometheus-tg']!));
    const s = await h.eventually('2 healthy prometheus targets', allHealthy(tg['eks-prometheus-tg']!, 2));
    const ips = await h.podIps('main', 'monitoring', 'prometheus');
    assert.deepEqual(
      s,
      ips.map((ip) => `${ip}:9090=healthy`),
    );
    const b = await h.eventually('status 2 healthy', async () => {
      const o = await h.binding('main', AWS_LBC_BINDINGS, 'monitoring', 'prometheus-tgb');
      return o.status?.healthyTargets === 2 ? o : undefined;
    });
    assert.equal(readyOf(b), 'True/Reconciled');
  });

  it('001 ingress-nginx: instance targets on the node port of every node without exclude-from-lb-targetgroups', async () => {
    const created = await h.elb.send(
      new CreateTargetGroupCommand({
        Name: 'eks-abcdef',
        Protocol: 'HTTP',
        Port: 80,
        TargetType: 'instance',
        VpcId: 'vpc-0sandbox',
      }),
    );
    const instanceTg = created.TargetGroups![0]!.TargetGroupArn!;
    await h.elb.send(
      new ModifyListenerCommand({
        ListenerArn: h.sandbox.world.listenerArn('edge', 80),
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [...Object.values(tg), instanceTg].map((TargetGroupArn) => ({ TargetGroupArn, Weight: 1 })),
            },
          },
        ],
      }),
    );
    const core = h.kube('main').makeApiClient(CoreV1Api);
    await core.patchNode(
      { name: 'main-node-c', body: { metadata: { labels: { 'exclude-from-lb-targetgroups': 'true' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await h.apply('main', [
      deployment('ingress-nginx-controller', 'default', 2, { name: 'http', containerPort: 80 }),
      service('ingress-nginx-controller', 'default', 'ingress-nginx-controller', 80, 'http', 'NodePort'),
    ]);
    // The seed has no namespace: it is applied to the Service's (default).
    await h.apply('main', seedManifests('001-ingress-nginx.yaml', instanceTg), 'default');
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'ingress-nginx-controller' });
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `node port ${nodePort}`);
    const nodes = (await core.listNode()).items;
    const expected = nodes
      .filter((n) => n.metadata!.name !== 'main-node-c')
      .map((n) => `${n.spec!.providerID!.split('/').pop()}:${nodePort}=healthy`)
      .sort();
    assert.equal(expected.length, 2);
    const s = await h.eventually('2 healthy instance targets', allHealthy(instanceTg, 2));
    assert.deepEqual(s, expected);
    // Node labels change: node c is let in, node a leaves through Kubernetes' own exclusion label.
    const label = (name: string, labels: Record<string, string | null>) =>
      core.patchNode(
        { name, body: { metadata: { labels } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await label('main-node-c', { 'exclude-from-lb-targetgroups': null });
    await label('main-node-a', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' });
    const idOf = (n: string) =>
      nodes
        .find((x) => x.metadata!.name === n)!
        .spec!.providerID!.split('/')
        .pop();
    const want = [`${idOf('main-node-b')}:${nodePort}=healthy`, `${idOf('main-node-c')}:${nodePort}=healthy`].sort();
    const after = await h.eventually('nodes b and c healthy, a gone', async () => {
      const now = await h.targetSummary(instanceTg);
      return JSON.stringify(now) === JSON.stringify(want) ? now : undefined;
    });
    assert.deepEqual(after, want);
  });

  it('002 workshop walkthrough: the Deployment, Service and testapptgb from the seed → the 3 pods turn healthy', async () => {
    await h.apply('main', seedManifests('002-workshop.yaml', tg.eksworkshoptg!));
    const s = await h.eventually('3 healthy testapp targets', allHealthy(tg.eksworkshoptg!, 3));
    const ips = await h.podIps('main', 'workshop', 'testapp');
    assert.deepEqual(
      s,
      ips.map((ip) => `${ip}:80=healthy`),
    );
  });

  it('003 my-app-tgb: pods outside the VPC are registered with AvailabilityZone all and turn healthy', async () => {
    const [tgb, ns] = seedManifests('003-cross-account.yaml', tg['my-app-tg']!);
    await h.apply('workload', [ns!]);
    await h.apply('workload', [
      // The readiness gate the AWS Load Balancer Controller's webhook injects in a namespace
      // labelled elbv2.k8s.aws/pod-readiness-gate-inject (the seed's Namespace).
      deployment('my-app', 'apps', 2, { name: 'http', containerPort: 8080 }, [
        'target-health.elbv2.k8s.aws/my-app-tgb',
      ]),
      service('my-app', 'apps', 'my-app', 80, 'http'),
    ]);
    await h.apply('workload', [tgb!]);
    const s = await h.eventually('2 healthy my-app targets', allHealthy(tg['my-app-tg']!, 2));
    const ips = await h.podIps('workload', 'apps', 'my-app');
    assert.deepEqual(
      s,
      ips.map((ip) => `${ip}:8080=healthy`),
    );
    const zones = (await h.targets(tg['my-app-tg']!)).map((d) => d.Target!.AvailabilityZone);
    assert.deepEqual(zones, ['all', 'all']);
    const b = await h.binding('workload', AWS_LBC_BINDINGS, 'apps', 'my-app-tgb');
    assert.equal(readyOf(b), 'True/Reconciled');
    const core = h.kube('workload').makeApiClient(CoreV1Api);
    const pods = await h.eventually('pods Ready through the gate', async () => {
      const items = (await core.listNamespacedPod({ namespace: 'apps' })).items;
      return items.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        ? items
        : undefined;
    });
    assert.deepEqual(
      pods.map((p) => p.status?.conditions?.find((c) => c.type === 'target-health.elbv2.k8s.aws/my-app-tgb')?.status),
      ['True', 'True'],
    );
  });
});
