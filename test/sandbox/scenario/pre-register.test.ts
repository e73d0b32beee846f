import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseScenario } from '../../../src/sandbox/scenario/load.ts';
import { World } from '../../../src/sandbox/world/world.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { REPO_ROOT } from '../../helpers/run-cli.ts';

/** `preRegister: false`: the default world with nothing registered, in one line. */
describe('scenario preRegister', () => {
  const defaultYaml = readFileSync(join(REPO_ROOT, 'scenarios/default.yaml'), 'utf8');

  it('turns every registration off with one line, and the world starts with empty target groups', () => {
    // GIVEN scenarios/default.yaml plus one line
    const text = defaultYaml.replace('account: "000000000000"\n', 'account: "000000000000"\npreRegister: false\n');
    assert.notEqual(text, defaultYaml);
    // WHEN
    const scenario = parseScenario(text, 'empty.yaml');
    const world = new World({ scenario, clock: new ManualClock(Date.UTC(2026, 0, 1, 12)) });
    // THEN
    assert.deepEqual(
      scenario.targetGroups.map((tg) => tg.registered),
      [null, null],
    );
    for (const tg of ['web-blue', 'web-green']) assert.deepEqual(world.elbv2.targetsOf(world.targetGroupArn(tg)), []);
    // AND without the line the same file registers both clusters' pods
    const full = parseScenario(defaultYaml, 'default.yaml');
    assert.deepEqual(
      full.targetGroups.map((tg) => tg.registered?.cluster),
      ['blue', 'green'],
    );
  });
});
