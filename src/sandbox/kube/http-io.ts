/** Request/response plumbing for the API server: bodies, Status replies, content negotiation. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, KubeStatusError, unsupportedMediaType } from './errors.ts';
import { decodeKubeProtobuf, PROTOBUF_KINDS } from './protobuf.ts';
import type { PatchType } from './store.ts';

const MAX_BODY = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new KubeStatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/**
 * Parses a JSON or YAML body (a JSON body is valid YAML), or a protobuf body of the kinds
 * protobuf.ts knows (what kubectl's generator commands send); other protobuf kinds and CBOR are 415.
 */
export function parseBody(body: Buffer, contentType: string): unknown {
  if (contentType === PROTOBUF) return parseProtobuf(body);
  if (contentType.includes('protobuf') || contentType.includes('cbor')) {
    throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF]);
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

function parseProtobuf(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  let obj: Record<string, unknown> | undefined;
  try {
    obj = decodeKubeProtobuf(body);
  } catch (e) {
    throw badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
  if (obj) return obj;
  // [U] A real server decodes every built-in kind; this emulator only the few kubectl's generators send.
  throw new KubeStatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this emulator decodes protobuf bodies only for ${PROTOBUF_KINDS.join(', ')})`,
  );
}

export function bodyType(req: IncomingMessage): string {
  return mediaType(req);
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function patchTypeOf(req: IncomingMessage): PatchType {
  const t = patchTypes[mediaType(req)];
  if (!t) throw unsupportedMediaType(Object.keys(patchTypes));
  return t;
}

export function wantsTable(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  sendText(res, code, typeof body === 'string' ? body : JSON.stringify(body), contentType);
}

export function sendText(res: ServerResponse, code: number, text: string, contentType: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, err: KubeStatusError): void {
  if (err.code === 429 && !res.headersSent) res.setHeader('Retry-After', '1');
  sendJson(res, err.code, err.status);
}

export function queryFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === '1' || v === 'true';
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return n;
}
