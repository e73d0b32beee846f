/**
 * Small builders for shapes written in the language of shape.ts, shared by the rollout's shape
 * (rollout-shape.ts) and the sandbox scenario's (src/sandbox/scenario/scenario-shape.ts).
 */
import type { DurationShape, Field, MapShape, NumberShape, PercentShape, Shape, StringShape } from './shape.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const req = (shape: Shape, aliases?: readonly string[]): Field => ({ shape, required: true, aliases });
export const opt = (shape: Shape, aliases?: readonly string[]): Field => ({ shape, aliases });

export const duration = (doc: string, extra: Partial<DurationShape> = {}): DurationShape => ({
  t: 'duration',
  doc,
  ...extra,
});

/** A percentage or fraction, 0–100% unless `extra` narrows it. */
export const percent = (doc: string, extra: Partial<PercentShape> = {}): PercentShape => ({
  t: 'percent',
  doc,
  min: 0,
  max: 1,
  ...extra,
});

export const int = (doc: string, extra: Partial<NumberShape> = {}): NumberShape => ({
  t: 'number',
  integer: true,
  doc,
  ...extra,
});

/** An RFC 1123 DNS label (cluster, namespace and route names). */
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

/** A Kubernetes label (or annotation) key: an optional DNS subdomain prefix and a name. */
export const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export const labelKey = (doc: string, extra: Partial<StringShape> = {}): StringShape => ({
  t: 'string',
  doc,
  typeName: 'label key',
  pattern: LABEL_KEY,
  allowed: 'a Kubernetes label key such as app or example.com/tier',
  maxLength: 317,
  ...extra,
});

/** Kubernetes labels: label keys to label values (at most 63 characters each). */
export const labels = (doc: string, extra: Partial<MapShape> = {}): MapShape => ({
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
  ...extra,
});
