import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Resolves a command-line tool the tests need (an absolute path or a name looked up on PATH) and
 * returns its absolute path. Throws — failing the test, never skipping it — with a message naming
 * what to install when the tool is missing, so a machine without it cannot pass silently.
 *
 * Example: `const aws2 = requireTool('/usr/bin/aws', 'apt-get install -y awscli');`
 */
export function requireTool(pathOrName: string, installHint: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = isAbsolute(pathOrName) ? (isExecutable(pathOrName) ? pathOrName : undefined) : onPath(pathOrName, env);
  if (!found) {
    throw new Error(
      `required tool ${JSON.stringify(pathOrName)} is not installed or not executable; install it with: ${installHint}`,
    );
  }
  return found;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
