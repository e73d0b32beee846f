/**
 * One call of an admission webhook over real HTTPS, failing as the API server's client does —
 * its errors are worded as Go's net/http and crypto/tls word them, because they end up in the
 * `failed calling webhook "…": failed to call webhook: …` message a user reads.
 */
import { request } from 'node:https';

/** A call that produced no usable HTTP response; `message` is what Go's client would say. */
export class WebhookCallError extends Error {}

export interface WebhookReply {
  status: number;
  body: string;
}

/** Node's TLS verification codes → crypto/x509's sentence (what follows `tls: failed to verify certificate: `). */
function x509Reason(code: string, host: string): string | undefined {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return 'x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      // [U] Go lists the names the certificate is valid for; Node's error does not carry them.
      return `x509: certificate is not valid for ${host}`;
    default:
      return undefined;
  }
}

/** A Node socket/TLS error as Go's `Post "<url>": …` text. [U: rarer errors keep Node's own words.] */
export function goCallError(url: URL, e: NodeJS.ErrnoException & { address?: string; port?: number }): string {
  const post = `Post ${JSON.stringify(url.toString())}`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const hostPort = `${url.hostname}:${url.port || 443}`;
  const x509 = e.code ? x509Reason(e.code, host) : undefined;
  if (x509) return `${post}: tls: failed to verify certificate: ${x509}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `${post}: dial tcp ${hostPort}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${post}: dial tcp: lookup ${host}: no such host`;
    case 'ECONNRESET':
      return `${post}: read tcp ${hostPort}: read: connection reset by peer`;
    case 'EHOSTUNREACH':
      return `${post}: dial tcp ${hostPort}: connect: no route to host`;
    default:
      return `${post}: ${e.message}`;
  }
}

/**
 * POSTs `body` (an AdmissionReview) to `url` and resolves with the reply, whatever its status.
 * `caPem` is the configuration's caBundle: when given it is the only trusted root (as in Go, where
 * a caBundle replaces the system pool); when absent the system roots are used. `timeoutMs` bounds
 * the whole call (wall clock: TLS peers run in real time, not the sandbox's virtual time); past it
 * the call fails with Go's `context deadline exceeded`.
 */
export function postReview(
  url: URL,
  caPem: string | undefined,
  body: string,
  timeoutMs: number,
): Promise<WebhookReply> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      f();
    };
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, */*',
          'content-length': Buffer.byteLength(body),
        },
        ...(caPem ? { ca: caPem } : {}),
        // A fresh connection per call: nothing pooled outlives the call (or a webhook server's restart).
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })),
        );
        res.on('error', (e) => finish(() => reject(new WebhookCallError(goCallError(url, e)))));
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new WebhookCallError(`Post ${JSON.stringify(url.toString())}: context deadline exceeded`)));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(() => reject(new WebhookCallError(goCallError(url, e)))));
    req.end(body);
  });
}

/**
 * A reply that is not a 2xx AdmissionReview, as client-go's REST client reports it (a Status body's
 * own message, else its generic texts by code). [U: the generic texts for codes other than 404/500.]
 */
export function replyError(reply: WebhookReply): string {
  try {
    const s = JSON.parse(reply.body);
    if (s?.kind === 'Status' && typeof s.message === 'string' && s.message) return s.message;
  } catch {
    // not JSON: the generic text below
  }
  if (reply.status === 404) return 'the server could not find the requested resource';
  if (reply.status === 500) {
    return `an error on the server (${JSON.stringify(reply.body.trim())}) has prevented the request from succeeding`;
  }
  return `the server responded with the status code ${reply.status} but did not return more information`;
}
