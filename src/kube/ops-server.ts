import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The agent's operations endpoint, for kubelet probes and Prometheus: `/healthz` (the process
 * serves), `/readyz` (its caches are synced: `ready()`), `/metrics` (text exposition format).
 */
export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(o: {
  host: string;
  port: number;
  ready: () => boolean;
  metrics: () => Promise<{ contentType: string; body: string }>;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (path === '/readyz') {
      const ok = o.ready();
      return void res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ok\n' : 'caches not synced\n');
    }
    if (path === '/metrics') {
      o.metrics().then(
        (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.body),
        (e) => res.writeHead(500).end(String(e)),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
