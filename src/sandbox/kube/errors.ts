/**
 * API errors as a real API server reports them: a metav1.Status body with `reason`, `code` and
 * `details`. The message texts follow k8s.io/apimachinery/pkg/api/errors so clients that match
 * on them (and humans reading kubectl output) see what a real cluster would say.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface MetaStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: MetaStatus;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubeStatusError';
    this.code = code;
    this.reason = reason;
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }
}

export function isKubeStatusError(e: unknown): e is KubeStatusError {
  return e instanceof KubeStatusError;
}

/** What names a resource in messages: `pods`, `leases.coordination.k8s.io`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string, extra?: Partial<StatusDetails>): StatusDetails {
  return { name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource, ...extra };
}

export function notFound(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    'AlreadyExists',
    `${qualifiedResource(gr)} "${name}" already exists`,
    details(gr, name),
  );
}

/** The optimistic-concurrency conflict; `why` defaults to the stale-resourceVersion text. */
export function conflict(gr: GroupResource, name: string, why?: string): KubeStatusError {
  const reason = why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${reason}`,
    details(gr, name),
  );
}

/** 422 Invalid; `kind` is the object's Kind (e.g. `ConfigMap`), as the real message uses it. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeStatusError {
  // A cause with an empty field path (e.g. a ConfigMap's total size) still gets Go's "<field>: " prefix.
  const list = causes.map((c) => (c.field !== undefined ? `${c.field}: ${c.message}` : c.message));
  const text = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeStatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${text}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => (c.field === '' ? { reason: c.reason, message: c.message } : c)),
  });
}

export function fieldInvalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field };
}

export function fieldRequired(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field };
}

export function fieldForbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message);
}

/** 422 without an object name, as the patch machinery reports a failed JSON-patch `test`. */
export function unprocessable(message: string): KubeStatusError {
  return new KubeStatusError(422, 'Invalid', message);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource') {
  return new KubeStatusError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(accepted: string[]): KubeStatusError {
  return new KubeStatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function gone(message: string): KubeStatusError {
  return new KubeStatusError(410, 'Expired', message);
}

export function forbidden(gr: GroupResource, name: string, why: string): KubeStatusError {
  return new KubeStatusError(
    403,
    'Forbidden',
    `${qualifiedResource(gr)} "${name}" is forbidden: ${why}`,
    details(gr, name),
  );
}

export function unauthorized(): KubeStatusError {
  return new KubeStatusError(401, 'Unauthorized', 'Unauthorized');
}

const reasonByCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** An injected fault (throttling, server errors) as the API server would phrase it. */
export function faultStatus(code: number, message?: string): KubeStatusError {
  const reason = reasonByCode[code] ?? 'InternalError';
  const text =
    message ??
    (code === 429
      ? 'Too many requests, please try again later.'
      : code === 503
        ? 'the server is currently unable to handle the request'
        : 'an error on the server ("injected fault") has prevented the request from succeeding');
  return new KubeStatusError(code, reason, text, code === 429 ? { retryAfterSeconds: 1 } : undefined);
}
