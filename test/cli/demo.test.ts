import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULTS } from '../../src/cli/demo-faults.ts';
import { runCliProcess } from '../helpers/run-cli.ts';

/** `cutover demo` (npm start): the whole mission in one process, as a new user first sees it. */
describe('cutover demo', () => {
  it('GIVEN no fault THEN agents register both clusters and the driver ends at 100% green, exit 0', async () => {
    const r = await runCliProcess(['demo'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /demo: cluster blue: targetgroupbinding web\/web applied/);
    assert.match(r.stdout, /demo: agent green started/);
    assert.match(r.stdout, /step 4\/4 wrote blue=0 green=1/);
    assert.match(r.stdout, /rollout sandbox-web completed: 100% on green\n$/);
  });

  it('GIVEN --fault green-5xx THEN the gates roll back at 25%, exit 3, with the numbers', async () => {
    const r = await runCliProcess(['demo', '--fault', 'green-5xx'], { timeoutMs: 180_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.equal(FAULTS['green-5xx'].exit, r.code, 'as --help and the README say');
    assert.match(r.stdout, /demo: fault green-5xx — .*\(exit 3\)/);
    assert.match(r.stdout, /rolled back at step 2 of 4: gate failed: .*green \d+\.\d+% \(\d+\/\d+\)/);
  });

  it('GIVEN --fault drift THEN the driver pauses without writing, the demo aborts, exit 4', async () => {
    const r = await runCliProcess(['demo', '--fault', 'drift'], { timeoutMs: 180_000 });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.equal(FAULTS.drift.exit, r.code, 'as --help and the README say');
    assert.match(
      r.stdout,
      /paused: someone else changed the weights: route web: expected blue=\d+ green=\d+, found blue=80 green=20/,
    );
    assert.match(r.stdout, /aborted by an operator at step \d of 4; traffic is back on blue/);
  });

  it('GIVEN an unknown fault THEN exit 2 naming the faults there are', async () => {
    const r = await runCliProcess(['demo', '--fault', 'meteor']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Given: "meteor", Choices: "green-5xx", "green-unhealthy", "alarm", "aws-throttle", "drift"/,
    );
  });
});
