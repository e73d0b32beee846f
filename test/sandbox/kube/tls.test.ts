import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { connect } from 'node:tls';
import { parse } from 'yaml';
import { kubeconfigYaml } from '../../../src/sandbox/kube/kubeconfig.ts';
import { generateClusterTls } from '../../../src/sandbox/kube/tls.ts';

describe('generateClusterTls', () => {
  const tls = generateClusterTls();

  it('produces a CA and a server certificate that node:crypto parses and verifies', () => {
    const ca = new X509Certificate(tls.caPem);
    const leaf = new X509Certificate(tls.certPem);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(ca.verify(ca.publicKey), 'CA is self-signed');
    assert.ok(leaf.verify(ca.publicKey), 'leaf is signed by the CA');
    assert.ok(leaf.checkIssued(ca));
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkIP('10.0.0.1'), undefined);
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.ok(Date.parse(leaf.validFrom) < Date.now() && Date.parse(leaf.validTo) > Date.now());
    assert.ok(leaf.checkPrivateKey(createPrivateKey(tls.keyPem)));
  });

  it('completes a real TLS handshake that verifies the chain and the IP SAN', async () => {
    // GIVEN an HTTPS server with the generated certificate
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      // WHEN a client trusting only the generated CA connects by IP
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, ca: tls.caPem, rejectUnauthorized: true }, () => {
          resolve(s.authorized);
          s.end();
        });
        s.on('error', reject);
      });
      // THEN the handshake is authorized
      assert.equal(authorized, true);
      // AND a client trusting another CA is refused
      const other = generateClusterTls();
      const err = await new Promise<Error>((resolve) => {
        const s = connect({ host: '127.0.0.1', port, ca: other.caPem, rejectUnauthorized: true }, () => s.end());
        s.on('error', resolve);
      });
      assert.match(String((err as NodeJS.ErrnoException).code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('kubeconfigYaml', () => {
  it('writes one cluster, user and context per simulated cluster, with the CA inline', () => {
    const doc = parse(
      kubeconfigYaml(
        [
          { name: 'blue', url: 'https://127.0.0.1:1', caPem: 'CA-BLUE', token: 't1' },
          { name: 'green', url: 'https://127.0.0.1:2', caPem: 'CA-GREEN', token: 't2' },
        ],
        'green',
      ),
    );
    assert.equal(doc['current-context'], 'green');
    assert.deepEqual(
      doc.contexts.map((x: any) => [x.name, x.context.cluster, x.context.user]),
      [
        ['blue', 'blue', 'blue'],
        ['green', 'green', 'green'],
      ],
    );
    assert.equal(Buffer.from(doc.clusters[1].cluster['certificate-authority-data'], 'base64').toString(), 'CA-GREEN');
    assert.equal(doc.users[0].user.token, 't1');
  });
});
