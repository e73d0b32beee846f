/** Runs kubectl with fixed leading arguments (kubeconfig, cache dir, context), for tests. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { requireTool } from '../../helpers/cli-tools.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  /** Runs kubectl; never throws (the exit code is in the result). */
  run(args: string[], stdin?: string): Promise<KubectlResult>;
  /** Runs kubectl, fails the test unless it exits 0, and returns its stdout. */
  ok(args: string[], stdin?: string): Promise<string>;
  /** The kubectl binary (for tests that spawn it themselves). */
  path(): string;
}

/** `leading()` is read at each call (tests set up the cluster in `before`). */
export function kubectlRunner(leading: () => string[], timeoutMs = 20_000): Kubectl {
  let found: string | undefined;
  const path = () =>
    (found ??= requireTool('/usr/bin/kubectl', 'the kubectl 1.32 binary (e.g. apt-get install -y kubectl)'));
  const run = (args: string[], stdin?: string) =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(path(), [...leading(), ...args], { timeout: timeoutMs }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  const ok = async (args: string[], stdin?: string) => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  return { run, ok, path };
}
