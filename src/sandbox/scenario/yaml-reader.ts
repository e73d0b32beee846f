import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Diagnostic, showValue } from '../../errors.ts';

/**
 * A small reader over a parsed YAML document that remembers where every value came from, so a
 * validator can report `file:line:col` for each problem. Problems are collected (not thrown);
 * readers return `undefined` for a value they rejected and carry on, so one run reports them all.
 */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines = new LineCounter();
  readonly root: Value;

  constructor(
    readonly file: string,
    text: string,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of doc.errors) this.report(e.pos[0], e.message.split('\n')[0] ?? e.message);
    this.root = new Value(this, doc.errors.length ? null : (doc.contents as Node | null), '', 0);
  }

  report(offset: number, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.diagnostics.push({ file: this.file, line, col, severity: 'error', message });
  }
}

/** One value in the document, with its path (`clusters[0].workloads[1].replicas`) and position. */
export class Value {
  constructor(
    private readonly r: YamlReader,
    readonly node: Node | null,
    readonly path: string,
    private readonly fallbackOffset: number,
  ) {}

  get offset(): number {
    return this.node?.range?.[0] ?? this.fallbackOffset;
  }

  get present(): boolean {
    return this.node !== null && !(isScalar(this.node) && this.node.value === null);
  }

  /** Reports a problem at this value: `<path>: <message> (got <value>)`. */
  error(message: string, showGot = true): undefined {
    const got = showGot && this.present ? ` (got ${showValue(this.toJS())})` : '';
    this.r.report(this.offset, `${this.path || '<document>'}: ${message}${got}`);
    return undefined;
  }

  toJS(): unknown {
    if (!this.node) return undefined;
    return (this.node as { toJSON?: () => unknown }).toJSON?.() ?? (isScalar(this.node) ? this.node.value : undefined);
  }

  /** Navigates to a nested value by keys and list indexes without reporting anything (for later checks). */
  at(...path: (string | number)[]): Value {
    let cur: Value = this;
    for (const step of path) {
      const n = cur.node;
      let next: Node | null = null;
      let offset = cur.offset;
      if (typeof step === 'number' && isSeq(n)) next = (n.items[step] as Node | null) ?? null;
      if (typeof step === 'string' && isMap(n)) {
        const pair = n.items.find((p) => isScalar(p.key) && String(p.key.value) === step);
        next = (pair?.value as Node | null) ?? null;
        offset = (pair?.key as Node | null)?.range?.[0] ?? offset;
      }
      const path = typeof step === 'number' ? `${cur.path}[${step}]` : cur.path ? `${cur.path}.${step}` : step;
      cur = new Value(this.r, next, path, offset);
    }
    return cur;
  }

  /**
   * The fields of a mapping, rejecting keys not in `allowed` and reporting missing `required` ones.
   * Absent fields come back as non-present Values, so optional fields read uniformly.
   */
  object(allowed: readonly string[], required: readonly string[] = []): Fields | undefined {
    if (!isMap(this.node)) return this.error('must be a mapping');
    const map = new Map<string, Value>();
    for (const pair of this.node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const keyOffset = (pair.key as Node | null)?.range?.[0] ?? this.offset;
      const path = this.path ? `${this.path}.${key}` : String(key);
      if (key === undefined || !allowed.includes(key)) {
        this.r.report(keyOffset, `${path}: unknown field; allowed: ${allowed.join(', ')}`);
        continue;
      }
      map.set(key, new Value(this.r, (pair.value as Node | null) ?? null, path, keyOffset));
    }
    for (const k of required) {
      if (!map.get(k)?.present) this.error(`missing required field "${k}"`, false);
    }
    return new Fields(this.r, map, this.path, this.offset);
  }

  /** The entries of a mapping with arbitrary keys (e.g. `{web-blue: 100}`). */
  entries(): [string, Value][] | undefined {
    if (!isMap(this.node)) return this.error('must be a mapping');
    return this.node.items.map((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyOffset = (pair.key as Node | null)?.range?.[0] ?? this.offset;
      return [key, new Value(this.r, (pair.value as Node | null) ?? null, `${this.path}.${key}`, keyOffset)];
    });
  }

  list(): Value[] | undefined {
    if (!isSeq(this.node)) return this.error('must be a list');
    return this.node.items.map(
      (n, i) => new Value(this.r, (n as Node | null) ?? null, `${this.path}[${i}]`, this.offset),
    );
  }

  scalar(): unknown {
    if (!isScalar(this.node)) return this.error('must be a single value, not a list or mapping');
    return this.node.value;
  }

  string(pattern?: RegExp, what?: string): string | undefined {
    const v = this.scalar();
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.error(`must be a string${what ? ` (${what})` : ''}`);
    if (pattern && !pattern.test(v)) return this.error(`must be ${what ?? `a string matching ${pattern}`}`);
    return v;
  }

  oneOf<T extends string>(choices: readonly T[]): T | undefined {
    const v = this.scalar();
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !choices.includes(v as T)) return this.error(`must be one of ${choices.join(', ')}`);
    return v as T;
  }

  number(min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false): number | undefined {
    const v = this.scalar();
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.error('must be a number');
    if (integer && !Number.isInteger(v)) return this.error('must be a whole number');
    if (v < min || v > max) return this.error(`must be between ${min} and ${max}`);
    return v;
  }

  int(min?: number, max?: number): number | undefined {
    return this.number(min, max, true);
  }

  bool(): boolean | undefined {
    const v = this.scalar();
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return this.error('must be true or false');
    return v;
  }

  /** A duration: `250ms`, `30s`, `5m`, `1h30m`, or a number of seconds. Returns milliseconds. */
  duration(maxMs = Number.POSITIVE_INFINITY): number | undefined {
    const v = this.scalar();
    if (v === undefined) return undefined;
    const ms = parseDuration(v);
    if (ms === undefined) return this.error('must be a duration like 250ms, 30s, 5m, 1h30m, or a number of seconds');
    if (ms > maxMs) return this.error(`must be at most ${maxMs / 1000}s`);
    return ms;
  }

  /** A fraction 0–1, written as a number (0.001) or a percentage string ("0.1%"). */
  fraction(): number | undefined {
    const v = this.scalar();
    if (v === undefined) return undefined;
    let f: number | undefined;
    if (typeof v === 'number') f = v;
    else if (typeof v === 'string' && /^\d+(\.\d+)?%$/.test(v.trim())) f = Number(v.trim().slice(0, -1)) / 100;
    if (f === undefined || !Number.isFinite(f) || f < 0 || f > 1) {
      return this.error('must be a fraction between 0 and 1 or a percentage between 0% and 100%');
    }
    return f;
  }
}

/** The fields of one mapping; `get` returns a non-present Value for a missing field. */
export class Fields {
  constructor(
    private readonly r: YamlReader,
    private readonly map: Map<string, Value>,
    private readonly path: string,
    private readonly offset: number,
  ) {}

  get(key: string): Value {
    return this.map.get(key) ?? new Value(this.r, null, this.path ? `${this.path}.${key}` : key, this.offset);
  }

  /** Reads the field with `read` when present, else returns `fallback`. */
  opt<T>(key: string, read: (v: Value) => T | undefined, fallback: T): T {
    const v = this.get(key);
    if (!v.present) return fallback;
    return read(v) ?? fallback;
  }
}

export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    ms += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  return ms;
}
