import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/run-cli.ts';

/**
 * The design's dependency rule (ARCHITECTURE.md §7): only aws/, kube/ and sandbox/ speak wire
 * protocols (import the AWS SDK, @smithy, client-node or node:http*); plan/ and gates/ are pure
 * (no I/O, no clocks, no randomness imported); the CLI layer is the only one importing yargs.
 */
const SRC = join(REPO_ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
}

const all = files(SRC).map((f) => ({ file: relative(SRC, f), imports: imports(f) }));
const layer = (f: string) => f.split('/')[0] as string;

function violations(allowedLayers: string[], banned: (spec: string) => boolean) {
  return all
    .filter((f) => !allowedLayers.includes(layer(f.file)))
    .flatMap((f) => f.imports.filter(banned).map((i) => `${f.file} imports ${i}`));
}

describe('dependency rule', () => {
  it('finds the source files and their imports (the rule checks something)', () => {
    assert.ok(all.length > 50);
    assert.ok(all.some((f) => f.imports.includes('yaml')));
  });

  it('only aws/, kube/ and sandbox/ import the AWS SDK, @smithy or client-node', () => {
    const wire = (s: string) =>
      s.startsWith('@aws-sdk/') || s.startsWith('@smithy/') || s === '@kubernetes/client-node';
    assert.deepEqual(violations(['aws', 'kube', 'sandbox'], wire), []);
  });

  it('outside the sandbox, only aws/ imports the AWS SDK (the driver reaches AWS through its ports)', () => {
    const sdk = (s: string) => s.startsWith('@aws-sdk/');
    assert.deepEqual(violations(['aws', 'sandbox'], sdk), []);
    assert.ok(all.some((f) => layer(f.file) === 'aws' && f.imports.some(sdk)));
  });

  it('only aws/, kube/ and sandbox/ open network servers or clients', () => {
    const net = (s: string) => /^node:(https?|http2|net|tls|dgram)$/.test(s);
    assert.deepEqual(violations(['aws', 'kube', 'sandbox'], net), []);
  });

  it('plan/ and gates/ import only pure code: plan/, gates/, errors.ts and spec/ types and value formats', () => {
    // spec/duration.ts and spec/percent.ts hold the one duration and percent grammar (parse and
    // format); they import only errors.ts. spec/arn.ts (ARN shapes and the CloudWatch dimension
    // values derived from them) imports only those, errors.ts and the partition table regions.ts.
    const pureSpec = ['spec/types.ts', 'spec/duration.ts', 'spec/percent.ts', 'spec/arn.ts', 'spec/regions.ts'];
    const allowed = (target: string) =>
      target.startsWith('plan/') || target.startsWith('gates/') || pureSpec.includes(target) || target === 'errors.ts';
    const bad = all
      .filter((f) => ['plan', 'gates'].includes(layer(f.file)))
      .flatMap((f) =>
        f.imports
          .filter((i) => !i.startsWith('.') || !allowed(relative(SRC, join(SRC, dirname(f.file), i))))
          .map((i) => `${f.file} imports ${i}`),
      );
    assert.deepEqual(bad, []);
  });

  it('engine/ depends on its ports, never on the adapters (aws/, kube/, sandbox/) or the CLI', () => {
    const bad = all
      .filter((f) => layer(f.file) === 'engine')
      .flatMap((f) =>
        f.imports
          .filter((i) => i.startsWith('.'))
          // aws/ports.ts holds interfaces only (the read ports the gate evaluator uses).
          .filter((i) => relative(SRC, join(SRC, dirname(f.file), i)) !== 'aws/ports.ts')
          .filter((i) =>
            ['aws', 'kube', 'sandbox', 'cli'].includes(layer(relative(SRC, join(SRC, dirname(f.file), i)))),
          )
          .map((i) => `${f.file} imports ${i}`),
      );
    assert.ok(
      all.some((f) => layer(f.file) === 'engine'),
      'the engine exists',
    );
    assert.deepEqual(bad, []);
  });

  it('only cli/ imports yargs or the command-line helpers', () => {
    assert.deepEqual(
      violations(['cli'], (s) => s === 'yargs' || s.startsWith('yargs/')),
      [],
    );
  });
});
