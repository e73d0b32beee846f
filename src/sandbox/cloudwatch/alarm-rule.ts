/**
 * Composite alarm rules: ALARM(x) | OK(x) | INSUFFICIENT_DATA(x) | TRUE | FALSE, combined with
 * NOT > AND > OR (tightest first) and parentheses. x is a name or ARN, bare (text up to ')') or
 * double-quoted. Keywords are uppercase, as in AWS's examples [U: whether lowercase is accepted].
 */

export type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type RuleNode =
  | { t: 'state'; state: StateValue; name: string }
  | { t: 'const'; v: boolean }
  | { t: 'not'; e: RuleNode }
  | { t: 'and' | 'or'; l: RuleNode; r: RuleNode };

export class RuleSyntaxError extends Error {}

/** `arn:…:alarm:<name>` → `<name>`; names pass through. */
export function alarmNameOf(ref: string): string {
  const m = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref);
  return m ? m[1]! : ref;
}

export function parseAlarmRule(src: string): RuleNode {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const word = (): string | undefined => {
    ws();
    const m = /^[A-Za-z_]+/.exec(src.slice(i));
    return m?.[0];
  };
  const fail = (msg: string): never => {
    throw new RuleSyntaxError(`${msg} at position ${i + 1}`);
  };
  const primary = (): RuleNode => {
    ws();
    if (src[i] === '(') {
      i++;
      const e = or();
      ws();
      if (src[i] !== ')') fail("expected ')'");
      i++;
      return e;
    }
    const w = word();
    if (w === 'TRUE' || w === 'FALSE') {
      i += w.length;
      return { t: 'const', v: w === 'TRUE' };
    }
    if (w === 'ALARM' || w === 'OK' || w === 'INSUFFICIENT_DATA') {
      i += w.length;
      ws();
      if (src[i] !== '(') fail(`expected '(' after ${w}`);
      i++;
      ws();
      let name: string;
      if (src[i] === '"') {
        const close = src.indexOf('"', i + 1);
        if (close < 0) fail('unterminated quoted alarm name');
        name = src.slice(i + 1, close);
        i = close + 1;
        ws();
        if (src[i] !== ')') fail("expected ')'");
      } else {
        const close = src.indexOf(')', i);
        if (close < 0) fail("expected ')'");
        name = src.slice(i, close).trim();
        i = close;
      }
      i++;
      if (!name) fail('empty alarm name');
      return { t: 'state', state: w, name: alarmNameOf(name) };
    }
    return fail(w ? `unexpected '${w}'` : `unexpected '${src[i] ?? 'end of rule'}'`);
  };
  const not = (): RuleNode => {
    if (word() === 'NOT') {
      i += 3;
      return { t: 'not', e: not() };
    }
    return primary();
  };
  const chain = (sub: () => RuleNode, kw: 'AND' | 'OR', t: 'and' | 'or') => (): RuleNode => {
    let l = sub();
    while (word() === kw) {
      i += kw.length;
      l = { t, l, r: sub() };
    }
    return l;
  };
  const and = chain(not, 'AND', 'and');
  const or = chain(and, 'OR', 'or');
  const root = or();
  ws();
  if (i < src.length) fail(`unexpected '${src[i]}'`);
  return root;
}

/** Distinct alarm names the rule references. */
export function ruleChildren(n: RuleNode, out = new Set<string>()): Set<string> {
  if (n.t === 'state') out.add(n.name);
  else if (n.t === 'not') ruleChildren(n.e, out);
  else if (n.t === 'and' || n.t === 'or') {
    ruleChildren(n.l, out);
    ruleChildren(n.r, out);
  }
  return out;
}

/** Number of functions and operators in the rule (AWS allows at most 500 "elements"). */
export function ruleSize(n: RuleNode): number {
  if (n.t === 'not') return 1 + ruleSize(n.e);
  if (n.t === 'and' || n.t === 'or') return 1 + ruleSize(n.l) + ruleSize(n.r);
  return 1;
}

export function evaluateRule(n: RuleNode, stateOf: (name: string) => StateValue | undefined): boolean {
  switch (n.t) {
    case 'const':
      return n.v;
    case 'state':
      return stateOf(n.name) === n.state;
    case 'not':
      return !evaluateRule(n.e, stateOf);
    case 'and':
      return evaluateRule(n.l, stateOf) && evaluateRule(n.r, stateOf);
    case 'or':
      return evaluateRule(n.l, stateOf) || evaluateRule(n.r, stateOf);
  }
}
