/**
 * Start-up cost of the CLI against bare Node in the same run: `node -e 0` is the floor every
 * command pays; the difference is cutover's own start-up. Runs the compiled entry (bin/cutover.js,
 * built by `npm ci`'s prepare step), as `npx cutover` does.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMain } from '../src/util/is-main.ts';
import { summarize, table, timeCommand } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;

export function benchStartup(runs = 15): string {
  if (!existsSync(`${root}dist/cli/main.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  const rollouts = existsSync(`${root}rollouts`)
    ? readdirSync(`${root}rollouts`)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `rollouts/${f}`)
    : [];
  const cases: [string, string[]][] = [
    ['node -e 0 (baseline)', ['-e', '0']],
    ['cutover --help', ['bin/cutover.js', '--help']],
    ['cutover --version', ['bin/cutover.js', '--version']],
  ];
  if (rollouts.length)
    cases.push([`cutover validate (${rollouts.length} files)`, ['bin/cutover.js', 'validate', ...rollouts]]);
  const base = summarize(timeCommand(node, ['-e', '0'], runs, root)).p50;
  const rows = cases.map(([name, args]) => {
    const s = summarize(timeCommand(node, args, runs, root));
    return [name, s.p50, s.p90, s.min, s.p50 - base];
  });
  return table(['command', 'p50 ms', 'p90 ms', 'min ms', 'over baseline ms'], rows);
}

if (isMain(import.meta.url)) {
  console.log(`start-up (${process.version}, ${15} runs each)\n${benchStartup()}`);
}
