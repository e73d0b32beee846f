import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startupTable } from '../../bench/startup.ts';

describe('bench/startup.ts table', () => {
  it('GIVEN samples of a run THEN "over baseline" is each p50 minus the baseline row\'s p50, and — for the baseline', () => {
    // Before: the baseline was measured in a separate run, so its own row showed -4.5 and the
    // differences did not match the p50 column.
    const text = startupTable([
      { name: 'node -e 0 (baseline)', samples: [40, 41, 42] },
      { name: 'cutover --help', samples: [100, 101, 102] },
      { name: 'cutover --version', samples: [60, 62, 64] },
    ]);
    const [header, columns, ...rows] = text.split('\n');
    assert.match(header!, /^over baseline = the row's p50 − the p50 of "node -e 0 \(baseline\)" above \(same run\)$/);
    assert.match(columns!, /^command\s+p50 ms\s+p90 ms\s+min ms\s+over baseline ms$/);
    const cells = rows.map((r) => r.trim().split(/\s{2,}/));
    assert.deepEqual(cells, [
      ['node -e 0 (baseline)', '41.0', '42.0', '40.0', '—'],
      ['cutover --help', '101', '102', '100', '60.0'],
      ['cutover --version', '62.0', '64.0', '60.0', '21.0'],
    ]);
  });
});
