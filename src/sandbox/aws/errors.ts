/**
 * An error the emulated AWS endpoint returns to its client, in whichever protocol the request
 * used. `code` is the wire code (e.g. `TargetGroupNotFound`, `ValidationError`, `Throttling`);
 * `status` the HTTP status; `type` the awsQuery <Type> (Sender for client errors).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';

  constructor(code: string, message: string, status = 400, type?: 'Sender' | 'Receiver') {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.type = type ?? (status >= 500 ? 'Receiver' : 'Sender');
  }
}

/** The protocol a request arrived in; handlers rarely need it, serializers always do. */
export type AwsProtocol = 'query' | 'json' | 'cbor';

export interface AwsRequestContext {
  requestId: string;
  protocol: AwsProtocol;
  /** Service-facing name: 'elbv2' | 'cloudwatch' | 'sts'. */
  service: string;
  op: string;
  /** The access key id of the request's SigV4 signature, when it was signed (any key is accepted). */
  accessKeyId?: string;
}

/**
 * One emulated service. `input` is the request in SDK shape (member lists already arrays), but
 * scalar types depend on the protocol: awsQuery gives every scalar as a string, JSON gives numbers
 * and epoch-second timestamps, CBOR gives numbers and Dates. Handlers coerce what they read.
 * The result is in SDK shape with Date objects for timestamps; the server serializes it.
 */
export type AwsServiceHandler = (
  op: string,
  input: Record<string, any>,
  ctx: AwsRequestContext,
) => Promise<Record<string, any>> | Record<string, any>;

/** The error every handler throws for an operation it does not implement (AWS: `InvalidAction`, 400). */
export function invalidAction(op: string, version?: string): AwsError {
  return new AwsError(
    'InvalidAction',
    `The action ${op} is not valid for this web service${version ? ` (version ${version})` : ''}.`,
    400,
  );
}
