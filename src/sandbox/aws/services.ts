import { CLOUDWATCH_ERROR_SHAPES } from '../cloudwatch/errors.ts';

/**
 * The services the sandbox endpoint serves, with what each protocol needs to recognise a request
 * and to render a response or an error for it.
 */
export type ServiceName = 'elbv2' | 'cloudwatch' | 'sts';

export interface ServiceSpec {
  name: ServiceName;
  /** awsQuery `Version` parameter. */
  version: string;
  /** XML namespace of awsQuery responses. */
  xmlns: string;
  /** SigV4 signing name (the credential scope's service). */
  signingName: string;
  /** JSON 1.0 `X-Amz-Target` prefix and RPC v2 CBOR service name, for services speaking them. */
  target?: string;
  /** Smithy namespace used in JSON/CBOR `__type`. */
  smithyNamespace?: string;
  /** awsQuery error code → Smithy error shape name, where they differ (from the service model). */
  errorShapes?: Readonly<Record<string, string>>;
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'elbv2',
    version: '2015-12-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    signingName: 'elasticloadbalancing',
  },
  {
    name: 'cloudwatch',
    version: '2010-08-01',
    xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    signingName: 'monitoring',
    target: 'GraniteServiceVersion20100801',
    smithyNamespace: 'com.amazonaws.cloudwatch',
    // The one table of wire code → modelled shape name, kept with the CloudWatch model.
    errorShapes: CLOUDWATCH_ERROR_SHAPES,
  },
  {
    name: 'sts',
    version: '2011-06-15',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    signingName: 'sts',
  },
];

export function serviceByVersion(version: string | undefined): ServiceSpec | undefined {
  return SERVICES.find((s) => s.version === version);
}

export function serviceByTarget(target: string): ServiceSpec | undefined {
  return SERVICES.find((s) => s.target === target);
}

export function serviceBySigningName(name: string | undefined): ServiceSpec | undefined {
  return SERVICES.find((s) => s.signingName === name);
}

/** The `__type` of a JSON/CBOR error: the Smithy shape id when the code is modelled differently. */
export function errorTypeOf(spec: ServiceSpec, code: string): string {
  const shape = spec.errorShapes?.[code] ?? code;
  return spec.smithyNamespace ? `${spec.smithyNamespace}#${shape}` : shape;
}
