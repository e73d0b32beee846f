/** Small builders for the scenario's shape (scenario-shape.ts, fault-shape.ts). */
import type {
  DurationShape,
  Field,
  MapShape,
  NumberShape,
  PercentShape,
  Shape,
  StringShape,
} from '../../spec/shape.ts';

export const req = (shape: Shape, aliases?: readonly string[]): Field => ({ shape, required: true, aliases });
export const opt = (shape: Shape, aliases?: readonly string[]): Field => ({ shape, aliases });

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Scenario durations also accept a bare number of seconds (as they always have). */
export const duration = (doc: string, extra: Partial<DurationShape> = {}): DurationShape => ({
  t: 'duration',
  doc,
  minMs: 0,
  bareSeconds: true,
  ...extra,
});
export const percent = (doc: string, extra: Partial<PercentShape> = {}): PercentShape => ({
  t: 'percent',
  doc,
  min: 0,
  max: 1,
  ...extra,
});
export const int = (doc: string, min: number, max: number, extra: Partial<NumberShape> = {}): NumberShape => ({
  t: 'number',
  integer: true,
  doc,
  min,
  max,
  ...extra,
});
export const port = (doc: string, extra: Partial<NumberShape> = {}): NumberShape => int(doc, 1, 65535, extra);

export const dnsLabel = (doc: string, extra: Partial<StringShape> = {}): StringShape => ({
  t: 'string',
  doc,
  typeName: 'DNS label',
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  allowed: 'a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  minLength: 1,
  maxLength: 63,
  ...extra,
});

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

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const labelKey = (doc: string): StringShape => ({
  t: 'string',
  doc,
  typeName: 'label key',
  pattern: LABEL_KEY,
  allowed: 'a Kubernetes label key such as app or example.com/tier',
  maxLength: 317,
});
export const labels = (doc: string): MapShape => ({
  t: 'map',
  doc,
  key: labelKey('label key'),
  values: {
    t: 'string',
    doc: 'label value',
    pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
    allowed: 'a Kubernetes label value: up to 63 letters, digits, "-", "_", "."',
    maxLength: 63,
  },
  maxEntries: 64,
  allowed: 'a mapping of label keys to values, e.g. {app: web}',
});
