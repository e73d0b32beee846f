/**
 * The HTTPS Kubernetes API server of one simulated cluster, in front of a ClusterStore. Serves
 * discovery, minimal OpenAPI, health, and the resource REST API including watch; bearer-token
 * auth; fault hooks for throttling/5xx, watch disconnects and restarts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { Clock } from '../../util/clock.ts';
import { MutatingAdmission } from './admission.ts';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  OPENAPI_V2_PROTOBUF,
  openApiV2Json,
  openApiV3Doc,
  openApiV3Root,
} from './discovery.ts';
import { faultStatus, isKubeStatusError, KubeStatusError, unauthorized } from './errors.ts';
import { sendJson, sendStatus, sendText } from './http-io.ts';
import { parseApiPath } from './request-path.ts';
import { ResourceHandlers, verbOf } from './resource-handlers.ts';
import type { ResourceRef } from './resources.ts';
import type { ClusterStore } from './store.ts';
import { WatchHub } from './watch.ts';

export interface KubeFaults {
  /** Consulted before each request; a returned status is sent instead of serving it. */
  before(verb: string, ref: ResourceRef | undefined): { status: number; message?: string } | undefined;
}

export interface KubeApiServerOptions {
  store: ClusterStore;
  clock: Clock;
  host?: string;
  port?: number;
  tls: { cert: string; key: string };
  /** When set, every request except /healthz, /livez, /readyz and /version needs `Authorization: Bearer <token>`. */
  token?: string;
  beforeRequest?: () => void;
  faults?: KubeFaults;
  /** Clock time between BOOKMARK events on watches that allow them. Default 60 s. */
  bookmarkIntervalMs?: number;
  /**
   * The cluster's mutating admission (shared with the world's ReplicaSet controller, whose pod
   * creates it also runs); default: one over `store`'s MutatingWebhookConfigurations.
   */
  admission?: MutatingAdmission;
}

export interface KubeApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Ends every open watch stream cleanly (clients see the stream end and re-watch). */
  disconnectWatches(): void;
  /** Drops every connection and listens again on the same port (an API server restart). */
  restart(): Promise<void>;
}

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export async function startKubeApiServer(opts: KubeApiServerOptions): Promise<KubeApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const watches = new WatchHub(opts.store, opts.clock, opts.bookmarkIntervalMs ?? 60_000);
  const handlers = new ResourceHandlers(opts.store, watches, opts.admission ?? new MutatingAdmission(opts.store));
  let port = opts.port ?? 0;
  let server: Server;
  const sockets = new Set<Socket>();

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    opts.beforeRequest?.();
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz')
      return sendText(res, 200, 'ok', 'text/plain; charset=utf-8');
    if (path === '/version') return sendJson(res, 200, VERSION);
    if (opts.token !== undefined && !PUBLIC_PATHS.has(path) && req.headers.authorization !== `Bearer ${opts.token}`) {
      throw unauthorized();
    }
    const parsed = parseApiPath(opts.store.registry, path);
    const ref = parsed.type === 'resource' ? parsed.req.def : undefined;
    const verb = parsed.type === 'resource' ? verbOf(req.method ?? 'GET', parsed.req, url.searchParams) : 'get';
    const fault = opts.faults?.before(
      verb,
      ref ? { group: ref.group, version: ref.version, resource: ref.resource } : undefined,
    );
    if (fault) throw faultStatus(fault.status, fault.message);
    if (parsed.type === 'resource') return handlers.handle(req, res, parsed.req, url.searchParams, verb);
    if (req.method !== 'GET') throw notFoundPath();
    const reg = opts.store.registry;
    let body: unknown;
    if (path === '/api') body = apiVersions(`${host}:${port}`);
    else if (path === '/apis') body = apiGroupList(reg);
    else if (parsed.type === 'group') body = apiGroup(reg, parsed.group);
    else if (parsed.type === 'groupVersion') body = apiResourceList(reg, parsed.group, parsed.version);
    else if (path === '/openapi/v3') body = openApiV3Root(reg);
    else if (path.startsWith('/openapi/v3/')) body = openApiDoc(path.slice('/openapi/v3/'.length));
    else if (path === '/openapi/v2') return openApiV2(req, res);
    else if (path === '/')
      body = {
        paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v2', '/openapi/v3', '/readyz', '/version'],
      };
    if (body === undefined) throw notFoundPath();
    sendJson(res, 200, body);
  };

  const openApiDoc = (gvPath: string) => {
    const segs = gvPath.split('/');
    if (segs[0] === 'api' && segs.length === 2) return openApiV3Doc(opts.store.registry, '', segs[1]!);
    if (segs[0] === 'apis' && segs.length === 3) return openApiV3Doc(opts.store.registry, segs[1]!, segs[2]!);
    return undefined;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => {
      if (isKubeStatusError(err)) return sendStatus(res, err);
      const msg = err instanceof Error ? err.message : String(err);
      sendStatus(res, new KubeStatusError(500, 'InternalError', `Internal error occurred: ${msg}`));
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest);
      server.on('connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const addr = server.address();
        if (addr && typeof addr === 'object') port = addr.port;
        resolve();
      });
    });

  const shutdown = () =>
    new Promise<void>((resolve) => {
      watches.closeAll();
      server.close(() => resolve());
      // Why destroy: keep-alive sockets would otherwise hold the port past close().
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
    });

  await listen();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  // Why track both: a close() during a restart must not be undone by the restart listening again.
  let closed = false;
  let restarting: Promise<void> | undefined;
  return {
    url: `https://${urlHost}:${port}`,
    get port() {
      return port;
    },
    close: async () => {
      closed = true;
      await restarting?.catch(() => {});
      await shutdown();
    },
    disconnectWatches: () => watches.closeAll(),
    restart: () => {
      restarting = (async () => {
        await shutdown();
        if (!closed) await listen();
      })();
      return restarting;
    },
  };
}

function openApiV2(req: IncomingMessage, res: ServerResponse): void {
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('protobuf')) {
    // An empty protobuf message is a valid, empty openapi_v2.Document: "no schemas published".
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': 0 });
    res.end();
    return;
  }
  sendJson(res, 200, openApiV2Json());
}

function notFoundPath(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}
