import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { type Diagnostic, showValue } from '../errors.ts';
import { checkElbArn, checkIamRoleArn } from './arn.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkDuration, formatDuration } from './duration.ts';
import { checkPercent, formatPercent } from './percent.ts';
import { joinPath, type Positions } from './positions.ts';
import type { AnyOfShape, ObjectShape, Shape, StringShape } from './shape.ts';

/** Marks a value that failed its check (and was reported); it is left out of the result. */
export const INVALID = Symbol('invalid');

export interface ShapeContext {
  file: string;
  doc: Document.Parsed;
  positions: Positions;
  diagnostics: Diagnostic[];
}

/**
 * Checks a YAML node against a shape, reporting every problem, and returns the plain value with
 * units converted (durations → ms, percentages → fractions) and static defaults filled in.
 * Fields that failed are left out, so later checks see only good values.
 */
export function checkShape(shape: Shape, node: Node | null | undefined, path: string, ctx: ShapeContext): unknown {
  const at = node ?? undefined;
  if (isAlias(node)) return checkShape(shape, node.resolve(ctx.doc) as Node | undefined, path, ctx);
  const fail = (what: string, allowed: string, where: Node | undefined = at): typeof INVALID => {
    report(ctx, where, path, `${label(path)} ${what} (got ${got(node)}; ${allowed})`);
    return INVALID;
  };
  const scalar = isScalar(node) ? (node.value as unknown) : undefined;

  switch (shape.t) {
    case 'object':
      if (!isMap(node)) return fail('must be a mapping', `fields: ${Object.keys(shape.fields).join(', ')}`);
      return checkObject(shape, node.items as Pair<Node, Node>[], node, path, ctx);
    case 'union': {
      if (!isMap(node))
        return fail('must be a mapping', `with ${shape.tag}: one of ${Object.keys(shape.variants).join(', ')}`);
      const pairs = node.items as Pair<Node, Node>[];
      const tagPair = pairs.find((p) => isScalar(p.key) && p.key.value === shape.tag);
      const names = Object.keys(shape.variants);
      const tagPath = joinPath(path, shape.tag);
      if (!tagPair) {
        report(ctx, node, path, `${label(tagPath)} is required (got nothing; one of ${names.join(', ')})`);
        return INVALID;
      }
      const tag = isScalar(tagPair.value) ? tagPair.value.value : undefined;
      const variant = typeof tag === 'string' ? shape.variants[tag] : undefined;
      if (!variant) {
        const guess = typeof tag === 'string' ? didYouMean(tag, names) : undefined;
        const hint = guess ? `did you mean "${guess}"? ` : '';
        report(
          ctx,
          tagPair.value ?? node,
          tagPath,
          `${label(tagPath)} is not a known ${shape.what ?? 'check type'} (got ${got(tagPair.value)}; ${hint}one of ${names.join(', ')})`,
        );
        return INVALID;
      }
      const withTag: ObjectShape = {
        ...variant,
        fields: {
          [shape.tag]: { shape: { t: 'string', enum: [tag as string], doc: '' }, required: true },
          ...variant.fields,
        },
      };
      return checkObject(withTag, pairs, node, path, ctx);
    }
    case 'array': {
      if (!isSeq(node)) return fail('must be a list', describe(shape));
      const n = node.items.length;
      const count =
        shape.minItems === shape.maxItems
          ? `${shape.minItems}`
          : `${shape.minItems ?? 0} to ${shape.maxItems ?? 'any number of'}`;
      if (
        (shape.minItems !== undefined && n < shape.minItems) ||
        (shape.maxItems !== undefined && n > shape.maxItems)
      ) {
        const where = shape.maxItems !== undefined && n > shape.maxItems ? (node.items[shape.maxItems] as Node) : node;
        report(
          ctx,
          where,
          path,
          `${label(path)} must have ${count} items (got ${n}; ${shape.countWhy ?? describe(shape)})`,
        );
      }
      const out: unknown[] = [];
      const seen = new Map<unknown, number>();
      node.items.forEach((item, i) => {
        const p = joinPath(path, i);
        ctx.positions.set(p, item as Node);
        const v = checkShape(shape.items, item as Node, p, ctx);
        out.push(v === INVALID ? undefined : v);
        const key = shape.uniqueBy
          ? (v as Record<string, unknown> | undefined)?.[shape.uniqueBy]
          : shape.unique
            ? v
            : undefined;
        if (key !== undefined && v !== INVALID) {
          const first = seen.get(key);
          if (first !== undefined) {
            const fp = shape.uniqueBy ? joinPath(p, shape.uniqueBy) : p;
            report(
              ctx,
              undefined,
              fp,
              `${label(fp)} repeats ${showValue(key)} (got it in items ${first} and ${i}; each must be unique)`,
            );
          } else seen.set(key, i);
        }
      });
      return out;
    }
    case 'map': {
      if (!isMap(node)) return fail('must be a mapping', `${describe(shape.key)}: ${describe(shape.values)}`);
      const out: Record<string, unknown> = {};
      for (const pair of node.items as Pair<Node, Node>[]) {
        const k = isScalar(pair.key) ? pair.key.value : undefined;
        const p = joinPath(path, String(k));
        ctx.positions.setKey(p, pair.key);
        ctx.positions.set(p, pair.value ?? pair.key);
        if (typeof k !== 'string' && typeof k !== 'number') {
          report(
            ctx,
            pair.key ?? node,
            path,
            `${label(path)} has a key that is not a name (got ${got(pair.key)}; ${describe(shape.key)})`,
          );
          continue;
        }
        const keyOk = checkString(shape.key, String(k));
        if (keyOk) {
          report(
            ctx,
            pair.key,
            p,
            `key ${showValue(String(k))} in ${label(path)} ${keyOk.what} (got ${showValue(String(k))}; ${keyOk.allowed})`,
          );
          continue;
        }
        if (String(k) in out) continue; // duplicate keys are reported by the parser
        const v = checkShape(shape.values, pair.value, p, ctx);
        if (v !== INVALID) out[String(k)] = v;
      }
      if (shape.minEntries !== undefined && node.items.length < shape.minEntries) {
        report(
          ctx,
          node,
          path,
          `${label(path)} must have at least ${shape.minEntries} ${shape.minEntries === 1 ? 'entry' : 'entries'} (got ${node.items.length}; ${describe(shape)})`,
        );
      }
      if (shape.maxEntries !== undefined && node.items.length > shape.maxEntries) {
        report(
          ctx,
          node,
          path,
          `${label(path)} has too many entries (got ${node.items.length}; at most ${shape.maxEntries})`,
        );
      }
      return out;
    }
    case 'anyOf': {
      const option = pickOption(shape, node, scalar);
      if (!option) return fail(`must be ${shape.allowed}`, shape.allowed);
      return checkShape(option, node, path, ctx);
    }
    case 'string':
    case 'arn': {
      if (typeof scalar !== 'string') {
        const quote =
          typeof scalar === 'number' || typeof scalar === 'boolean' ? `quote it: "${String(scalar)}"` : describe(shape);
        return fail('must be a string', quote);
      }
      const problem = shape.t === 'string' ? checkString(shape, scalar) : checkArn(shape.arn, scalar);
      if (problem) return fail(problem.what, problem.allowed);
      return scalar;
    }
    case 'number': {
      if (typeof scalar !== 'number' || !Number.isFinite(scalar)) {
        const hint =
          typeof scalar === 'string' && /^\s*-?\d+(\.\d+)?\s*%$/.test(scalar)
            ? `write ${scalar.replace('%', '').trim()} without "%"`
            : typeof scalar === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(scalar)
              ? `write ${scalar.trim()} without quotes`
              : describe(shape);
        return fail(`must be ${shape.integer ? 'a whole number' : 'a number'}`, hint);
      }
      if (shape.integer && !Number.isInteger(scalar))
        return fail('must be a whole number', shape.hint ?? example(shape, String));
      if ((shape.min !== undefined && scalar < shape.min) || (shape.max !== undefined && scalar > shape.max)) {
        return fail(range(shape.min, shape.max, String), shape.hint ?? example(shape, String));
      }
      return scalar;
    }
    case 'boolean': {
      if (typeof scalar !== 'boolean') return fail('must be true or false', shape.hint ?? 'true or false');
      if (shape.const !== undefined && scalar !== shape.const)
        return fail(`must be ${shape.const}`, shape.hint ?? String(shape.const));
      return scalar;
    }
    case 'duration': {
      const r =
        shape.bareSeconds && typeof scalar === 'number'
          ? secondsToMs(scalar)
          : checkDuration(scalar ?? (node ? {} : undefined));
      if (!r.ok) return fail(r.problem, r.hint);
      if (
        (shape.minMs !== undefined && r.value < shape.minMs) ||
        (shape.maxMs !== undefined && r.value > shape.maxMs)
      ) {
        const low = shape.minMs !== undefined && r.value < shape.minMs;
        const what = low
          ? `must be at least ${formatDuration(shape.minMs!)}`
          : `must be at most ${formatDuration(shape.maxMs!)}`;
        return fail(what, (low && shape.minWhy) || example(shape, formatDuration));
      }
      return r.value;
    }
    case 'percent': {
      const r = checkPercent(scalar ?? (node ? {} : undefined));
      if (!r.ok) return fail(r.problem, r.hint);
      const low = shape.min ?? 0;
      if (r.value < low || (shape.exclusiveMin && r.value === low) || r.value > (shape.max ?? 1)) {
        const what =
          shape.exclusiveMin && r.value === low
            ? `must be above ${formatPercent(low)}`
            : range(shape.min, shape.max, formatPercent);
        return fail(what, example(shape, formatPercent));
      }
      if (scalar === 1) {
        report(
          ctx,
          at,
          path,
          `${label(path)} is read as the fraction 1, i.e. 100% (got 1; write 100% to say so, or 1% if you meant one percent)`,
          'warning',
        );
      }
      return r.value;
    }
  }
}

function checkObject(
  shape: ObjectShape,
  pairs: Pair<Node, Node>[],
  node: Node,
  path: string,
  ctx: ShapeContext,
): unknown {
  const out: Record<string, unknown> = {};
  const present = new Set<string>();
  const names = Object.keys(shape.fields);
  const aliases: Record<string, string> = {};
  for (const [name, f] of Object.entries(shape.fields)) for (const a of f.aliases ?? []) aliases[a] = name;

  for (const pair of pairs) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string') {
      report(
        ctx,
        pair.key ?? node,
        path,
        `${label(path)} has a key that is not a field name (got ${got(pair.key)}; fields: ${names.join(', ')})`,
      );
      continue;
    }
    const p = joinPath(path, key);
    if (present.has(key)) continue; // duplicate keys are reported by the parser
    present.add(key);
    ctx.positions.setKey(p, pair.key);
    ctx.positions.set(p, pair.value ?? pair.key);
    const field = shape.fields[key];
    if (!field) {
      const guess = didYouMean(key, names, aliases);
      const hint = guess ? `did you mean "${guess}"? ` : '';
      report(ctx, pair.key, p, `unknown field ${label(p)} (got "${key}"; ${hint}allowed here: ${names.join(', ')})`);
      continue;
    }
    const v = checkShape(field.shape, pair.value ?? pair.key, p, ctx);
    if (v !== INVALID) out[key] = v;
  }

  for (const [name, f] of Object.entries(shape.fields)) {
    if (present.has(name)) continue;
    const p = joinPath(path, name);
    if (f.required) {
      report(ctx, undefined, path, `${label(p)} is required (got nothing; ${describe(f.shape)})`);
    } else if (f.shape.default !== undefined) {
      out[name] = defaultValue(f.shape);
    }
  }
  for (const g of shape.exclusive ?? []) {
    const set = g.keys.filter((k) => present.has(k));
    if (set.length > 1) {
      const p = joinPath(path, set[1]!);
      const what = set.length === 2 ? `sets both ${set.join(' and ')}` : `sets ${set.join(', ')}`;
      report(ctx, undefined, p, `${label(path)} ${what} (got ${set.length === 2 ? 'both' : 'all of them'}; ${g.why})`);
    } else if (set.length === 0 && g.required) {
      report(ctx, undefined, path, `${label(path)} needs one of ${g.keys.join(', ')} (got none; ${g.why})`);
    }
  }
  for (const [k, rule] of Object.entries(shape.onlyWith ?? {})) {
    if (present.has(k) && !rule.keys.some((r) => present.has(r))) {
      const p = joinPath(path, k);
      report(
        ctx,
        undefined,
        p,
        `${label(p)} only applies with ${rule.keys.join(' or ')} (got it without; ${rule.why})`,
      );
    }
  }
  return out;
}

/** The option of an anyOf a YAML value picks: by mapping, number or string (a duration takes either). */
function pickOption(shape: AnyOfShape, node: Node | null | undefined, scalar: unknown): Shape | undefined {
  const kind = isMap(node)
    ? 'object'
    : typeof scalar === 'number'
      ? 'number'
      : typeof scalar === 'string'
        ? 'string'
        : '';
  return (
    shape.options.find((o) => o.t === kind) ??
    (kind === 'number' || kind === 'string' ? shape.options.find((o) => o.t === 'duration') : undefined)
  );
}

/** A bare number of seconds (durations with `bareSeconds`) in whole milliseconds. */
function secondsToMs(n: number): ReturnType<typeof checkDuration> {
  const hint = 'write a number of seconds or a number and a unit, e.g. 30s, 5m or 1h30m';
  if (!Number.isFinite(n)) return { ok: false, problem: 'must be a duration', hint };
  if (n < 0) return { ok: false, problem: 'must not be negative', hint };
  const ms = Math.round(n * 1_000_000) / 1000;
  if (!Number.isInteger(ms)) return { ok: false, problem: 'is finer than a millisecond', hint };
  return { ok: true, value: ms };
}

/** A shape's default converted like a value from the file (`2m` → 120000). */
export function defaultValue(s: Shape): unknown {
  if (s.t === 'duration') {
    const r = checkDuration(s.default);
    return r.ok ? r.value : undefined;
  }
  if (s.t === 'percent') {
    const r = checkPercent(s.default);
    return r.ok ? r.value : undefined;
  }
  if (s.t === 'object' && s.default !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(s.fields)) {
      if (f.shape.default !== undefined) out[name] = defaultValue(f.shape);
    }
    return out;
  }
  return structuredClone(s.default);
}

function checkString(s: StringShape, v: string): { what: string; allowed: string } | undefined {
  if (s.enum && !s.enum.includes(v)) {
    const guess = didYouMean(v, s.enum);
    const one = s.enum.length === 1 ? `must be ${s.enum[0]}` : `must be one of ${s.enum.join(', ')}`;
    const other = s.enum.length === 1 ? 'the only value this version of cutover reads' : 'no other values are allowed';
    return { what: one, allowed: guess && guess !== v ? `did you mean "${guess}"?` : other };
  }
  if (s.minLength !== undefined && v.length < s.minLength) return { what: 'must not be empty', allowed: describe(s) };
  if (s.maxLength !== undefined && v.length > s.maxLength) {
    return { what: `is too long (${v.length} characters)`, allowed: `at most ${s.maxLength}` };
  }
  if (s.pattern && !s.pattern.test(v)) return { what: 'is not valid', allowed: describe(s) };
  return undefined;
}

function checkArn(kind: 'listener' | 'listener-rule' | 'targetgroup' | 'loadbalancer' | 'iam-role', v: string) {
  const r = kind === 'iam-role' ? checkIamRoleArn(v) : checkElbArn(v, kind);
  return r.ok ? undefined : { what: r.problem, allowed: r.hint };
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
      return `${s.integer ? 'a whole number' : 'a number'}${s.min !== undefined || s.max !== undefined ? ` ${range(s.min, s.max, String).replace(/^must be /, '')}` : ''}`;
    case 'boolean':
      return s.const !== undefined ? String(s.const) : 'true or false';
    case 'duration':
      return `a duration such as 30s, 5m or 1h30m${s.bareSeconds ? ' or a number of seconds' : ''}${s.minMs || s.maxMs !== undefined ? `, ${range(s.minMs, s.maxMs, formatDuration).replace(/^must be /, '')}` : ''}`;
    case 'percent':
      return `a percentage such as 1% or a fraction such as 0.01${s.min || s.max !== 1 ? `, ${range(s.min, s.max, formatPercent).replace(/^must be /, '')}` : ''}`;
    case 'object':
      return `a mapping with ${Object.keys(s.fields).join(', ')}`;
    case 'array':
      return s.allowed ?? `a list of ${describe(s.items)}`;
    case 'map':
      return s.allowed ?? `a mapping of ${describe(s.key)} to ${describe(s.values)}`;
    case 'union':
      return `a mapping with ${s.tag}: ${Object.keys(s.variants).join(', ')}`;
    case 'anyOf':
      return s.allowed;
  }
}

/** "e.g. …" for a value out of range: the shape's example, else its default, else a bound. */
function example(s: Shape, fmt: (n: number) => string): string {
  if (s.example !== undefined) return `e.g. ${String(s.example)}`;
  if (s.default !== undefined) return `e.g. ${String(s.default)}`;
  if (s.t === 'number') return `e.g. ${s.min ?? s.max}`;
  if (s.t === 'duration' && s.minMs !== undefined) return `e.g. ${fmt(Math.max(s.minMs, 60_000))}`;
  if (s.t === 'percent') return 'e.g. 1%';
  return describe(s);
}

function range(min: number | undefined, max: number | undefined, fmt: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return `must be between ${fmt(min)} and ${fmt(max)}`;
  if (min !== undefined) return `must be at least ${fmt(min)}`;
  return `must be at most ${fmt(max ?? Number.POSITIVE_INFINITY)}`;
}

function label(path: string): string {
  return path === '' ? 'the document' : path;
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
