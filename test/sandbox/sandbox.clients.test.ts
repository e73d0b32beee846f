import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { requireTool } from '../helpers/cli-tools.ts';

// The files the sandbox writes (env, kubeconfig), used by the AWS CLI and kubectl: npm run test:clients.
const run = promisify(execFile);
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9';

describe('startSandbox end to end (ManualClock)', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-sandbox-'));
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    sandbox = await startSandbox({ clock, dir: join(dir, 'sbx') });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes an env file the AWS CLI works with', async () => {
    const awsCli = requireTool('aws', 'pip install awscli (or apt-get install -y awscli)');
    const env = readFileSync(sandbox.envFile, 'utf8');
    assert.match(env, /^export AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2='http:\/\/127\.0\.0\.1:\d+'$/m);
    assert.match(env, new RegExp(`^export KUBECONFIG='${sandbox.kubeconfigFile}'$`, 'm'));
    const { stdout } = await run(
      'bash',
      [
        '-c',
        `set -a; . "$1"; exec "$2" elbv2 describe-listeners --load-balancer-arn "$3" --output json`,
        'sh',
        sandbox.envFile,
        awsCli,
        sandbox.world.loadBalancerArn('edge'),
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
        timeout: 30_000,
      },
    );
    const listeners = JSON.parse(stdout).Listeners;
    assert.equal(listeners[0].ListenerArn, LISTENER);
    assert.equal(listeners[0].Port, 80);
  });

  it('writes a kubeconfig kubectl works with, through the env file', async () => {
    const kubectl = requireTool('kubectl', 'apt-get install -y kubectl (or kubernetes-client)');
    const { stdout } = await run(
      'bash',
      ['-c', `set -a; . "$1"; exec "$2" --context green get pods -n web -o json`, 'sh', sandbox.envFile, kubectl],
      { env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 },
    );
    const items = JSON.parse(stdout).items;
    assert.equal(items.length, 4);
    assert.ok(items.every((p: any) => p.status.podIP.startsWith('10.2.')));
  });
});
