import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withCliReference } from '../../scripts/gen-docs.ts';
import { REPO_ROOT } from '../helpers/run-cli.ts';

describe('README CLI reference', () => {
  it('matches what `cutover <command> --help` prints for every command (run npm run gen:docs)', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    assert.equal(readme, withCliReference(readme));
  });

  it('starts with the quickstart commands a fresh clone needs', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const quick = readme.slice(0, readme.indexOf('## Concepts'));
    for (const cmd of ['npm ci', 'npm start', 'npm test']) assert.ok(quick.includes(cmd), `quickstart lacks ${cmd}`);
  });
});
