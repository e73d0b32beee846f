/**
 * Reading YAML nodes the way check-shape.ts needs them: aliases resolved through one table built
 * per document (Alias.resolve walks the whole document each time), a budget on what aliases
 * expand to ("billion laughs": a 10 KB file of nested aliases can stand for millions of values),
 * and the pairs of a mapping with its merge keys (`<<: *defaults`) applied.
 */
import { type Alias, isAlias, isMap, isNode, isScalar, isSeq, type Node, type Pair, visit, type YAMLMap } from 'yaml';
import { got, label, report, type ShapeContext } from './shape-messages.ts';

/**
 * Values a document may reach through aliases, in total. Real files use a handful; the largest
 * rollout the shape allows holds about 6000 values in all (50 checks of 100 alarm names).
 */
export const MAX_ALIASED_VALUES = 10_000;

interface AliasState {
  /** Each alias's anchored node (the last anchor of that name before the alias). */
  targets: Map<Alias, Node>;
  /** Values visited so far inside alias expansions. */
  spent: number;
  /** The outermost alias being expanded, where a blown budget is reported. */
  outer?: { alias: Alias; path: string };
  depth: number;
  exhausted: boolean;
}
const states = new WeakMap<ShapeContext, AliasState>();

function stateOf(ctx: ShapeContext): AliasState {
  let s = states.get(ctx);
  if (!s) {
    const targets = new Map<Alias, Node>();
    const anchors = new Map<string, Node>();
    // visit() goes in document order and sees a node before its children, as YAML defines anchors.
    visit(ctx.doc, (_key, node) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
    });
    s = { targets, spent: 0, depth: 0, exhausted: false };
    states.set(ctx, s);
  }
  return s;
}

/** The node an alias stands for; undefined (reported) for an unknown anchor or a spent budget. */
export function resolveAlias(ctx: ShapeContext, alias: Alias, path: string): Node | undefined {
  const s = stateOf(ctx);
  const target = s.targets.get(alias);
  if (!target) {
    report(
      ctx,
      alias,
      path,
      `${label(path)} refers to no anchor (got *${alias.source}; define &${alias.source} on a value before the alias)`,
    );
    return undefined;
  }
  return s.exhausted ? undefined : target;
}

/** Runs `walk` (the check of an alias's target) counting what it visits against the budget. */
export function expandAlias<T>(ctx: ShapeContext, alias: Alias, path: string, walk: () => T): T {
  const s = stateOf(ctx);
  if (s.depth === 0) s.outer = { alias, path };
  s.depth++;
  try {
    return walk();
  } finally {
    s.depth--;
  }
}

/**
 * Counts a node visited inside an alias expansion (with its entries, which the caller loops
 * over). False once the budget is spent; the first time, the outermost alias is reported.
 */
export function charge(ctx: ShapeContext, node: Node | null | undefined): boolean {
  const s = stateOf(ctx);
  if (s.depth === 0) return true;
  return spend(ctx, s, 1 + (isMap(node) || isSeq(node) ? node.items.length : 0), s.outer!);
}

function spend(ctx: ShapeContext, s: AliasState, n: number, at: { alias: Alias; path: string }): boolean {
  if (s.exhausted) return false;
  s.spent += n;
  if (s.spent <= MAX_ALIASED_VALUES) return true;
  s.exhausted = true;
  report(
    ctx,
    at.alias,
    at.path,
    `${label(at.path)} takes the file past ${MAX_ALIASED_VALUES} values reached through aliases (got *${at.alias.source}; a rollout needs far fewer — write the values out instead of nesting aliases)`,
  );
  return false;
}

/** A node with an alias resolved (without counting: for keys and tags, which are scalars). */
export function deref(ctx: ShapeContext, node: unknown): unknown {
  return isAlias(node) ? stateOf(ctx).targets.get(node) : node;
}

/** The value of a scalar key or tag, through an alias. */
export function scalarValue(ctx: ShapeContext, node: unknown): unknown {
  const n = deref(ctx, node);
  return isScalar(n) ? n.value : undefined;
}

/** A `<<` key (parsed with the `merge` option, its value is the symbol `<<`). */
export function isMergeKey(node: unknown): boolean {
  return isScalar(node) && typeof node.value === 'symbol' && node.value.description === '<<';
}

/**
 * A mapping's pairs with merge keys applied (YAML 1.1 merge, as Kubernetes tools read it): the
 * pairs of `<<: *a` or `<<: [*a, *b]` join at the place of the `<<`, unless the mapping sets the
 * key itself or an earlier source did. Merged pairs keep their own nodes, so messages about them
 * point where they are written (under the anchor).
 */
export function mappingPairs(ctx: ShapeContext, map: YAMLMap, path: string, seen = new Set<YAMLMap>()): Pair[] {
  const pairs = map.items as Pair[];
  if (!pairs.some((p) => isMergeKey(p.key))) return pairs;
  const own = new Set(pairs.filter((p) => !isMergeKey(p.key)).map((p) => scalarValue(ctx, p.key)));
  const taken = new Set<unknown>();
  const out: Pair[] = [];
  seen.add(map);
  for (const pair of pairs) {
    if (!isMergeKey(pair.key)) {
      out.push(pair);
      continue;
    }
    for (const source of mergeSources(ctx, pair, path)) {
      if (seen.has(source)) continue; // a mapping merging itself adds nothing
      for (const p of mappingPairs(ctx, source, path, seen)) {
        const k = scalarValue(ctx, p.key);
        if (own.has(k) || taken.has(k)) continue;
        taken.add(k);
        out.push(p);
      }
    }
  }
  seen.delete(map);
  return out;
}

/** The mappings a `<<` merges, in order; anything else is reported. */
function mergeSources(ctx: ShapeContext, pair: Pair, path: string): YAMLMap[] {
  const s = stateOf(ctx);
  const value = pair.value as Node | null;
  const list = isSeq(deref(ctx, value)) ? (deref(ctx, value) as { items: unknown[] }).items : [value];
  const out: YAMLMap[] = [];
  for (const item of list) {
    const source = deref(ctx, item);
    if (isAlias(item) && isMap(source) && !spend(ctx, s, source.items.length, { alias: item, path })) return out;
    if (isMap(source)) out.push(source);
    else {
      const at = (isNode(item) ? item : (value ?? pair.key)) as Node;
      const what = isAlias(item) && !source ? `*${item.source}, an alias of no anchor` : got(source);
      report(
        ctx,
        at,
        path,
        `${label(path)} has a merge key << that is not given a mapping (got ${what}; write <<: *anchor of a mapping, or a list of them)`,
      );
    }
  }
  return out;
}

/** A tag the parser could not resolve (`!foo 5`); readYaml reports it, the checker skips the value. */
export function hasUnknownTag(node: Node | null | undefined): boolean {
  const tag = isNode(node) ? node.tag : undefined;
  return tag !== undefined && !tag.startsWith('tag:yaml.org,2002:');
}
