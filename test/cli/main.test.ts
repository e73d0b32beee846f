import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.ts';

describe('cutover CLI shell', () => {
  it('lists the built commands in --help and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['validate', 'plan', 'schema', 'sandbox']) assert.match(r.stdout, new RegExp(`cutover ${c}`));
    assert.match(r.stdout, /--output/);
    assert.match(r.stdout, /--log-level/);
  });

  it('rejects an unknown command with exit 2 and no stack trace', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown argument: frobnicate/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('rejects a bad --output choice with exit 2', async () => {
    const r = await runCli(['schema', '--output', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid values:[\s\S]*xml/);
  });

  it('requires a command', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /a command is required/);
  });
});
