/**
 * The words of check-shape.ts's messages: `<path> <what> (got <value>; <what is allowed>)`,
 * where "what is allowed" is said from the shape (describe) and the value as written (got).
 */
import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { cutText, type Diagnostic, showValue } from '../errors.ts';
import { formatDuration } from './duration.ts';
import { formatPercent } from './percent.ts';
import type { Positions } from './positions.ts';
import type { Shape } from './shape.ts';

export interface ShapeContext {
  file: string;
  doc: Document.Parsed;
  positions: Positions;
  diagnostics: Diagnostic[];
}

/** Words for what a shape accepts, used after "got …;" in messages. */
export function describe(s: Shape): string {
  switch (s.t) {
    case 'string':
      if (s.enum) return s.enum.length === 1 ? s.enum[0]! : `one of ${s.enum.join(', ')}`;
      return s.allowed ?? 'a string';
    case 'arn':
      return s.arn === 'iam-role' ? 'an IAM role ARN' : `a ${s.arn} ARN`;
    case 'number':
      return `${s.integer ? 'a whole number' : 'a number'}${s.min !== undefined || s.max !== undefined ? ` ${bounds(s.min, s.max, String)}` : ''}`;
    case 'boolean':
      return s.const !== undefined ? String(s.const) : 'true or false';
    case 'duration':
      return `a duration such as 30s, 5m or 1h30m${s.bareSeconds ? ' or a number of seconds' : ''}${s.minMs || s.maxMs !== undefined ? `, ${bounds(s.minMs, s.maxMs, formatDuration)}` : ''}`;
    case 'percent':
      return `a percentage such as 1% or a fraction such as 0.01${s.min || s.max !== 1 ? `, ${bounds(s.min, s.max, formatPercent)}` : ''}`;
    case 'object':
      return `a mapping with ${Object.keys(s.fields).join(', ')}`;
    case 'array':
      return s.allowed ?? `a list of ${describe(s.items)}`;
    case 'map':
      return s.allowed ?? `a mapping of ${s.key.typeName ?? s.key.doc} to ${describe(s.values)}`;
    case 'union':
      return `a mapping with ${s.tag}: ${Object.keys(s.variants).join(', ')}`;
    case 'anyOf':
      return s.allowed;
  }
}

/** "e.g. …" for a value out of range: the shape's example, else its default, else a bound. */
export function example(s: Shape, fmt: (n: number) => string): string {
  if (s.example !== undefined) return `e.g. ${String(s.example)}`;
  if (s.default !== undefined) return `e.g. ${String(s.default)}`;
  if (s.t === 'number') return `e.g. ${s.min ?? s.max}`;
  if (s.t === 'duration' && s.minMs !== undefined) return `e.g. ${fmt(Math.max(s.minMs, 60_000))}`;
  if (s.t === 'percent') return 'e.g. 1%';
  return describe(s);
}

/** "must be between 1 and 5", "must be at least 1m", … */
export function range(min: number | undefined, max: number | undefined, fmt: (n: number) => string): string {
  return `must be ${bounds(min, max, fmt)}`;
}

function bounds(min: number | undefined, max: number | undefined, fmt: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return `between ${fmt(min)} and ${fmt(max)}`;
  if (min !== undefined) return `at least ${fmt(min)}`;
  return `at most ${fmt(max ?? Number.POSITIVE_INFINITY)}`;
}

/** A path for messages; one holding a long key the file wrote (an unknown field) is cut. */
export function label(path: string): string {
  return path === '' ? 'the document' : cutText(path, 120);
}

/** The offending value for "(got …)": scalars as written, collections by kind. */
export function got(node: unknown): string {
  if (node === undefined || node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return 'an empty value';
    return showValue(node.value);
  }
  return showValue(node);
}

/** An explicit core tag as written (`!!str`), for hints such as "write 5 without !!str". */
export function writtenTag(node: Node | null | undefined): string | undefined {
  const tag = isScalar(node) ? node.tag : undefined;
  return tag?.replace(/^tag:yaml\.org,2002:/, '!!');
}

export function report(
  ctx: ShapeContext,
  node: Node | undefined,
  path: string,
  message: string,
  severity: Diagnostic['severity'] = 'error',
): void {
  const p = node?.range ? ctx.positions.of(node.range[0]) : ctx.positions.keyAt(path);
  ctx.diagnostics.push({ file: ctx.file, line: p.line, col: p.col, severity, message });
}
