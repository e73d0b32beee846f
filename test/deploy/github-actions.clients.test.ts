import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { requireTool } from '../helpers/cli-tools.ts';
import { type StepResult, stepRunner, steps, workflow } from './workflow-steps.ts';

const exec = promisify(execFile);
const BASE = "github.event_name == 'pull_request' && github.event.pull_request.base.sha || github.event.before";

/** The `changes` job of deploy/github-actions/cutover.yml in a git repository made for the test. */
describe('deploy/github-actions/cutover.yml: which rollouts changed, with git', () => {
  const git = requireTool('git', 'apt-get install -y git');
  let dir: string;
  let repo: string;
  let base: string;
  let runStep: ReturnType<typeof stepRunner>;
  const g = async (...args: string[]) => (await exec(git, args, { cwd: repo })).stdout.trim();
  const changedStep = () => steps('changes').find((s) => s.id === 'changed')!;
  const rollouts = (r: StepResult) => {
    assert.equal(r.code, 0, r.stderr);
    const line = r.output.split('\n').find((l) => l.startsWith('rollouts='));
    return JSON.parse(line!.slice('rollouts='.length));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-gha-git-'));
    runStep = stepRunner(dir);
    repo = join(dir, 'repo');
    mkdirSync(join(repo, 'rollouts'), { recursive: true });
    await g('init', '--quiet', '--initial-branch=main');
    await g('config', 'user.email', 'test@example.com');
    await g('config', 'user.name', 'test');
    for (const f of ['web.yaml', 'api.yaml', 'old.yaml', 'README.md'])
      writeFileSync(join(repo, 'rollouts', f), `${f}\n`);
    await g('add', '.');
    await g('commit', '--quiet', '-m', 'base');
    base = await g('rev-parse', 'HEAD');
    // The push: web changed, batch added, old deleted, the README edited, api untouched.
    writeFileSync(join(repo, 'rollouts/web.yaml'), 'web.yaml, changed\n');
    writeFileSync(join(repo, 'rollouts/batch.yaml'), 'batch.yaml\n');
    writeFileSync(join(repo, 'rollouts/README.md'), 'edited\n');
    rmSync(join(repo, 'rollouts/old.yaml'));
    await g('add', '-A');
    await g('commit', '--quiet', '-m', 'push');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN a push that changes, adds and deletes rollouts WHEN the changes step runs THEN it lists the changed and added ones as JSON', async () => {
    const r = await runStep(changedStep(), { [BASE]: base }, {}, repo);
    assert.deepEqual(rollouts(r), ['rollouts/batch.yaml', 'rollouts/web.yaml']);
  });

  it('GIVEN a push with no usable base (a new branch: github.event.before is all zeros) THEN every rollout counts as changed', async () => {
    const r = await runStep(changedStep(), { [BASE]: '0'.repeat(40) }, {}, repo);
    assert.deepEqual(rollouts(r), ['rollouts/api.yaml', 'rollouts/batch.yaml', 'rollouts/web.yaml']);
  });

  it('GIVEN a push that touches no rollout file THEN the list is empty, and the run job is skipped by its condition', async () => {
    const head = await g('rev-parse', 'HEAD');
    const r = await runStep(changedStep(), { [BASE]: head }, {}, repo);
    assert.deepEqual(rollouts(r), []);
    // The string the run job's condition compares with (a matrix over an empty list is an error).
    assert.match(r.output, /^rollouts=\[\]$/m);
    assert.match(workflow.jobs.run.if, / && needs\.changes\.outputs\.rollouts != '\[\]'$/);
  });
});
