/**
 * Start-up cost of the CLI against bare Node in the same run: `node -e 0` is the floor every
 * command pays; the difference is cutover's own start-up. Runs the compiled entry (bin/cutover.js,
 * built by `npm ci`'s prepare step) directly, and once through `npx cutover` to show what npx's
 * own start-up adds.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMain } from '../src/util/is-main.ts';
import { summarize, table, timeCommand } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
/** npx from PATH, as a user types it. */
const npx = 'npx';

export function benchStartup(runs = 15): string {
  if (!existsSync(`${root}dist/cli/main.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  const rollouts = existsSync(`${root}rollouts`)
    ? readdirSync(`${root}rollouts`)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `rollouts/${f}`)
    : [];
  const cases: [string, string, string[]][] = [
    ['node -e 0 (baseline)', node, ['-e', '0']],
    ['node bin/cutover.js --help', node, ['bin/cutover.js', '--help']],
    ['npx cutover --help', npx, ['--no-install', 'cutover', '--help']],
    ['cutover --version', node, ['bin/cutover.js', '--version']],
  ];
  if (rollouts.length)
    cases.push([`cutover validate (${rollouts.length} files)`, node, ['bin/cutover.js', 'validate', ...rollouts]]);
  return startupTable(cases.map(([name, cmd, args]) => ({ name, samples: timeCommand(cmd, args, runs, root) })));
}

/**
 * The table of timings, the first row the baseline. Every row's "over baseline" is its p50 minus
 * the baseline row's p50 from the same samples, so the columns add up (a baseline measured
 * separately drifts: the baseline row itself would show a non-zero difference).
 */
export function startupTable(measured: { name: string; samples: number[] }[]): string {
  const rows = measured.map(({ name, samples }) => ({ name, s: summarize(samples) }));
  const base = rows[0]?.s.p50 ?? Number.NaN;
  const cells = rows.map(({ name, s }, i) => [name, s.p50, s.p90, s.min, i === 0 ? '—' : s.p50 - base]);
  return (
    `over baseline = the row's p50 − the p50 of "${rows[0]?.name}" above (same run)\n` +
    table(['command', 'p50 ms', 'p90 ms', 'min ms', 'over baseline ms'], cells)
  );
}

if (isMain(import.meta.url)) {
  console.log(`start-up (${process.version}, ${15} runs each)\n${benchStartup()}`);
}
