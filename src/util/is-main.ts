import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Whether the module at `moduleUrl` (its import.meta.url) is the script Node was started with.
 * Compares URLs built the way Node builds them: `file://${argv[1]}` is not one for paths with
 * spaces or other characters URLs escape (`/a b/x.ts` is `file:///a%20b/x.ts`), and Node runs the
 * main script from its real path, so a symlinked path is resolved first.
 */
export function isMain(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (argv1 === undefined) return false;
  let path = argv1;
  try {
    path = realpathSync(argv1);
  } catch {
    // Not on disk (e.g. a test's made-up path): compare the path as given.
  }
  return moduleUrl === pathToFileURL(path).href;
}
