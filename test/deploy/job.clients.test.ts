import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { requireTool } from '../helpers/cli-tools.ts';
import { REPO_ROOT, runCli } from '../helpers/run-cli.ts';
import { startTestCluster, type TestCluster } from '../sandbox/kube/harness.ts';
import { kubectlRunner } from '../sandbox/kube/kubectl-runner.ts';
import { podOf } from './job-sandbox.ts';
import { type KubeObj, only, renderKustomization, withoutHashes } from './kustomize-render.ts';

const run = promisify(execFile);
const VARIANTS = ['configmap', 'git'] as const;
const dirOf = (v: string) => join(REPO_ROOT, 'deploy/job', v);

/**
 * deploy/job as an operator uses it: kubectl builds both variants (the same objects the renderer
 * of the normal suite builds) and applies them to an emulated management cluster; git checks out
 * this repository as the git variant's init container would, and the file cutover is given is there.
 */
describe('deploy/job with kubectl and git', () => {
  let management: TestCluster;
  let dir: string;
  const kubectl = kubectlRunner(() => ['--kubeconfig', management.kubeconfigPath, '--cache-dir', join(dir, 'cache')]);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-job-kubectl-'));
    management = await startTestCluster({ name: 'management' });
  });
  after(async () => {
    await management.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN each variant WHEN kubectl builds it THEN it is what the normal suite renders, up to the ConfigMap name hash', async () => {
    for (const v of VARIANTS) {
      const built = parseAllDocuments(await kubectl.ok(['kustomize', dirOf(v)])).map((d) => d.toJSON() as KubeObj);
      const ours = renderKustomization(dirOf(v));
      const cm = only(ours, 'ConfigMap').metadata.name;
      assert.match(only(built, 'ConfigMap').metadata.name, new RegExp(`^${cm}-[a-z0-9]{10}$`), v);
      const key = (o: KubeObj) => `${o.kind}/${o.metadata.name}`;
      const sorted = (os: KubeObj[]) => [...os].sort((a, b) => key(a).localeCompare(key(b)));
      assert.deepEqual(sorted(withoutHashes(built, [cm])), sorted(ours), v);
    }
  });

  it('GIVEN the configmap variant WHEN kubectl applies it THEN every object is created, the Job shows as running, and applying again changes nothing', async () => {
    const applied = await kubectl.ok(['apply', '-k', dirOf('configmap')]);
    assert.match(applied, /^namespace\/cutover-rollouts created$/m);
    assert.match(applied, /^serviceaccount\/cutover-driver created$/m);
    assert.match(applied, /^configmap\/cutover-rollout-[a-z0-9]{10} created$/m);
    assert.match(applied, /^job.batch\/cutover-run created$/m);
    const jobs = await kubectl.ok(['-n', 'cutover-rollouts', 'get', 'jobs']);
    assert.match(jobs, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/m);
    assert.match(jobs, /^cutover-run\s+Running\s+0\/1\s+\d+s$/m, 'no Job controller in the sandbox: never started');
    const again = await kubectl.ok(['apply', '-k', dirOf('configmap')]);
    assert.match(again, /^job.batch\/cutover-run unchanged$/m);
  });

  it('GIVEN the first Job WHEN deleted and the git variant applied THEN its Job is created with the checkout init container', async () => {
    assert.match(await kubectl.ok(['-n', 'cutover-rollouts', 'delete', 'job', 'cutover-run']), /deleted/);
    const applied = await kubectl.ok(['apply', '-k', dirOf('git')]);
    assert.match(applied, /^configmap\/cutover-rollout-source-[a-z0-9]{10} created$/m);
    assert.match(applied, /^job.batch\/cutover-run created$/m);
    const init = await kubectl.ok([
      '-n',
      'cutover-rollouts',
      'get',
      'job',
      'cutover-run',
      '-o',
      'jsonpath={.spec.template.spec.initContainers[0].image}',
    ]);
    assert.match(init, /^registry\.k8s\.io\/git-sync\/git-sync:v4\./);
  });

  it("GIVEN the git variant WHEN this repository is checked out where git-sync puts it THEN the file in cutover's args is there and valid", async () => {
    const git = requireTool('git', 'apt-get install -y git');
    const job = only(renderKustomization(dirOf('git')), 'Job');
    const pod = podOf(job, [only(renderKustomization(dirOf('git')), 'ConfigMap')], join(dir, 'pod'), {
      'batch.kubernetes.io/job-name': job.metadata.name,
    });
    // git-sync --root=/checkout --link=current: the checkout appears at /checkout/current.
    const checkout = join(dir, 'pod', 'checkout', 'current');
    mkdirSync(join(dir, 'pod', 'checkout'), { recursive: true });
    await run(git, ['clone', '--quiet', '--depth', '1', `file://${REPO_ROOT}`, checkout]);
    assert.ok(pod.args[1]!.startsWith(`${checkout}/`), pod.args[1]);
    assert.ok(existsSync(pod.args[1]!), `${pod.args[1]} was checked out`);
    const valid = await runCli(['validate', pod.args[1]!]);
    assert.equal(valid.code, 0, valid.stderr);
  });
});
