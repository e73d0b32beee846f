/** Builders for the scenario's shape (scenario-shape.ts, fault-shape.ts); the shared ones are the spec's. */
import type { DurationShape, NumberShape, StringShape } from '../../spec/shape.ts';
import { duration as anyDuration, dnsLabel, int as integer } from '../../spec/shape-builders.ts';

export {
  dnsLabel,
  HOUR,
  labelKey,
  labels,
  MINUTE,
  opt,
  percent,
  req,
} from '../../spec/shape-builders.ts';

/** Scenario durations also accept a bare number of seconds (as they always have). */
export const duration = (doc: string, extra: Partial<DurationShape> = {}): DurationShape =>
  anyDuration(doc, { minMs: 0, bareSeconds: true, ...extra });

/** A whole number in [min, max]. */
export const int = (doc: string, min: number, max: number, extra: Partial<NumberShape> = {}): NumberShape =>
  integer(doc, { min, max, ...extra });
export const port = (doc: string, extra: Partial<NumberShape> = {}): NumberShape => int(doc, 1, 65535, extra);

/** Load balancer and target group names: 1–32 letters, digits and hyphens. */
export const elbName = (doc: string, extra: Partial<StringShape> = {}): StringShape => ({
  t: 'string',
  doc,
  typeName: 'ELB name',
  pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
  allowed: 'a name of 1–32 letters, digits and "-", not starting or ending with "-"',
  minLength: 1,
  maxLength: 32,
  ...extra,
});

export const clusterRef = (doc: string): StringShape =>
  dnsLabel(doc, { typeName: 'cluster name', allowed: 'the name of one of clusters' });

/** A container port name (IANA_SVC_NAME): at most 15 lowercase letters, digits and "-". */
export const portName = (doc: string): StringShape => ({
  t: 'string',
  doc,
  typeName: 'port name',
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  allowed: 'a port name: 1–15 lowercase letters, digits and "-"',
  minLength: 1,
  maxLength: 15,
});
