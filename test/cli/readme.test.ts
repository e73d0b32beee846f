import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withCliReference, withDemoScreen } from '../../scripts/gen-docs.ts';
import { FAULTS } from '../../src/cli/demo-faults.ts';
import { EXIT_CODES } from '../../src/cli/main.ts';
import { ExitCode } from '../../src/errors.ts';
import { REPO_ROOT, runCli } from '../helpers/run-cli.ts';

describe('README CLI reference', () => {
  it('matches what `cutover <command> --help` prints for every command (run npm run gen:docs)', async () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    assert.equal(readme, await withCliReference(readme));
  });

  it("shows the demo's screen: the live view's last frame of the recorded demo (run npm run gen:docs)", async () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    assert.equal(readme, await withDemoScreen(readme));
    const quick = readme.slice(0, readme.indexOf('## Concepts'));
    assert.match(quick, /```text\nsandbox-web {2}blue → green +driver demo\nstep 4\/4 completed/);
  });

  it("states each demo fault's exit code in the Quickstart as `demo --help` does", async () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const quick = readme.slice(0, readme.indexOf('## Concepts'));
    const para = quick.slice(quick.indexOf('demo --fault'), quick.indexOf('\n\n', quick.indexOf('demo --fault')));
    const help = (await runCli(['demo', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const [name, f] of Object.entries(FAULTS)) {
      // The clause (between semicolons) that names the fault ends in its exit code.
      const clause = para.split(';').find((c) => c.includes(`\`${name}\``));
      assert.ok(clause, `the Quickstart does not name --fault ${name}`);
      assert.match(clause, new RegExp(`\\(exit ${f.exit}\\)`), `Quickstart: ${name} should say exit ${f.exit}`);
      const helpClause = help.split(/[;—]/).find((c) => new RegExp(`(^|[ ,])${name}[,:]`).test(c));
      assert.ok(helpClause?.includes(`(exit ${f.exit})`), `demo --help: ${name} should say exit ${f.exit}`);
    }
  });

  it('starts with the quickstart commands a fresh clone needs', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const quick = readme.slice(0, readme.indexOf('## Concepts'));
    for (const cmd of ['npm ci', 'npm start', 'npm test']) assert.ok(quick.includes(cmd), `quickstart lacks ${cmd}`);
  });

  it('says which commands run which tests, and they are the ones CI runs (.ci/run)', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const dev = readme.slice(readme.indexOf('## Development'));
    const ci = readFileSync(`${REPO_ROOT}.ci/run`, 'utf8');
    const ciCommands = ci.split('\n').filter((l) => /^npm /.test(l));
    assert.deepEqual(ciCommands, ['npm ci', 'npm test', 'npm run test:clients', 'npm run test:slow']);
    for (const cmd of ciCommands) assert.ok(dev.includes(`\`${cmd}\``), `Development does not mention ${cmd}`);
    const scripts = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')).scripts;
    for (const cmd of ciCommands.filter((c) => c.startsWith('npm run ')))
      assert.ok(scripts[cmd.slice('npm run '.length)], `package.json has no script for ${cmd}`);
  });

  it('lists every exit code in the table, as --help does', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    for (const code of Object.values(ExitCode)) {
      assert.match(readme, new RegExp(`^\\| ${code} \\| \\S`, 'm'), `README exit-code table lacks ${code}`);
      assert.match(EXIT_CODES, new RegExp(`\\b${code} \\w`), `--help lacks exit code ${code}`);
    }
  });
});
