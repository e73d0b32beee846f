import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox } from '../../../src/sandbox/sandbox.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { requireTool } from '../../helpers/cli-tools.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';

// Scenario files seen through kubectl: npm run test:clients.
const run = promisify(execFile);
const MINUTE = 60_000;

describe('scenario files end to end', () => {
  it('scenarios/empty-target-groups.yaml behaves as its comment says, seen through kubectl and the AWS SDK', async () => {
    const kubectl = requireTool('/usr/bin/kubectl', 'the kubectl binary (e.g. apt-get install -y kubectl)');
    const dir = mkdtempSync(join(tmpdir(), 'cutover-empty-tgs-'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const sandbox = await startSandbox({ clock, dir, scenario: join(REPO_ROOT, 'scenarios/empty-target-groups.yaml') });
    try {
      const k = async (...args: string[]) =>
        (
          await run(kubectl, ['--kubeconfig', sandbox.kubeconfigFile, '--cache-dir', join(dir, 'cache'), ...args], {
            timeout: 20_000,
          })
        ).stdout;
      // THEN green's pods are Running, 1/1 containers ready, but their readiness gate 0/1 (not Ready)
      const wide = await k('--context', 'green', 'get', 'pods', '-n', 'web', '-o', 'wide');
      const rows = wide.trim().split('\n').slice(1);
      assert.equal(rows.length, 4, wide);
      for (const row of rows)
        assert.match(row, /^web-\S+\s+1\/1\s+Running\s+0\s+\S+\s+10\.2\.\S+\s+\S+\s+<none>\s+0\/1$/);
      // AND green's EndpointSlice lists every pod not ready
      const slices = JSON.parse(await k('--context', 'green', 'get', 'endpointslices', '-n', 'web', '-o', 'json'));
      const eps = slices.items.flatMap((s: any) => s.endpoints);
      assert.equal(eps.length, 4);
      assert.ok(eps.every((e: any) => e.conditions.ready === false));
      // AND both target groups are empty, so after a minute of traffic the ELB has answered 503s only
      for (const tg of ['web-blue', 'web-green'])
        assert.deepEqual(sandbox.world.elbv2.targetsOf(sandbox.world.targetGroupArn(tg)), []);
      await clock.advance(2 * MINUTE);
      sandbox.world.advanceTo(clock.now());
      const truth = sandbox.world.truth.get(sandbox.world.loadBalancerArn('edge'))!;
      assert.ok(truth.elb503 > 10_000);
      assert.equal(truth.requests, 0);
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
