import type { IncomingMessage } from 'node:http';
import { AwsError, type AwsProtocol } from './errors.ts';
import { parseQuery } from './query.ts';
import { decodeCbor, decodeJson } from './rpc-codecs.ts';
import { type ServiceSpec, serviceBySigningName, serviceByTarget, serviceByVersion } from './services.ts';

export interface DetectedRequest {
  protocol: AwsProtocol;
  spec: ServiceSpec;
  op: string;
  input: Record<string, any>;
  accessKeyId?: string;
}

const CBOR_PATH = /^\/service\/([^/]+)\/operation\/([^/?]+)$/;

/**
 * Which protocol and service a request speaks:
 * - Smithy RPC v2 CBOR: `POST /service/<ServiceName>/operation/<Op>` (header `smithy-protocol`).
 * - AWS JSON 1.0: `X-Amz-Target: <TargetPrefix>.<Op>`.
 * - awsQuery otherwise: `Action`/`Version` in the form body or the URL's query string; without a
 *   `Version`, the SigV4 credential scope names the service.
 */
export function detectRequest(req: IncomingMessage, body: Buffer): DetectedRequest {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const accessKeyId = signingKey(req);
  const cborMatch = CBOR_PATH.exec(url.pathname);
  if (cborMatch) {
    const spec = serviceByTarget(decodeURIComponent(cborMatch[1]!));
    if (!spec) throw new AwsError('UnknownOperationException', `unknown service ${cborMatch[1]}`, 404);
    return { protocol: 'cbor', spec, op: decodeURIComponent(cborMatch[2]!), input: decodeCbor(body), accessKeyId };
  }
  const target = header(req, 'x-amz-target');
  if (target) {
    const dot = target.lastIndexOf('.');
    const spec = serviceByTarget(target.slice(0, dot));
    if (!spec || dot < 0) throw new AwsError('UnknownOperationException', `unknown target ${target}`, 400);
    return { protocol: 'json', spec, op: target.slice(dot + 1), input: decodeJson(body), accessKeyId };
  }
  const params = new URLSearchParams(url.search);
  if (body.length > 0) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  const q = parseQuery(params);
  const spec = serviceByVersion(q.version) ?? serviceBySigningName(scopeService(req));
  if (!spec) {
    const what = q.version ? `version ${q.version}` : 'a request without Version';
    throw new AwsError('InvalidAction', `the sandbox serves no service for ${what}`, 400);
  }
  return { protocol: 'query', spec, op: q.action ?? '', input: q.input, accessKeyId };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/;

function signingKey(req: IncomingMessage): string | undefined {
  return CREDENTIAL.exec(header(req, 'authorization') ?? '')?.[1];
}

function scopeService(req: IncomingMessage): string | undefined {
  return CREDENTIAL.exec(header(req, 'authorization') ?? '')?.[2];
}
