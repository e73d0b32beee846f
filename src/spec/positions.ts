import type { LineCounter, Node } from 'yaml';

export interface Pos {
  line: number;
  col: number;
}

/**
 * Where each value of a checked document came from, by its path (`spec.routes[0].ruleArn`), so
 * cross-field checks can point at the right line. A path with no node of its own (a missing
 * field) falls back to its nearest ancestor.
 */
export class Positions {
  private readonly values = new Map<string, Pos>();
  private readonly keys = new Map<string, Pos>();
  constructor(private readonly lc: LineCounter) {}

  of(offset: number): Pos {
    const p = this.lc.linePos(offset);
    return { line: p.line, col: p.col };
  }

  set(path: string, node: Node | null | undefined): void {
    if (node?.range) this.values.set(path, this.of(node.range[0]));
  }

  setKey(path: string, node: Node | null | undefined): void {
    if (node?.range) this.keys.set(path, this.of(node.range[0]));
  }

  /** Whether the file itself has a value at `path` (not a default). */
  has(path: string): boolean {
    return this.values.has(path) || this.keys.has(path);
  }

  /** Position of the value at `path`, or of its nearest ancestor. */
  at(path: string): Pos {
    for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
      const v = this.values.get(p) ?? this.keys.get(p);
      if (v) return v;
    }
    return { line: 1, col: 1 };
  }

  /** Position of the key of the field at `path` (where "unknown field" or "set twice" point). */
  keyAt(path: string): Pos {
    return this.keys.get(path) ?? this.at(path);
  }
}

export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? m[1]! : '';
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
