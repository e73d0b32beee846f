/**
 * A small declarative description of a YAML document's shape. The rollout's shape is written
 * once in this language (rollout-shape.ts); the validator, the JSON Schema and the README
 * reference are all derived from it, so they cannot disagree.
 */
import type { ElbResourceType } from './arn.ts';

interface Common {
  /** One or two sentences for the README and the editor's hover text. */
  doc: string;
  /** Default in the file's own notation (`2m`, `1%`, 100); the validator applies it. */
  default?: unknown;
  /** A default that depends on other fields, described in words (applied by normalize.ts). */
  defaultDoc?: string;
  /** A typical value for hints ("e.g. 25"), in the file's notation. */
  example?: unknown;
}

export interface StringShape extends Common {
  t: 'string';
  /** Short type name for the reference table ("DNS label"); default "string". */
  typeName?: string;
  pattern?: RegExp;
  /** What the pattern allows, in words, for messages: "a DNS label: lowercase letters, …". */
  allowed?: string;
  minLength?: number;
  maxLength?: number;
  enum?: readonly string[];
}
export interface ArnShape extends Common {
  t: 'arn';
  arn: ElbResourceType | 'iam-role';
}
export interface NumberShape extends Common {
  t: 'number';
  integer?: boolean;
  min?: number;
  max?: number;
  /** Hint for a number out of range, e.g. "use a percent such as 25". */
  hint?: string;
}
export interface BooleanShape extends Common {
  t: 'boolean';
  /** The only value allowed (`approve: true`). */
  const?: boolean;
  hint?: string;
}
export interface DurationShape extends Common {
  t: 'duration';
  minMs?: number;
  maxMs?: number;
  /** Why the minimum exists, for the message. */
  minWhy?: string;
  /** A bare number is read as seconds (sandbox scenarios); otherwise only a bare 0 is allowed. */
  bareSeconds?: boolean;
}
export interface PercentShape extends Common {
  t: 'percent';
  /** Bounds as fractions 0–1. */
  min?: number;
  max?: number;
  /** The minimum itself is not allowed (a threshold of 0% that could never pass). */
  exclusiveMin?: boolean;
}
export interface Field {
  shape: Shape;
  required?: boolean;
  /** Names users of similar tools write for this field; an unknown key equal to one suggests it. */
  aliases?: readonly string[];
}
export interface ObjectShape extends Common {
  t: 'object';
  /** Heading for the README reference; objects without one are documented inline. */
  title?: string;
  fields: Record<string, Field>;
  /** Groups of fields of which at most one (or, with required, exactly one) may be set. */
  exclusive?: readonly { keys: readonly string[]; required: boolean; why: string }[];
  /** Fields only allowed next to at least one of the listed fields. */
  onlyWith?: Readonly<Record<string, { keys: readonly string[]; why: string }>>;
}
export interface ArrayShape extends Common {
  t: 'array';
  items: Shape;
  minItems?: number;
  maxItems?: number;
  /** Items must have distinct values of this field. */
  uniqueBy?: string;
  /** Items must be distinct (for lists of strings). */
  unique?: boolean;
  /** What the list holds, in words, for messages. */
  allowed?: string;
  /** Why the item count is limited, for messages. */
  countWhy?: string;
}
export interface MapShape extends Common {
  t: 'map';
  key: StringShape;
  values: Shape;
  minEntries?: number;
  maxEntries?: number;
  /** What the mapping holds, in words, for messages. */
  allowed?: string;
}
/** A mapping whose `tag` field picks one of several object shapes (gate checks by `type`). */
export interface UnionShape extends Common {
  t: 'union';
  tag: string;
  variants: Record<string, ObjectShape>;
  /** Heading prefix of the variants in the README reference (`faults[]`); default `spec.gates.checks[]`. */
  title?: string;
  /** What the tag names, for messages ("fault kind"); default "check type". */
  what?: string;
}
/**
 * One of several shapes, picked by the YAML value's type: a mapping picks the object option, a
 * number the number (else duration) option, a string the string (else duration) option — a port
 * number or name, a duration or `{min, max}`.
 */
export interface AnyOfShape extends Common {
  t: 'anyOf';
  options: readonly (StringShape | NumberShape | DurationShape | ObjectShape)[];
  allowed: string;
}

export type Shape =
  | StringShape
  | ArnShape
  | NumberShape
  | BooleanShape
  | DurationShape
  | PercentShape
  | ObjectShape
  | ArrayShape
  | MapShape
  | UnionShape
  | AnyOfShape;

/** The value a missing optional field takes, in the file's notation, for docs. */
export function describeDefault(s: Shape): string | undefined {
  if (s.defaultDoc) return s.defaultDoc;
  if (s.default === undefined) return undefined;
  return typeof s.default === 'string' ? s.default : JSON.stringify(s.default);
}
