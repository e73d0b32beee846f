import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holderName } from '../../src/cli/driver-wiring.ts';
import { CutoverError } from '../../src/errors.ts';
import { runCli } from '../helpers/run-cli.ts';

/**
 * Who holds a driver's lease. The restart of the same run under the same CUTOVER_HOLDER taking
 * its lease over at once is run end to end in test/deploy/job.test.ts (a Job's next pod).
 */
describe('the lease holder of `cutover run`', () => {
  it('GIVEN no CUTOVER_HOLDER THEN the holder is user@host/pid', () => {
    assert.match(holderName({}), new RegExp(`^[^@]+@[^/]+/${process.pid}$`));
  });

  it('GIVEN CUTOVER_HOLDER THEN the holder is that name, whatever process runs', () => {
    assert.equal(
      holderName({ CUTOVER_HOLDER: 'job/cutover-rollouts/cutover-run' }),
      'job/cutover-rollouts/cutover-run',
    );
  });

  it('GIVEN a CUTOVER_HOLDER that a lease tag cannot hold WHEN run THEN exit 2 naming the variable, before any AWS call', async () => {
    for (const bad of ['', '   ', 'x'.repeat(129)]) {
      assert.throws(
        () => holderName({ CUTOVER_HOLDER: bad }),
        (e: unknown) => e instanceof CutoverError && e.code === 'E_BAD_HOLDER' && e.value === bad,
      );
    }
    assert.equal(holderName({ CUTOVER_HOLDER: 'é'.repeat(128) }).length, 128, '128 characters fit');
    // No AWS endpoint is configured: had it got that far, the run would fail otherwise.
    const r = await runCli(['run', 'rollouts/sandbox-web.yaml', '--yes'], { env: { CUTOVER_HOLDER: '' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: CUTOVER_HOLDER must be 1–128 characters \(got ""\)/);
  });
});
