// Entry for running the CLI from source (tests, `node --import tsx src/cli/bin.ts`).
// The published entry is bin/cutover.js, which runs the compiled dist/cli/main.js.
import { main } from './main.ts';

await main(process.argv.slice(2));
