import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isMain } from '../../src/util/is-main.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';

describe('isMain', () => {
  // GIVEN a script in a directory whose path has a space (as scripts/gen-docs.ts and bench/*.ts use it)
  const dir = mkdtempSync(join(tmpdir(), 'cutover main '));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const lib = pathToFileURL(join(REPO_ROOT, 'src/util/is-main.ts')).href;
  const script = join(dir, 'script.ts');
  writeFileSync(
    script,
    `import { isMain } from '${lib}';\nconsole.log(isMain(import.meta.url) ? 'main' : 'imported');\n`,
  );
  const run = (file: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });

  it('GIVEN a path with a space THEN the script knows it is the main module', () => {
    // Before: import.meta.url is file:///…/cutover%20main%20…/script.ts, never `file://${argv[1]}`.
    assert.equal(isMain(pathToFileURL('/tmp/a b/x.ts').href, '/tmp/a b/x.ts'), true);
    const r = run(script);
    assert.equal(r.stdout.trim(), 'main', r.stderr);
  });

  it('GIVEN the script run through a symlink THEN still main (Node runs it from its real path)', () => {
    const link = join(dir, 'link to script.ts');
    symlinkSync(script, link);
    assert.equal(run(link).stdout.trim(), 'main');
  });

  it('GIVEN another module THEN not main', () => {
    assert.equal(isMain(pathToFileURL('/tmp/a b/y.ts').href, '/tmp/a b/x.ts'), false);
    assert.equal(isMain(import.meta.url, '/nonexistent/other.ts'), false);
  });
});
