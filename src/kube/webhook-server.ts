import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';

/**
 * The HTTPS server of the agent's mutating webhook: POST `path` with an AdmissionReview, answered
 * by `admit` (src/agent/webhook.ts). Its certificate is `tls.crt`/`tls.key` in `certDir` — the
 * keys of a kubernetes.io/tls Secret mounted as a volume, which cert-manager renews in place — and
 * is re-read every `reloadMs` (wall clock): a changed pair is used for new connections at once,
 * a pair that does not load (caught mid-rotation: a new cert with the old key) is skipped until it
 * does, and the server keeps serving with the last good one.
 */
export interface WebhookServer {
  /** `https://<host>:<port>` as bound (port 0 → the port the system chose). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface WebhookServerOptions {
  host: string;
  port: number;
  certDir: string;
  path: string;
  admit: (review: unknown) => unknown;
  /** How often the certificate files are re-read (wall ms). Default 10 s. */
  reloadMs?: number;
  onReload?: (e: { ok: true } | { ok: false; err: unknown }) => void;
}

/** The API server's own limit on an AdmissionReview is the object limit (3 MiB) plus overhead. */
const MAX_BODY = 8 * 1024 * 1024;

export function readCertPair(certDir: string): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(join(certDir, 'tls.crt')), key: readFileSync(join(certDir, 'tls.key')) };
}

/** Throws (with Node's reason) unless `certDir` holds a certificate and key that belong together. */
export function checkCertPair(certDir: string): void {
  createSecureContext(readCertPair(certDir));
}

export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  // Read once up front: a missing or bad pair is an error at start-up, not at the first admission.
  let pair = readCertPair(o.certDir);
  createSecureContext(pair);
  const server: Server = createServer(pair, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== o.path) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (req.method !== 'POST') return void res.writeHead(405, { 'content-type': 'text/plain' }).end('POST only\n');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('request too large\n');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      let review: unknown;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        review = undefined;
      }
      const body = JSON.stringify(o.admit(review));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The last pair that failed to load, so a rotation caught half-way is reported once, not every tick.
  let bad = '';
  const timer = setInterval(() => {
    let next: { cert: Buffer; key: Buffer } | undefined;
    try {
      next = readCertPair(o.certDir);
      if (next.cert.equals(pair.cert) && next.key.equals(pair.key)) return;
      server.setSecureContext(next);
    } catch (err) {
      const seen = next ? `${next.cert.toString('base64')}:${next.key.toString('base64')}` : String(err);
      if (seen !== bad) o.onReload?.({ ok: false, err });
      bad = seen;
      return;
    }
    pair = next;
    bad = '';
    o.onReload?.({ ok: true });
  }, o.reloadMs ?? 10_000);
  timer.unref();
  const addr = server.address() as AddressInfo;
  return {
    url: `https://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise((r) => {
        clearInterval(timer);
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
