/**
 * Parser for CloudWatch metric math expressions (the subset listed in README.md).
 * Grammar, loosest binding first:
 *   or   := and (('OR' | '||') and)*
 *   and  := cmp (('AND' | '&&') cmp)*
 *   cmp  := add (('==' | '!=' | '<=' | '>=' | '<' | '>') add)?
 *   add  := mul (('+' | '-') mul)*
 *   mul  := unary (('*' | '/') unary)*
 *   unary:= '-' unary | pow
 *   pow  := primary ('^' unary)?
 *   primary := number | string | id | KEYWORD | NAME '(' args ')' | '[' args ']' | '(' or ')'
 * Ids start with a lowercase letter; functions and keywords (REPEAT, LINEAR, ASC, …) are uppercase.
 */

export type MathNode =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'ref'; id: string }
  | { t: 'kw'; name: string }
  | { t: 'call'; fn: string; args: MathNode[] }
  | { t: 'arr'; items: MathNode[] }
  | { t: 'neg'; e: MathNode }
  | { t: 'bin'; op: string; l: MathNode; r: MathNode };

export class MathSyntaxError extends Error {}

interface Token {
  k: 'num' | 'str' | 'name' | 'op' | 'end';
  v: string;
  pos: number;
}

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '^', '(', ')', '[', ']', ','];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === '\u201c') {
      const close = c === '\u201c' ? '\u201d' : c;
      const j = src.indexOf(close, i + 1);
      if (j < 0) throw new MathSyntaxError(`unterminated string at position ${i + 1}`);
      out.push({ k: 'str', v: src.slice(i + 1, j), pos: i });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new MathSyntaxError(`unexpected character '${c}' at position ${i + 1}`);
    out.push({ k: 'op', v: op, pos: i });
    i += op.length;
  }
  out.push({ k: 'end', v: '', pos: src.length });
  return out;
}

export function parseMath(src: string): MathNode {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i]!;
  const next = () => toks[i++]!;
  const isOp = (v: string) => peek().k === 'op' && peek().v === v;
  const expect = (v: string) => {
    const t = next();
    if (t.k !== 'op' || t.v !== v) throw unexpected(t, `'${v}'`);
  };
  const unexpected = (t: Token, wanted: string) =>
    new MathSyntaxError(
      t.k === 'end'
        ? `unexpected end of expression, expected ${wanted}`
        : `unexpected '${t.v}' at position ${t.pos + 1}, expected ${wanted}`,
    );

  const args = (close: string): MathNode[] => {
    const items: MathNode[] = [];
    if (isOp(close)) {
      next();
      return items;
    }
    for (;;) {
      items.push(or());
      if (isOp(',')) {
        next();
        continue;
      }
      expect(close);
      return items;
    }
  };
  const primary = (): MathNode => {
    const t = next();
    if (t.k === 'num') return { t: 'num', v: Number(t.v) };
    if (t.k === 'str') return { t: 'str', v: t.v };
    if (t.k === 'op' && t.v === '(') {
      const e = or();
      expect(')');
      return e;
    }
    if (t.k === 'op' && t.v === '[') return { t: 'arr', items: args(']') };
    if (t.k === 'name') {
      if (isOp('(')) {
        if (!/^[A-Z][A-Z0-9_]*$/.test(t.v)) {
          throw new MathSyntaxError(`unknown function '${t.v}' at position ${t.pos + 1} (functions are uppercase)`);
        }
        next();
        return { t: 'call', fn: t.v, args: args(')') };
      }
      if (/^[a-z]/.test(t.v)) return { t: 'ref', id: t.v };
      return { t: 'kw', name: t.v };
    }
    throw unexpected(t, 'a value');
  };
  const pow = (): MathNode => {
    const base = primary();
    if (isOp('^')) {
      next();
      return { t: 'bin', op: '^', l: base, r: unary() };
    }
    return base;
  };
  const unary = (): MathNode => {
    if (isOp('-')) {
      next();
      return { t: 'neg', e: unary() };
    }
    if (isOp('+')) {
      next();
      return unary();
    }
    return pow();
  };
  const left =
    (sub: () => MathNode, ops: string[], words: string[] = []) =>
    () => {
      let l = sub();
      for (;;) {
        const t = peek();
        const op = t.k === 'op' && ops.includes(t.v) ? t.v : t.k === 'name' && words.includes(t.v) ? t.v : undefined;
        if (!op) return l;
        next();
        l = { t: 'bin', op: op === 'AND' ? '&&' : op === 'OR' ? '||' : op, l, r: sub() };
      }
    };
  const mul = left(unary, ['*', '/']);
  const add = left(mul, ['+', '-']);
  const cmp = (): MathNode => {
    const l = add();
    const t = peek();
    if (t.k === 'op' && ['==', '!=', '<=', '>=', '<', '>'].includes(t.v)) {
      next();
      return { t: 'bin', op: t.v, l, r: add() };
    }
    return l;
  };
  const and = left(cmp, ['&&'], ['AND']);
  const or = left(and, ['||'], ['OR']);

  if (peek().k === 'end') throw new MathSyntaxError('empty expression');
  const root = or();
  if (peek().k !== 'end') throw unexpected(peek(), 'end of expression');
  return root;
}

/** Ids referenced anywhere in the expression (for dependency ordering and cycle detection). */
export function referencedIds(n: MathNode, out = new Set<string>()): Set<string> {
  switch (n.t) {
    case 'ref':
      out.add(n.id);
      break;
    case 'call':
    case 'arr':
      for (const a of n.t === 'call' ? n.args : n.items) referencedIds(a, out);
      break;
    case 'neg':
      referencedIds(n.e, out);
      break;
    case 'bin':
      referencedIds(n.l, out);
      referencedIds(n.r, out);
      break;
  }
  return out;
}

/** Whether the expression calls METRICS() (it then depends on every MetricStat query). */
export function usesMetricsFn(n: MathNode): boolean {
  switch (n.t) {
    case 'call':
      return n.fn === 'METRICS' || n.args.some(usesMetricsFn);
    case 'arr':
      return n.items.some(usesMetricsFn);
    case 'neg':
      return usesMetricsFn(n.e);
    case 'bin':
      return usesMetricsFn(n.l) || usesMetricsFn(n.r);
    default:
      return false;
  }
}
