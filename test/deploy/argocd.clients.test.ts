import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { parseAllDocuments, stringify } from 'yaml';
import { AgentController } from '../../src/agent/controller.ts';
import { classifyElbError, elbTargetGroup } from '../../src/aws/agent-targets.ts';
import { AgentCluster, CUTOVER_BINDINGS } from '../../src/kube/agent-cluster.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { requireTool } from '../helpers/cli-tools.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { type RenderedApp, renderApplications } from './argocd-render.ts';

const run = promisify(execFile);

/**
 * What ArgoCD would build for each Application of deploy/argocd/applicationset.yaml: kustomize of
 * its path with the Application's inline patches (ArgoCD adds them to the kustomization), built
 * by kubectl; the blue bindings are then applied to a sandbox cluster and an agent registers
 * their pods in the target group the label names.
 */
describe('deploy/argocd with kubectl', () => {
  const kubectl = requireTool('kubectl', 'apt-get install -y kubernetes-client');
  let dir: string;
  let sandbox: Sandbox;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-argocd-'));
    sandbox = await startSandbox({
      dir: join(dir, 'sbx'),
      scenario: join(REPO_ROOT, 'scenarios/empty-target-groups.yaml'),
    });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** kustomize build of the Application's source, as ArgoCD does it (inline patches included). */
  async function build(a: RenderedApp): Promise<string> {
    const k = join(dir, a.app.metadata.name);
    mkdirSync(k, { recursive: true });
    writeFileSync(
      join(k, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        // kustomize takes directories outside the root, but only by relative path.
        resources: [relative(k, join(REPO_ROOT, a.app.spec.source.path))],
        patches: a.app.spec.source.kustomize?.patches ?? [],
      }),
    );
    return (await run(kubectl, ['kustomize', k])).stdout;
  }

  it('GIVEN each rendered Application WHEN kubectl builds it THEN it yields the agent or the patched binding', async () => {
    for (const a of renderApplications()) {
      const objects = parseAllDocuments(await build(a)).map((d) => d.toJSON());
      if (a.appSet === 'cutover-agent') {
        const dep = objects.find((o) => o.kind === 'Deployment');
        assert.ok(
          dep.spec.template.spec.containers[0].args.includes(`--cluster-name=${a.cluster.name}`),
          `${a.app.metadata.name} runs the agent as ${a.cluster.name}`,
        );
      } else {
        assert.deepEqual(
          objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name} → ${o.spec.targetGroupName}`),
          [`TargetGroupBinding web/web → web-${a.cluster.name}`],
        );
      }
    }
  });

  it("GIVEN blue's built bindings WHEN applied to the sandbox with an agent running THEN blue's pods are registered in web-blue", async () => {
    const env = { ...process.env, KUBECONFIG: sandbox.kubeconfigFile };
    const crd = join(REPO_ROOT, 'deploy/crd');
    await run(kubectl, ['--context', 'blue', 'apply', '-k', crd], { env });
    const blue = renderApplications().find((a) => a.app.metadata.name === 'cutover-bindings-blue')!;
    const manifest = join(dir, 'bindings-blue.yaml');
    writeFileSync(manifest, await build(blue));

    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigFile);
    kc.setCurrentContext('blue');
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
    let controller: AgentController | undefined;
    const cluster = new AgentCluster({
      kc,
      api: CUTOVER_BINDINGS,
      clock: sandbox.clock,
      onChange: (kind, ns, obj) => controller?.changed(kind, ns, obj.metadata?.name ?? ''),
    });
    controller = new AgentController(cluster.view(), elbTargetGroup(elb), {
      cluster: 'blue',
      guard: { cluster: 'blue', allow: ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/*-blue/*'] },
      namespaces: [],
      clock: sandbox.clock,
      log: pino({ level: 'silent' }),
      random: () => 0.5,
      resyncMs: 30 * 60_000,
      classify: classifyElbError,
    });
    try {
      await cluster.start();
      controller.start();
      const applied = await run(kubectl, ['--context', 'blue', 'apply', '-f', manifest], { env });
      assert.match(applied.stdout, /targetgroupbinding.cutover.dev\/web created/);
      const tg = sandbox.world.targetGroupArn('web-blue');
      let n = 0;
      for (let i = 0; i < 100 && n < 4; i++) {
        await new Promise((r) => setTimeout(r, 100));
        n = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions!.length;
      }
      assert.equal(n, 4, 'the 4 blue pods are registered in the group the cluster label names');
    } finally {
      await controller.stop();
      await cluster.stop();
      elb.destroy();
    }
  });
});
