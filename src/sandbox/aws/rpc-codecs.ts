import { cbor, dateToTag, tagSymbol } from '@smithy/core/cbor';
import type { AwsError } from './errors.ts';
import type { ServiceSpec } from './services.ts';
import { errorTypeOf } from './services.ts';

/**
 * Bodies of the two RPC protocols CloudWatch also speaks: AWS JSON 1.0 (the JS SDK) and Smithy
 * RPC v2 CBOR (botocore ≥ 1.40, so awscli 1.45). Both run in awsQuery-compatible mode: an error
 * names its awsQuery code in `x-amzn-query-error: <Code>;<Type>`, which both clients prefer over
 * the body's `__type` (JS: `loadJsonRpcErrorCode(…, queryCompat)` reads the header-derived code
 * first; botocore: `_do_query_compatible_error_parse`).
 */
export interface EncodedBody {
  body: Buffer;
  headers: Record<string, string>;
}

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

export function decodeJson(body: Buffer): Record<string, any> {
  if (body.length === 0) return {};
  const v = JSON.parse(body.toString('utf8'));
  return typeof v === 'object' && v !== null ? v : {};
}

/** JSON output: Dates become epoch seconds, as the protocol's default timestamp format. */
export function encodeJson(result: Record<string, any>): EncodedBody {
  const text = JSON.stringify(result, function (this: any, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
  return { body: Buffer.from(text), headers: { 'content-type': JSON_CONTENT_TYPE } };
}

export function encodeJsonError(spec: ServiceSpec, err: AwsError): EncodedBody {
  return {
    body: Buffer.from(JSON.stringify({ __type: errorTypeOf(spec, err.code), message: err.message })),
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-query-error': `${err.code};${err.type}` },
  };
}

export const CBOR_CONTENT_TYPE = 'application/cbor';

/** CBOR input: epoch-seconds timestamps (tag 1) become Dates. */
export function decodeCbor(body: Buffer): Record<string, any> {
  if (body.length === 0) return {};
  const v = fromCbor(cbor.deserialize(new Uint8Array(body)));
  return typeof v === 'object' && v !== null ? v : {};
}

function fromCbor(v: any): any {
  if (Array.isArray(v)) return v.map(fromCbor);
  if (v && typeof v === 'object') {
    if (v[tagSymbol] && Number(v.tag) === 1) return new Date(Number(v.value) * 1000);
    if (v instanceof Uint8Array) return v;
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v)) out[k] = fromCbor(x);
    return out;
  }
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function toCbor(v: any): any {
  if (v instanceof Date) return dateToTag(v);
  if (Array.isArray(v)) return v.map(toCbor);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, any> = {};
    // Undefined members are left out: the codec would otherwise write CBOR `undefined`.
    for (const [k, x] of Object.entries(v)) if (x !== undefined && x !== null) out[k] = toCbor(x);
    return out;
  }
  return v;
}

const cborHeaders = { 'content-type': CBOR_CONTENT_TYPE, 'smithy-protocol': 'rpc-v2-cbor' };

export function encodeCbor(result: Record<string, any>): EncodedBody {
  return { body: Buffer.from(cbor.serialize(toCbor(result))), headers: { ...cborHeaders } };
}

export function encodeCborError(spec: ServiceSpec, err: AwsError): EncodedBody {
  const body = cbor.serialize({ __type: errorTypeOf(spec, err.code), message: err.message });
  return { body: Buffer.from(body), headers: { ...cborHeaders, 'x-amzn-query-error': `${err.code};${err.type}` } };
}
