import { isAlias, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { cutText, showValue } from '../errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkDuration, formatDuration } from './duration.ts';
import { checkPercent, formatPercent } from './percent.ts';
import { joinPath } from './positions.ts';
import type { AnyOfShape, ArrayShape, MapShape, ObjectShape, Shape, UnionShape } from './shape.ts';
import { describe, example, got, label, range, report, type ShapeContext, writtenTag } from './shape-messages.ts';
import { checkArn, checkString, defaultValue, secondsToMs } from './shape-values.ts';
import { charge, deref, expandAlias, hasUnknownTag, mappingPairs, resolveAlias, scalarValue } from './yaml-nodes.ts';

export type { ShapeContext } from './shape-messages.ts';

/** Marks a value that failed its check (and was reported); it is left out of the result. */
export const INVALID = Symbol('invalid');

/**
 * Checks a YAML node against a shape, reporting every problem, and returns the plain value with
 * units converted (durations → ms, percentages → fractions) and static defaults filled in.
 * Fields that failed are left out, so later checks see only good values.
 */
export function checkShape(shape: Shape, node: Node | null | undefined, path: string, ctx: ShapeContext): unknown {
  if (isAlias(node)) {
    const target = resolveAlias(ctx, node, path);
    if (!target) return INVALID;
    return expandAlias(ctx, node, path, () => checkShape(shape, target, path, ctx));
  }
  if (!charge(ctx, node) || hasUnknownTag(node)) return INVALID;
  const at = node ?? undefined;
  const fail = (what: string, allowed: string, where: Node | undefined = at): typeof INVALID => {
    report(ctx, where, path, `${label(path)} ${what} (got ${got(node)}; ${allowed})`);
    return INVALID;
  };
  const scalar = isScalar(node) ? (node.value as unknown) : undefined;

  switch (shape.t) {
    case 'object':
      if (!isMap(node)) return fail('must be a mapping', `fields: ${Object.keys(shape.fields).join(', ')}`);
      return checkObject(shape, mappingPairs(ctx, node, path), node, path, ctx);
    case 'union':
      if (!isMap(node))
        return fail('must be a mapping', `with ${shape.tag}: one of ${Object.keys(shape.variants).join(', ')}`);
      return checkUnion(shape, node, path, ctx);
    case 'array':
      if (!isSeq(node)) return fail('must be a list', describe(shape));
      return checkArray(shape, node, path, ctx);
    case 'map':
      if (!isMap(node)) {
        return fail('must be a mapping', `${describe(shape)}${shape.example ? `, e.g. ${shape.example}` : ''}`);
      }
      return checkMap(shape, node, path, ctx);
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
            ? `write ${cutText(scalar.replace('%', '').trim(), 20)} without "%"`
            : typeof scalar === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(scalar)
              ? `write ${cutText(scalar.trim(), 20)} without ${writtenTag(node) ?? 'quotes'}`
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

/** A mapping whose tag field (`type`) picks the object shape it is checked against. */
function checkUnion(shape: UnionShape, node: YAMLMap, path: string, ctx: ShapeContext): unknown {
  const pairs = mappingPairs(ctx, node, path);
  const names = Object.keys(shape.variants);
  const tagPath = joinPath(path, shape.tag);
  const tagPair = pairs.find((p) => scalarValue(ctx, p.key) === shape.tag);
  if (!tagPair) {
    // A mistyped tag key (`typ: alarm`) is the one problem; "type is required" would repeat it.
    const typo = pairs.find((p) => {
      const k = scalarValue(ctx, p.key);
      return typeof k === 'string' && didYouMean(k, [shape.tag]) === shape.tag;
    });
    if (typo) {
      const k = String(scalarValue(ctx, typo.key));
      const p = joinPath(path, k);
      report(
        ctx,
        typo.key as Node,
        p,
        `unknown field ${label(p)} (got ${showValue(k)}; did you mean "${shape.tag}"? ${shape.tag}: one of ${names.join(', ')})`,
      );
    } else {
      report(ctx, node, path, `${label(tagPath)} is required (got nothing; one of ${names.join(', ')})`);
    }
    return INVALID;
  }
  const tag = scalarValue(ctx, tagPair.value);
  const variant = typeof tag === 'string' && Object.hasOwn(shape.variants, tag) ? shape.variants[tag] : undefined;
  if (!variant) {
    const guess = typeof tag === 'string' ? didYouMean(tag, names) : undefined;
    const hint = guess ? `did you mean "${guess}"? ` : '';
    report(
      ctx,
      (tagPair.value as Node | null) ?? node,
      tagPath,
      `${label(tagPath)} is not a known ${shape.what ?? 'check type'} (got ${got(deref(ctx, tagPair.value))}; ${hint}one of ${names.join(', ')})`,
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

/** A list; a wrong number of items makes the whole list invalid (its items are still checked). */
function checkArray(shape: ArrayShape, node: YAMLSeq, path: string, ctx: ShapeContext): unknown {
  const n = node.items.length;
  const tooMany = shape.maxItems !== undefined && n > shape.maxItems;
  const badCount = tooMany || (shape.minItems !== undefined && n < shape.minItems);
  if (badCount) {
    const count =
      shape.minItems === shape.maxItems
        ? `${shape.minItems}`
        : `${shape.minItems ?? 0} to ${shape.maxItems ?? 'any number of'}`;
    report(
      ctx,
      tooMany ? (node.items[shape.maxItems!] as Node) : node,
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
    if (key === undefined || v === INVALID) return;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    const fp = shape.uniqueBy ? joinPath(p, shape.uniqueBy) : p;
    report(
      ctx,
      undefined,
      fp,
      `${label(fp)} repeats ${showValue(key)} (got it in items ${first} and ${i}; each must be unique)`,
    );
  });
  // Why invalid: rules across fields would judge references against a list that is already
  // wrong (one cluster named → "names no cluster" for every other reference).
  return badCount ? INVALID : out;
}

/** A mapping of names (checked by the key shape) to values; the result has exactly those own keys. */
function checkMap(shape: MapShape, node: YAMLMap, path: string, ctx: ShapeContext): unknown {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const pairs = mappingPairs(ctx, node, path);
  for (const pair of pairs) {
    const k = scalarValue(ctx, pair.key);
    const p = joinPath(path, String(k));
    ctx.positions.setKey(p, pair.key as Node);
    ctx.positions.set(p, (pair.value as Node | null) ?? (pair.key as Node));
    if (typeof k !== 'string' && typeof k !== 'number') {
      report(
        ctx,
        (pair.key as Node | null) ?? node,
        path,
        `${label(path)} has a key that is not a name (got ${got(deref(ctx, pair.key))}; ${describe(shape.key)})`,
      );
      continue;
    }
    const key = String(k);
    const keyProblem = checkString(shape.key, key);
    if (keyProblem) {
      report(
        ctx,
        pair.key as Node,
        p,
        `key ${showValue(key)} in ${label(path)} ${keyProblem.what} (got ${showValue(key)}; ${keyProblem.allowed})`,
      );
      continue;
    }
    if (seen.has(key)) continue; // duplicate keys are reported by the parser
    seen.add(key);
    const v = checkShape(shape.values, pair.value as Node | null, p, ctx);
    // defineProperty: a key such as "__proto__" must become an own entry, not the prototype.
    if (v !== INVALID)
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (shape.minEntries !== undefined && pairs.length < shape.minEntries) {
    report(
      ctx,
      node,
      path,
      `${label(path)} must have at least ${shape.minEntries} ${shape.minEntries === 1 ? 'entry' : 'entries'} (got ${pairs.length}; ${describe(shape)})`,
    );
  }
  if (shape.maxEntries !== undefined && pairs.length > shape.maxEntries) {
    report(ctx, node, path, `${label(path)} has too many entries (got ${pairs.length}; at most ${shape.maxEntries})`);
  }
  return out;
}

function checkObject(shape: ObjectShape, pairs: Pair[], node: Node, path: string, ctx: ShapeContext): unknown {
  const out: Record<string, unknown> = {};
  const present = new Set<string>();
  // Fields an unknown key was taken for (`regoin` → region): not reported missing as well.
  const guessed = new Set<string>();
  const names = Object.keys(shape.fields);
  const aliases: Record<string, string> = {};
  for (const [name, f] of Object.entries(shape.fields)) for (const a of f.aliases ?? []) aliases[a] = name;

  for (const pair of pairs) {
    const key = scalarValue(ctx, pair.key);
    if (typeof key !== 'string') {
      report(
        ctx,
        (pair.key as Node | null) ?? node,
        path,
        `${label(path)} has a key that is not a field name (got ${got(deref(ctx, pair.key))}; fields: ${names.join(', ')})`,
      );
      continue;
    }
    const p = joinPath(path, key);
    if (present.has(key)) continue; // duplicate keys are reported by the parser
    present.add(key);
    ctx.positions.setKey(p, pair.key as Node);
    ctx.positions.set(p, (pair.value as Node | null) ?? (pair.key as Node));
    const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    if (!field) {
      const guess = didYouMean(key, names, aliases);
      if (guess) guessed.add(guess);
      const hint = guess ? `did you mean "${guess}"? ` : '';
      report(
        ctx,
        pair.key as Node,
        p,
        `unknown field ${label(p)} (got ${showValue(key)}; ${hint}allowed here: ${names.join(', ')})`,
      );
      continue;
    }
    const v = checkShape(field.shape, (pair.value as Node | null) ?? (pair.key as Node), p, ctx);
    if (v !== INVALID) out[key] = v;
  }

  for (const [name, f] of Object.entries(shape.fields)) {
    if (present.has(name)) continue;
    const p = joinPath(path, name);
    if (f.required) {
      if (!guessed.has(name))
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
    } else if (set.length === 0 && g.required && !g.keys.some((k) => guessed.has(k))) {
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
