import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { commands } from '../../src/cli/commands.ts';
import { ExitCode } from '../../src/errors.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCli } from '../helpers/run-cli.ts';
import { cutoverCalls, gh, type Step, stepCalling, stepRunner, steps, workflow } from './workflow-steps.ts';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';

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

describe('deploy/github-actions/cutover.yml: the workflow', () => {
  it('GIVEN the workflow THEN pull requests and pushes to main that touch rollouts/ trigger it, read-only unless a job needs more', () => {
    assert.deepEqual(workflow.on, {
      pull_request: { paths: ['rollouts/**'] },
      push: { branches: ['main'], paths: ['rollouts/**'] },
    });
    assert.deepEqual(workflow.permissions, { contents: 'read' });
    assert.equal(workflow.jobs.plan.if, "github.event_name == 'pull_request'");
    assert.match(workflow.jobs.run.if, /^github\.event_name == 'push' && /);
    const all = Object.keys(workflow.jobs).flatMap(steps);
    assert.ok(
      !workflow.defaults && all.every((s) => !s.shell),
      "GitHub's default shell, bash -e, as the tests run them",
    );
  });

  it('GIVEN the run job THEN one job per changed rollout, never two at once for a rollout nor cancelled, with an OIDC token for AWS', () => {
    const run = workflow.jobs.run;
    assert.deepEqual(run.permissions, { contents: 'read', 'id-token': 'write' });
    assert.equal(run.strategy['fail-fast'], false);
    assert.equal(run.strategy.matrix.rollout, gh('fromJSON(needs.changes.outputs.rollouts)'));
    assert.deepEqual(run.concurrency, { group: `cutover-${gh('matrix.rollout')}`, 'cancel-in-progress': false });
    assert.ok(run['timeout-minutes'] > 0);
    const aws = steps('run').find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    assert.ok(aws?.with?.['role-to-assume'], 'credentials from a role, no keys');
    const i = (s?: Step) => steps('run').indexOf(s!);
    assert.ok(i(aws) < i(stepCalling('run', 'run')), 'credentials before cutover run');
    assert.match(stepCalling('run', 'run').env!.CUTOVER_HOLDER!, /\$\{\{ matrix\.rollout \}\}/, 'a holder per rollout');
  });

  it("GIVEN the GitHub OIDC trust policy THEN its subject is a push to the workflow's branch, which a job without an environment presents", () => {
    const trust = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/iam/driver-github-oidc.trust.json'), 'utf8'));
    const [statement] = trust.Statement;
    assert.equal(statement.Principal.Federated.split(':oidc-provider/')[1], 'token.actions.githubusercontent.com');
    const cond = statement.Condition.StringEquals;
    assert.equal(cond['token.actions.githubusercontent.com:aud'], 'sts.amazonaws.com');
    const [branch] = workflow.on.push.branches;
    assert.match(
      cond['token.actions.githubusercontent.com:sub'],
      new RegExp(`^repo:[^/]+/[^:]+:ref:refs/heads/${branch}$`),
    );
    assert.equal(workflow.jobs.run.environment, undefined);
  });

  it('GIVEN every `cutover …` line of the workflow THEN its command exists and takes each of its flags', async () => {
    const calls = cutoverCalls();
    assert.deepEqual(calls.map((c) => c[0]).sort(), ['plan', 'run', 'validate']);
    const known = commands.map((c) => c.command.split(' ')[0]);
    for (const [command, ...args] of calls) {
      assert.ok(known.includes(command!), `cutover ${command} is a command`);
      const help = (await runCli([command!, '--help'])).stdout;
      for (const a of args.filter((x) => x.startsWith('--'))) {
        assert.match(help, new RegExp(`\\s${a.split('=')[0]}\\b`), `${a} is an option of cutover ${command}`);
      }
    }
  });
});

describe('deploy/github-actions/cutover.yml: its steps run with bash, the real CLI and the sandbox', () => {
  let dir: string;
  let runStep: ReturnType<typeof stepRunner>;
  const sandboxes: Sandbox[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-gha-'));
    runStep = stepRunner(dir);
  });
  after(async () => {
    for (const s of sandboxes) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const RUN_VALUES = {
    'matrix.rollout': 'rollouts/sandbox-web.yaml',
    'github.repository': 'example/cutover',
  };

  it('GIVEN a pull request WHEN the validate step runs THEN every rollout of rollouts/ is valid', async () => {
    const r = await runStep(stepCalling('plan', 'validate'), {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok rollouts\/sandbox-web\.yaml /m);
  });

  it('GIVEN two changed rollouts WHEN the plan step runs THEN the job summary holds the plan of each', async () => {
    const changed = ['rollouts/sandbox-web.yaml', 'rollouts/production-storefront.yaml'];
    const r = await runStep(stepCalling('plan', 'plan'), { 'needs.changes.outputs.rollouts': JSON.stringify(changed) });
    assert.equal(r.code, 0, r.stderr);
    const summary = r.summary;
    assert.match(summary, /### `cutover plan rollouts\/sandbox-web\.yaml`\n```\nrollout sandbox-web: blue → green/);
    assert.match(summary, /total: 4 steps, 4 weight changes .*minimum duration 12m\n```\n/);
    assert.match(summary, /### `cutover plan rollouts\/production-storefront\.yaml`\n```\nrollout storefront-eks-1-31/);
  });

  it('GIVEN a push WHEN the run step drives a healthy rollout on the sandbox THEN the job passes with a notice: exit 0, 100% green', async () => {
    const sandbox = await startSandbox({ speed: 120, dir: join(dir, 'sbx-ok') });
    sandboxes.push(sandbox);
    const r = await runStep(stepCalling('run', 'run'), RUN_VALUES, sandbox.env);
    assert.equal(r.code, ExitCode.ok, r.stdout + r.stderr);
    assert.match(r.stdout, /^\{"type":"result","outcome":"completed"/m, 'the JSON events are in the log');
    assert.match(r.stdout, /^::notice file=rollouts\/sandbox-web\.yaml,title=cutover completed::/m);
    assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 0, 'web-green': 1 });
  });

  it('GIVEN green regresses WHEN the run step drives it THEN the job fails with exit 3 and an error annotation giving the gate and what a re-run does', async () => {
    const sandbox = await startSandbox({
      speed: 120,
      dir: join(dir, 'sbx-regress'),
      scenario: join(REPO_ROOT, 'scenarios/green-regresses-under-traffic.yaml'),
    });
    sandboxes.push(sandbox);
    const r = await runStep(stepCalling('run', 'run'), RUN_VALUES, sandbox.env);
    assert.equal(r.code, ExitCode.rolledBack, r.stdout + r.stderr);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '));
    assert.match(annotation!, /^::error file=rollouts\/sandbox-web\.yaml,title=cutover rolled back::gate failed: /);
    assert.match(annotation!, /(target5xxRate|compare5xx) green .*%25/, 'percent signs escaped as GitHub needs');
    assert.match(annotation!, / — a re-run starts the rollout again from its first step: fix the cause first$/);
    assert.deepEqual(await liveWeights(sandbox), { 'web-blue': 1, 'web-green': 0 });
  });

  it('GIVEN a rollout file that is not valid WHEN the run step runs THEN the job fails with exit 2 and the error as the annotation', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: cutover.dev/v1alpha1\nkind: ClusterRollout\n');
    const r = await runStep(stepCalling('run', 'run'), { ...RUN_VALUES, 'matrix.rollout': bad });
    assert.equal(r.code, ExitCode.invalid, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^::error file=.*bad\.yaml,title=cutover refused%2C nothing changed::.*bad\.yaml:1:1: error: metadata is required/m,
    );
    assert.match(r.stderr, /bad\.yaml:\d+:\d+: error: /, 'the diagnostics are in the log');
  });
});
