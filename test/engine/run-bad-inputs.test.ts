import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { awsClientConfig } from '../helpers/aws-env.ts';
import { REPO_ROOT, runCliProcess, startCliProcess } from '../helpers/run-cli.ts';

/**
 * `cutover run FILE --yes` given a rollout that cannot run, as a user meets it: a process with
 * the sandbox's env file, each rollout derived from rollouts/sandbox-web.yaml. Each case must
 * exit 2 with a message naming what was wrong, the bad value and what to do — no stack trace —
 * and leave the load balancer exactly as it was: every listener and rule action and every tag
 * (no lease or state tag either), read back through the AWS SDK before and after.
 */
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/a88fa8f6584adf66';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/761fbf0b36bfccac';
const BASE = readFileSync(join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), 'utf8');
const STACK = /\n\s+at /;

const dir = mkdtempSync(join(tmpdir(), 'cutover-bad-'));
const sandboxes: Sandbox[] = [];
async function world(): Promise<Sandbox> {
  const sandbox = await startSandbox({ speed: 120, dir: join(dir, `sbx-${sandboxes.length}`) });
  sandboxes.push(sandbox);
  return sandbox;
}

function elbOf(sandbox: Sandbox): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client(awsClientConfig(sandbox.awsUrl));
}

/** Everything a run could change: the listener's actions, every rule's, and all their tags. */
async function snapshot(sandbox: Sandbox): Promise<{ actions: unknown; tags: Record<string, string[]> }> {
  const elb = elbOf(sandbox);
  try {
    const listeners = await elb.send(new DescribeListenersCommand({ ListenerArns: [LISTENER] }));
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: LISTENER }));
    const arns = [LISTENER, ...(rules.Rules ?? []).map((r) => r.RuleArn!), BLUE, GREEN];
    const described = await elb.send(new DescribeTagsCommand({ ResourceArns: arns }));
    return {
      actions: {
        listener: listeners.Listeners?.[0]?.DefaultActions,
        rules: rules.Rules?.map((r) => ({ arn: r.RuleArn, actions: r.Actions, conditions: r.Conditions })),
      },
      tags: Object.fromEntries(
        (described.TagDescriptions ?? []).map((d) => [
          d.ResourceArn!,
          (d.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
        ]),
      ),
    };
  } finally {
    elb.destroy();
  }
}

/** Runs `cutover run` on `text` and checks the refusal's shape; returns stderr for the message. */
async function refused(sandbox: Sandbox, name: string, text: string, env: NodeJS.ProcessEnv = sandbox.env) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const beforeRun = await snapshot(sandbox);
  const r = await runCliProcess(['run', file, '--yes'], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, STACK, 'no stack trace for a user error');
  assert.doesNotMatch(r.stderr, /this is a bug/);
  assert.match(r.stderr, /^error: .+\nhint: .+\n$/, 'one error line and one hint line');
  assert.doesNotMatch(r.stdout, /wrote|rolling back|rolled back/);
  if (env.AWS_REGION === 'us-east-1') assert.doesNotMatch(r.stdout, /warning/, 'AWS_REGION is spec.region');
  const afterRun = await snapshot(sandbox);
  assert.deepEqual(afterRun, beforeRun, 'the listener, its rules and their tags are as they were');
  assert.ok(
    Object.values(afterRun.tags).every((tags) => tags.every((t) => !t.startsWith('cutover.dev/'))),
    `no cutover tag written: ${JSON.stringify(afterRun.tags)}`,
  );
  return r.stderr;
}

after(async () => {
  for (const s of sandboxes) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cutover run refuses a rollout it cannot run, exit 2, and touches nothing', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await world();
  });

  it('GIVEN a listener ARN that does not exist THEN it names the route, the ARN and what to check', async () => {
    const missing = LISTENER.replace(/[0-9a-f]{16}$/, '0000000000000000');
    const err = await refused(sandbox, 'no-listener', BASE.replace(LISTENER, missing));
    assert.match(err, /DescribeListeners for route "web" failed: the listener does not exist/);
    assert.ok(err.includes(missing), 'the missing ARN in full');
    // Quoted whole: the listener id, its last part, is what differs from the right ARN.
    assert.ok(err.includes(`(got "${missing}")`), err);
    assert.match(err, /hint: check the listenerArn in the rollout/);
  });

  it('GIVEN a rule ARN that does not exist (route kind rule) THEN it names the route and the rule ARN', async () => {
    const missing = `${LISTENER.replace(':listener/', ':listener-rule/')}/00000000000000aa`;
    const err = await refused(sandbox, 'no-rule', BASE.replace(`listenerArn: ${LISTENER}`, `ruleArn: ${missing}`));
    assert.match(err, /DescribeRules for route "web" failed: the listener rule does not exist/);
    assert.ok(err.includes(missing));
    assert.ok(err.includes(`(got "${missing}")`), err);
    assert.match(err, /hint: check the ruleArn in the rollout/);
  });

  it('GIVEN a target group that is not in the forward action THEN it names the cluster, the group and what the listener forwards to', async () => {
    const other = GREEN.replace('web-green', 'web-other');
    const err = await refused(sandbox, 'tg-not-forwarded', BASE.replace(GREEN, other));
    assert.match(err, /route "web" \(listener .*\) does not forward to the target group of green \(/);
    assert.ok(err.includes(other));
    assert.ok(err.includes(`it forwards to ${BLUE}, ${GREEN}`));
    assert.match(err, /hint: add every cluster target group to the forward action first/);
  });

  it('GIVEN a target group that does not exist at all THEN the same: it cannot be in the forward action', async () => {
    // ELBv2 refuses a forward to a missing group and deleting a group in use, so a listener can
    // never forward to one: "not in the forward action" is what the user learns, with the ARN.
    const gone = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-gone/1111111111111111';
    const err = await refused(sandbox, 'tg-gone', BASE.replace(GREEN, gone));
    assert.match(err, /does not forward to the target group of green \(arn:.*web-gone/);
  });

  it('GIVEN a rule whose terminal action is fixed-response THEN it says there are no weights to shift', async () => {
    const elb = elbOf(sandbox);
    let rule: string;
    try {
      const out = await elb.send(
        new CreateRuleCommand({
          ListenerArn: LISTENER,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/maintenance'] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } }],
        }),
      );
      rule = out.Rules![0]!.RuleArn!;
    } finally {
      elb.destroy();
    }
    const err = await refused(sandbox, 'fixed-rule', BASE.replace(`listenerArn: ${LISTENER}`, `ruleArn: ${rule}`));
    assert.ok(err.includes(`route "web" (rule ${rule}) ends in a fixed-response action, not a forward`));
    assert.match(err, /\(got "fixed-response"\)/);
    assert.match(err, /hint: point the route at the listener or rule whose last action forwards/);
  });

  it('GIVEN no credentials at all (no keys, empty config files, no profile) THEN it says so and how to provide them', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    writeFileSync(join(home, 'credentials'), '');
    writeFileSync(join(home, 'config'), '');
    const env: NodeJS.ProcessEnv = {
      ...sandbox.env,
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      AWS_ROLE_ARN: undefined,
    };
    const err = await refused(sandbox, 'no-credentials', BASE, env);
    assert.match(err, /failed: no AWS credentials were found/);
    assert.match(err, /hint: set AWS_PROFILE .* or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    assert.doesNotMatch(err, /\(got "arn:/, 'a listener ARN is not what was wrong');
  });

  it('GIVEN ARNs of another account than the credentials THEN it names both accounts, not "check the ARN"', async () => {
    const err = await refused(sandbox, 'other-account', BASE.replaceAll(':000000000000:', ':111111111111:'));
    assert.match(
      err,
      /is in account 111111111111, but the credentials in use are of account 000000000000 \(arn:aws:iam::000000000000:user\/sandbox\)/,
    );
    assert.match(err, /\(got "111111111111"\)/);
    assert.match(err, /hint: ELBv2 has no cross-account access: run with credentials of account 111111111111/);
  });

  it('GIVEN the weights changed by hand before any run (no record, off the start) THEN it shows expected and found and writes nothing', async () => {
    const elb = elbOf(sandbox);
    const weights = (blue: number, green: number) =>
      elb.send(
        new ModifyListenerCommand({
          ListenerArn: LISTENER,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: BLUE, Weight: blue },
                  { TargetGroupArn: GREEN, Weight: green },
                ],
              },
            },
          ],
        }),
      );
    try {
      await weights(80, 20);
      const err = await refused(sandbox, 'hand-moved', BASE);
      assert.match(
        err,
        /error: the routes are not at the rollout’s starting split \(got "route web: expected blue=1 green=0, found blue=80 green=20"\)/,
      );
      // How to go on, not `cutover abort` (which has nothing to roll back without a record).
      assert.match(
        err,
        /hint: pass --take-over to adopt the live split \(20% green\) and continue at step 2\/4 \(25%\), or set the weights back to the starting split \(route web: blue=1 green=0\) and run again/,
      );
      assert.doesNotMatch(err, /abort/);
    } finally {
      await weights(100, 0);
      elb.destroy();
    }
  });
});

describe('cutover run in another region than the AWS environment names', () => {
  /** Starts the driver, waits for its first write, and returns what it printed by then. */
  async function firstWrite(env: NodeJS.ProcessEnv): Promise<string> {
    const driver = startCliProcess(['run', join(REPO_ROOT, 'rollouts/sandbox-web.yaml'), '--yes'], { env });
    try {
      await driver.until('step 1/4 wrote', 60_000);
      return driver.out();
    } finally {
      driver.kill();
      await driver.exited;
    }
  }

  async function listenerWeights(sandbox: Sandbox): Promise<string> {
    const elb = elbOf(sandbox);
    try {
      const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [LISTENER] }));
      const fwd = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
      return (fwd?.ForwardConfig?.TargetGroups ?? [])
        .map((t) => `${t.TargetGroupArn!.split('/')[1]}=${t.Weight}`)
        .join(' ');
    } finally {
      elb.destroy();
    }
  }

  it('GIVEN AWS_REGION=eu-west-1 and spec.region us-east-1 THEN it warns and drives in us-east-1', async () => {
    const sandbox = await world();
    const out = await firstWrite({ ...sandbox.env, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    assert.match(
      out,
      /^warning: AWS_REGION is eu-west-1, but rollout sandbox-web is in us-east-1 \(spec\.region, where its ARNs are\): cutover works in us-east-1\n/,
    );
    assert.equal(await listenerWeights(sandbox), 'web-blue=19 web-green=1');
  });

  it('GIVEN a profile whose region is ap-south-1 THEN it warns naming the profile and drives in us-east-1', async () => {
    const sandbox = await world();
    const config = join(dir, 'profile-config');
    writeFileSync(
      config,
      '[profile ops]\nregion = ap-south-1\naws_access_key_id = sandbox\naws_secret_access_key = sandbox\n',
    );
    const out = await firstWrite({
      ...sandbox.env,
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: 'ops',
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    });
    assert.match(out, /^warning: profile ops has region ap-south-1, but rollout sandbox-web is in us-east-1 /);
    assert.equal(await listenerWeights(sandbox), 'web-blue=19 web-green=1');
  });
});
