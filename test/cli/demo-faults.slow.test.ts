import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DemoFault, FAULTS } from '../../src/cli/demo-faults.ts';
import { runCliProcess } from '../helpers/run-cli.ts';

/** The rest of `cutover demo --fault`: each shows its safety behaviour (npm run test:slow). */
describe('cutover demo, more faults', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['green-unhealthy', 3, /rolled back at step 2 of 4: gate failed: .*healthyTargets green/],
    ['alarm', 3, /rolled back at step 2 of 4: alarm edge-p99-latency (in ALARM|went to ALARM)/],
    ['aws-throttle', 0, /rollout sandbox-web completed: 100% on green/],
  ];
  for (const [fault, code, says] of cases) {
    it(`GIVEN --fault ${fault} THEN exit ${code}`, async () => {
      const r = await runCliProcess(['demo', '--fault', fault], { timeoutMs: 180_000 });
      assert.equal(r.code, code, r.stdout + r.stderr);
      assert.match(r.stdout, says);
      // What --help, the banner and the README say of this fault's end (src/cli/demo-faults.ts).
      assert.equal(FAULTS[fault as DemoFault].exit, code);
    });
  }
});
