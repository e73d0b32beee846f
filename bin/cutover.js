#!/usr/bin/env node
// Cache compiled bytecode of cutover and its dependencies between runs (Node ≥ 22.1): start-up
// is dominated by loading yargs and friends, not by running them.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
await main(process.argv.slice(2));
