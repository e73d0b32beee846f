import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWebhookServer, type WebhookServer } from '../../src/kube/webhook-server.ts';
import { generateClusterTls } from '../../src/sandbox/kube/tls.ts';

/** POSTs to the webhook trusting only `ca`; resolves with the status and body, or rejects (TLS). */
function post(url: string, ca: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes a pair as a mounted Secret changes: each file replaced whole (never half-written). */
function writePair(dir: string, cert: string, key: string): void {
  for (const [name, text] of [
    ['tls.crt', cert],
    ['tls.key', key],
  ] as const) {
    writeFileSync(join(dir, `.${name}.new`), text);
    renameSync(join(dir, `.${name}.new`), join(dir, name));
  }
}

describe('the agent’s webhook HTTPS server', () => {
  const first = generateClusterTls({ commonName: 'webhook-1' });
  const second = generateClusterTls({ commonName: 'webhook-2' });
  let dir: string;
  let server: WebhookServer;
  const reloads: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-webhook-certs-'));
    writePair(dir, first.certPem, first.keyPem);
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      certDir: dir,
      path: '/mutate-v1-pod',
      admit: (review) => ({ echoed: review }),
      reloadMs: 20,
      onReload: (r) => reloads.push(r.ok ? 'ok' : `failed: ${(r.err as Error).message}`),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers POST /mutate-v1-pod with admit’s result, and nothing else', async () => {
    const ok = await post(`${server.url}/mutate-v1-pod?timeout=10s`, first.caPem, '{"a":1}');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { echoed: { a: 1 } });
    const garbage = await post(`${server.url}/mutate-v1-pod`, first.caPem, 'not json');
    assert.deepEqual(JSON.parse(garbage.body), {}, 'a body that is not JSON reaches admit as undefined');
    assert.equal((await post(`${server.url}/other`, first.caPem, '{}')).status, 404);
  });

  it('GIVEN cert-manager rotating the Secret (a half-done rotation first) THEN it keeps the old certificate until the new pair loads, then serves the new one', async () => {
    // The new certificate lands before its key: that pair does not load, the old one stays.
    writeFileSync(join(dir, 'tls.crt'), second.certPem);
    for (let i = 0; i < 100 && !reloads.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(reloads[0] ?? '', /^failed: /);
    assert.equal((await post(`${server.url}/mutate-v1-pod`, first.caPem, '{}')).status, 200);

    writePair(dir, second.certPem, second.keyPem);
    for (let i = 0; i < 100 && !reloads.includes('ok'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(reloads.slice(0, 2), [reloads[0], 'ok'], 'the failed pair is reported once');
    assert.equal((await post(`${server.url}/mutate-v1-pod`, second.caPem, '{}')).status, 200);
    await assert.rejects(
      post(`${server.url}/mutate-v1-pod`, first.caPem, '{}'),
      /self-signed|unable to verify|certificate/,
    );
  });
});
