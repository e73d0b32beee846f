#!/usr/bin/env node
// Entry point of the published `cutover` command: checks the Node version, then runs the
// compiled CLI (dist/, built by `npm ci` / `npm run build`).
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `error: cutover needs Node.js 22.19 or newer (got ${process.version}); ` +
      'run it with `npx cutover` inside the repository (which uses its pinned Node 24) or upgrade Node\n',
  );
  process.exit(2);
}
// Cache compiled bytecode of cutover and its dependencies between runs: start-up is dominated by
// loading yargs and friends, not by running them.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
await main(process.argv.slice(2));
