import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rolloutJsonSchema } from '../../src/spec/json-schema.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('cutover schema', () => {
  it('prints the generated JSON Schema and exits 0', async () => {
    const r = await runCli(['schema']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), rolloutJsonSchema());
  });

  it('prints the same JSON with --output json', async () => {
    const r = await runCli(['schema', '--output', 'json']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), rolloutJsonSchema());
  });
});
