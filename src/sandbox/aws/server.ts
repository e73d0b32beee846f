import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, SystemClock } from '../../util/clock.ts';
import { detectRequest } from './detect.ts';
import { AwsError, type AwsProtocol, type AwsServiceHandler } from './errors.ts';
import { queryErrorXml, queryResponseXml } from './query.ts';
import { encodeCbor, encodeCborError, encodeJson, encodeJsonError } from './rpc-codecs.ts';
import type { ServiceName, ServiceSpec } from './services.ts';
import { type BucketRule, TokenBuckets } from './throttle.ts';

/** The subset of a pino logger the server uses. */
export interface AwsServerLog {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AwsServerOptions {
  services: { elbv2: AwsServiceHandler; cloudwatch?: AwsServiceHandler; sts: AwsServiceHandler };
  host?: string;
  port?: number;
  /** Called first on every request (the world brings its simulation up to the current time). */
  beforeRequest?: () => void;
  /** Scenario faults: an error to answer instead of calling the service. */
  faults?: { before(service: string, op: string): AwsError | undefined };
  /** AWS-like token-bucket throttling (`Throttling`, 400, "Rate exceeded"); off by default. */
  throttle?: boolean | { buckets: readonly BucketRule[] };
  /** Clock for the throttle's refill (default: real time). */
  clock?: Clock;
  log?: AwsServerLog;
}

export interface AwsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

/**
 * One HTTP endpoint on loopback for every emulated service. Each request's protocol (awsQuery,
 * AWS JSON 1.0, Smithy RPC v2 CBOR) and service are detected from the request itself, so the
 * sandbox can point AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2, _CLOUDWATCH and _STS at one URL.
 */
export async function startAwsServer(opts: AwsServerOptions): Promise<AwsServer> {
  const buckets = opts.throttle
    ? new TokenBuckets(opts.clock ?? new SystemClock(), opts.throttle === true ? undefined : opts.throttle.buckets)
    : undefined;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, opts, buckets).catch((err) => {
      opts.log?.error({ err }, 'aws endpoint failed to answer');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AwsError('RequestEntityTooLarge', 'Request body is too large', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  opts: AwsServerOptions,
  buckets: TokenBuckets | undefined,
): Promise<void> {
  const requestId = randomUUID();
  let protocol: AwsProtocol = 'query';
  let spec: ServiceSpec | undefined;
  let op = '';
  try {
    opts.beforeRequest?.();
    const detected = detectRequest(req, await readBody(req));
    protocol = detected.protocol;
    spec = detected.spec;
    op = detected.op;
    const handler = opts.services[spec.name as ServiceName];
    if (!handler) throw new AwsError('InvalidAction', `the sandbox does not serve ${spec.name}`, 400);
    if (!op) throw new AwsError('MissingAction', 'Missing Action', 400);
    const fault = opts.faults?.before(spec.name, op);
    if (fault) throw fault;
    if (buckets && !buckets.take(spec.name, op)) throw new AwsError('Throttling', 'Rate exceeded', 400);
    const ctx = { requestId, protocol, service: spec.name, op, accessKeyId: detected.accessKeyId };
    const result = await handler(op, detected.input, ctx);
    opts.log?.debug({ service: spec.name, op, protocol, requestId }, 'aws call');
    send(res, 200, requestId, protocol, spec, op, result ?? {});
  } catch (e) {
    const err = toAwsError(e, op);
    if (err.status >= 500 && !(e instanceof AwsError)) {
      opts.log?.error({ err: e, service: spec?.name, op, requestId }, 'aws handler crashed');
    } else {
      opts.log?.debug({ service: spec?.name, op, code: err.code, requestId }, 'aws call failed');
    }
    sendError(res, requestId, protocol, spec, err);
  }
}

function toAwsError(e: unknown, op: string): AwsError {
  if (e instanceof AwsError) return e;
  if (e instanceof SyntaxError) return new AwsError('SerializationException', `could not parse the request for ${op}`);
  return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500);
}

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  protocol: AwsProtocol,
  spec: ServiceSpec,
  op: string,
  result: Record<string, any>,
): void {
  if (protocol === 'json' || protocol === 'cbor') {
    const { body, headers } = protocol === 'json' ? encodeJson(result) : encodeCbor(result);
    res.writeHead(status, { ...headers, 'x-amzn-RequestId': requestId, 'content-length': body.length });
    res.end(body);
    return;
  }
  const xml = Buffer.from(queryResponseXml(op, spec.xmlns, result, requestId));
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId, 'content-length': xml.length });
  res.end(xml);
}

const UNKNOWN_SERVICE: ServiceSpec = { name: 'elbv2', version: '', xmlns: 'http://amazonaws.com/', signingName: '' };

function sendError(
  res: ServerResponse,
  requestId: string,
  protocol: AwsProtocol,
  spec: ServiceSpec | undefined,
  err: AwsError,
): void {
  const s = spec ?? UNKNOWN_SERVICE;
  if (protocol === 'json' || protocol === 'cbor') {
    const { body, headers } = protocol === 'json' ? encodeJsonError(s, err) : encodeCborError(s, err);
    res.writeHead(err.status, { ...headers, 'x-amzn-RequestId': requestId, 'content-length': body.length });
    res.end(body);
    return;
  }
  const xml = Buffer.from(queryErrorXml(err, s.xmlns, requestId));
  res.writeHead(err.status, {
    'content-type': 'text/xml',
    'x-amzn-RequestId': requestId,
    'content-length': xml.length,
  });
  res.end(xml);
}
