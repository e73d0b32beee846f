import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ExitCode } from '../../src/errors.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Plan } from '../../src/plan/plan-types.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { loadRolloutFile } from '../../src/spec/load.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCli, runCliProcess } from '../helpers/run-cli.ts';
import { startTestCluster, type TestCluster } from '../sandbox/kube/harness.ts';
import { podOf, startPod } from './job-sandbox.ts';
import { type KubeObj, only, renderKustomization } from './kustomize-render.ts';

const JOB_DIR = join(REPO_ROOT, 'deploy/job');
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const variants = {
  configmap: renderKustomization(join(JOB_DIR, 'configmap')),
  git: renderKustomization(join(JOB_DIR, 'git')),
};
const podSpec = (objects: KubeObj[]) => only(objects, 'Job').spec.template.spec;
const cutoverContainer = (objects: KubeObj[]) =>
  podSpec(objects).containers.find((c: { name: string }) => c.name === 'cutover');

/**
 * The longest a run of `plan` may take without an operator: its minimum duration, a full capacity
 * wait before each weight step, each step's tolerated inconclusive ticks, and a gradual rollback.
 */
function runTimeBoundMs(plan: Plan): number {
  const weightSteps = plan.steps.filter((s) => s.kind === 'weight').length;
  const rollback = plan.rollback.mode === 'gradual' ? plan.rollback.path.length * plan.rollback.stepBakeMs : 0;
  return (
    plan.totals.minDurationMs +
    weightSteps * (plan.capacity.waitMs + plan.gates.inconclusiveLimit * plan.gates.intervalMs) +
    rollback
  );
}

async function liveWeights(sandbox: Sandbox): Promise<Record<string, number>> {
  const elb = new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
  try {
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [LISTENER] }));
    const fwd = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
    return Object.fromEntries(
      (fwd?.ForwardConfig?.TargetGroups ?? []).map((t) => [t.TargetGroupArn!.split('/')[1]!, t.Weight ?? 1]),
    );
  } finally {
    elb.destroy();
  }
}

/** Server-side applies `objects` as `kubectl apply --server-side` does, then reads each back. */
async function applyAndReadBack(cluster: TestCluster, objects: KubeObj[]): Promise<KubeObj[]> {
  const api = KubernetesObjectApi.makeApiClient(cluster.kc);
  for (const o of objects) {
    await api.patch(o, undefined, undefined, 'cutover-test', true, PatchStrategy.ServerSideApply);
  }
  // As JSON: client-node returns its model classes.
  return Promise.all(objects.map(async (o) => JSON.parse(JSON.stringify(await api.read(o))) as KubeObj));
}

describe('deploy/job: `cutover run` as a Kubernetes Job', () => {
  it('GIVEN either variant WHEN built THEN it is a Namespace, a ServiceAccount, a ConfigMap and the Job, all in cutover-rollouts', () => {
    for (const objects of Object.values(variants)) {
      assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Job', 'Namespace', 'ServiceAccount']);
      assert.equal(only(objects, 'Namespace').metadata.name, 'cutover-rollouts');
      for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
        assert.equal(o.metadata.namespace, 'cutover-rollouts', `${o.kind}/${o.metadata.name}`);
      }
      assert.equal(podSpec(objects).serviceAccountName, only(objects, 'ServiceAccount').metadata.name);
    }
  });

  it("GIVEN the Job's pod failure policy THEN exactly cutover's exit codes of bad input, rollback and abort fail it at once; crashes and disruptions are retried", () => {
    const job = only(variants.configmap, 'Job');
    const [failJob, ignore, ...more] = job.spec.podFailurePolicy.rules;
    assert.deepEqual(more, []);
    assert.equal(failJob.action, 'FailJob');
    assert.deepEqual(failJob.onExitCodes, {
      containerName: cutoverContainer(variants.configmap).name,
      operator: 'In',
      values: [ExitCode.invalid, ExitCode.rolledBack, ExitCode.aborted].sort((a, b) => a - b),
    });
    for (const retried of [ExitCode.internal, ExitCode.interrupted, ExitCode.terminated, 137]) {
      assert.ok(!failJob.onExitCodes.values.includes(retried), `exit ${retried} is retried`);
    }
    assert.deepEqual(ignore, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    assert.ok(job.spec.backoffLimit >= 1, 'a crash is retried');
    assert.ok(job.spec.ttlSecondsAfterFinished > 0);
    assert.equal(podSpec(variants.configmap).restartPolicy, 'Never', 'a pod failure policy needs Never');
  });

  it('GIVEN the Job THEN it runs non-root, read-only, without capabilities or a Kubernetes token, with requests and limits, and one lease holder for all its pods', () => {
    for (const objects of Object.values(variants)) {
      const pod = podSpec(objects);
      assert.equal(pod.automountServiceAccountToken, false);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], c.name);
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, c.name);
      }
      // The holder names the Job, not the pod: the downward API gives every pod the same one.
      const env = cutoverContainer(objects).env;
      assert.equal(
        env.find((e: { name: string }) => e.name === 'CUTOVER_HOLDER').value,
        'job/$(POD_NAMESPACE)/$(JOB_NAME)',
      );
      assert.equal(
        env.find((e: { name: string }) => e.name === 'JOB_NAME').valueFrom.fieldRef.fieldPath,
        "metadata.labels['batch.kubernetes.io/job-name']",
      );
    }
  });

  it("GIVEN the configmap variant's rollout THEN it is the sandbox's example, and the Job's deadline covers the run `cutover plan` describes", async () => {
    const file = join(JOB_DIR, 'configmap/rollout.yaml');
    assert.deepEqual(
      parse(readFileSync(file, 'utf8')),
      parse(readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8')),
    );
    const plan = buildPlan((await loadRolloutFile(file)).rollout);
    const deadlineMs = only(variants.configmap, 'Job').spec.activeDeadlineSeconds * 1000;
    assert.equal(runTimeBoundMs(plan), 40 * 60_000, 'the figure in the manifest comment');
    assert.ok(deadlineMs >= runTimeBoundMs(plan), `${deadlineMs} ms ≥ ${runTimeBoundMs(plan)} ms`);
  });

  it('GIVEN the configmap variant THEN the file its args name is a key of the ConfigMap its volume mounts', () => {
    const pod = podSpec(variants.configmap);
    const [, file] = cutoverContainer(variants.configmap).args;
    const mount = cutoverContainer(variants.configmap).volumeMounts.find((m: { mountPath: string }) =>
      file.startsWith(`${m.mountPath}/`),
    );
    assert.ok(mount, `a volume is mounted above ${file}`);
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    const cm = only(variants.configmap, 'ConfigMap');
    assert.equal(volume.configMap.name, cm.metadata.name);
    assert.ok(file.slice(mount.mountPath.length + 1) in cm.data, `${file} is a key of ${cm.metadata.name}`);
  });

  it("GIVEN the git variant THEN cutover's file is under the checkout the init container makes, and that path is a valid rollout of this repository", async () => {
    const pod = podSpec(variants.git);
    const [checkout, ...others] = pod.initContainers;
    assert.deepEqual(others, []);
    const flag = (name: string) => checkout.args.find((a: string) => a.startsWith(`--${name}=`))?.split('=')[1];
    assert.ok(checkout.args.includes('--one-time'), 'git-sync clones once and exits');
    const root = flag('root');
    const written = checkout.volumeMounts.find((m: { mountPath: string }) => m.mountPath === root);
    assert.ok(written, `git-sync's root ${root} is a volume`);
    assert.ok(pod.volumes.find((v: { name: string }) => v.name === written.name).emptyDir);
    const read = cutoverContainer(variants.git).volumeMounts.find((m: { name: string }) => m.name === written.name);
    assert.equal(read.readOnly, true);
    // The kubelet's expansion of the args with the env, the ConfigMap's `path` included.
    const job = only(variants.git, 'Job');
    const scratch = mkdtempSync(join(tmpdir(), 'cutover-job-git-'));
    const run = podOf(job, [only(variants.git, 'ConfigMap')], scratch, {
      ...job.spec.template.metadata.labels,
      'batch.kubernetes.io/job-name': job.metadata.name, // as the API server adds it
    });
    rmSync(scratch, { recursive: true, force: true });
    const path = only(variants.git, 'ConfigMap').data.path;
    assert.ok(run.args[1]!.endsWith(`${read.mountPath}/${flag('link')}/${path}`), run.args[1]);
    assert.ok(existsSync(join(REPO_ROOT, path)), `${path} is in the repository the example clones`);
    const valid = await runCli(['validate', path]);
    assert.equal(valid.code, 0, valid.stderr);
  });

  it("GIVEN the IRSA trust policy THEN it lets exactly the Job's ServiceAccount assume the role the ServiceAccount names", () => {
    const trust = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/iam/driver-irsa.trust.json'), 'utf8'));
    const [statement, ...more] = trust.Statement;
    assert.deepEqual(more, []);
    assert.equal(statement.Action, 'sts:AssumeRoleWithWebIdentity');
    const provider = statement.Principal.Federated.split(':oidc-provider/')[1];
    const sa = only(variants.configmap, 'ServiceAccount');
    assert.deepEqual(statement.Condition.StringEquals, {
      [`${provider}:sub`]: `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
      [`${provider}:aud`]: 'sts.amazonaws.com',
    });
    const account = statement.Principal.Federated.split(':')[4];
    const role = (sa.metadata.annotations as Record<string, string>)['eks.amazonaws.com/role-arn'];
    assert.match(role, new RegExp(`^arn:aws:iam::${account}:role/`));
  });

  it('GIVEN the Job args THEN each flag is an option of `cutover run`', async () => {
    const help = (await runCli(['run', '--help'])).stdout;
    for (const objects of Object.values(variants)) {
      const [command, , ...flags] = cutoverContainer(objects).args as string[];
      assert.equal(command, 'run');
      for (const f of flags)
        assert.match(help, new RegExp(`\\s${f.split('=')[0]}\\b`), `${f} is an option of cutover run`);
    }
  });
});

describe('deploy/job applied to a management cluster, its pod run against the sandbox', () => {
  let management: TestCluster;
  let dir: string;
  const sandboxes: Sandbox[] = [];
  let applied: KubeObj[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-job-'));
    management = await startTestCluster({ name: 'management' });
    applied = await applyAndReadBack(management, variants.configmap);
  });
  after(async () => {
    for (const s of sandboxes) await s.close();
    await management.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const world = async (speed: number) => {
    const s = await startSandbox({ speed, dir: join(dir, `sbx-${sandboxes.length}`) });
    sandboxes.push(s);
    return s;
  };

  it('GIVEN the configmap variant WHEN applied server-side THEN it reads back: the Job with its generated selector and its pod failure policy as written', () => {
    const job = only(applied, 'Job');
    assert.deepEqual(
      job.spec.podFailurePolicy.rules[0],
      only(variants.configmap, 'Job').spec.podFailurePolicy.rules[0],
    );
    assert.equal(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], job.metadata.uid);
    assert.equal(job.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'cutover-run');
    assert.equal(
      only(applied, 'ConfigMap').data['rollout.yaml'],
      readFileSync(join(JOB_DIR, 'configmap/rollout.yaml'), 'utf8'),
    );
    assert.equal(
      (only(applied, 'ServiceAccount').metadata.annotations as Record<string, string>)['eks.amazonaws.com/role-arn'],
      'arn:aws:iam::000000000000:role/cutover-driver',
    );
  });

  it('GIVEN the applied Job WHEN its pod runs (its env, args and mounted ConfigMap) THEN the rollout completes: exit 0, 100% on green', async () => {
    const sandbox = await world(120);
    const run = podOf(only(applied, 'Job'), [only(applied, 'ConfigMap')], join(dir, 'pod-complete'));
    assert.equal(run.env.CUTOVER_HOLDER, 'job/cutover-rollouts/cutover-run');
    const pod = startPod(run, sandbox.env);
    try {
      assert.equal(await pod.exited, ExitCode.ok, pod.out());
      assert.match(pod.out(), /\{"type":"result","outcome":"completed"/);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 0, 'web-green': 1 });
    } finally {
      pod.kill();
    }
  });

  it("GIVEN the Job's pod is killed mid-rollout WHEN the Job's next pod starts THEN it takes the lease over and resumes at once, while any other driver is refused", async () => {
    // Real time: the killed pod's lease lives on for its 60 s, as it would in a cluster.
    const sandbox = await world(1);
    const job = only(applied, 'Job');
    const first = startPod(podOf(job, [only(applied, 'ConfigMap')], join(dir, 'pod-1')), sandbox.env);
    try {
      await first.until('"type":"shifted","step":0', 60_000);
      first.kill('SIGKILL');
      await first.exited;
    } finally {
      first.kill();
    }
    const other = await runCliProcess(['run', 'rollouts/sandbox-web.yaml', '--yes'], { env: sandbox.env });
    assert.equal(other.code, ExitCode.invalid, other.stdout + other.stderr);
    assert.match(other.stderr, /is being driven by job\/cutover-rollouts\/cutover-run \(lease until/);
    const next = startPod(podOf(job, [only(applied, 'ConfigMap')], join(dir, 'pod-2')), sandbox.env);
    try {
      await next.until('"phase":"baking","step":0', 60_000);
      assert.doesNotMatch(next.out(), /"type":"shifted"/, 'resumed at the recorded step: nothing written again');
      // A pod deleted by hand: stopped where it is, and the exit code is one the Job retries.
      next.kill('SIGTERM');
      const code = await next.exited;
      assert.equal(code, ExitCode.terminated, 'SIGTERM: 143, as the README says');
      assert.match(next.out(), /"type":"result","outcome":"failed".*"interrupted":true/);
      assert.ok(!job.spec.podFailurePolicy.rules[0].onExitCodes.values.includes(code), `exit ${code} is retried`);
      assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 19, 'web-green': 1 }, 'left at step 1');
    } finally {
      next.kill();
    }
  });
});
