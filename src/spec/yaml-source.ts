import { type Document, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../errors.ts';
import { type Pos, Positions } from './positions.ts';

export interface YamlSource {
  /** The one document, when the text holds exactly one with content. */
  doc?: Document.Parsed;
  positions: Positions;
  diagnostics: Diagnostic[];
  /** True when the text could not be read as YAML well enough to check its fields. */
  fatal: boolean;
}

/** Parser error codes rewritten into cutover's message style; others keep the parser's words. */
const MESSAGES: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate key (got the same key twice in one mapping; keep one of them)',
  TAB_AS_INDENT: 'tab used for indentation (got a tab character; indent with spaces)',
};

/**
 * Reads YAML text with positions: syntax errors at the parser's own positions, tabs in
 * indentation, duplicate keys, several documents and empty files are all diagnostics.
 * Duplicate keys alone are not fatal: the rest of the document is still checked.
 */
export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const positions = new Positions(lineCounter);
  const diagnostics: Diagnostic[] = [];
  const error = (p: Pos, message: string) => diagnostics.push({ file, ...p, severity: 'error', message });
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: true,
  });
  const list = Array.isArray(docs) ? docs : [];

  const tabLines = new Set<number>();
  text.split('\n').forEach((line, i) => {
    const indent = /^[ \t]*/.exec(line)![0];
    const tab = indent.indexOf('\t');
    if (tab >= 0 && line.trim() !== '') {
      tabLines.add(i + 1);
      error({ line: i + 1, col: tab + 1 }, MESSAGES.TAB_AS_INDENT!);
    }
  });

  // A tab in indentation derails the parser for the rest of the file; its other errors would
  // only be echoes of the tab, so they are dropped. Otherwise one parser error per line.
  let fatal = tabLines.size > 0;
  const errorLines = new Set<number>();
  for (const d of list) {
    for (const e of d.errors) {
      if (e.code !== 'DUPLICATE_KEY') fatal = true;
      const p = positions.of(e.pos[0]);
      if (tabLines.size > 0 || errorLines.has(p.line)) continue;
      errorLines.add(p.line);
      error(p, MESSAGES[e.code] ?? `invalid YAML: ${firstLine(e.message)}`);
    }
  }

  const withContent = list.filter((d) => d.contents !== null && !isEmptyScalar(d));
  if (withContent.length > 1) {
    const second = withContent[1]!;
    error(
      positions.of(second.range[0]),
      `a rollout file holds one document (got ${withContent.length} documents; put each rollout in its own file)`,
    );
    fatal = true;
  }
  if (withContent.length === 0 && !fatal) {
    error(
      { line: 1, col: 1 },
      'file is empty (got no YAML document; a ClusterRollout with apiVersion, kind, metadata and spec)',
    );
    fatal = true;
  }
  return { doc: withContent.length === 1 ? withContent[0] : undefined, positions, diagnostics, fatal };
}

function isEmptyScalar(d: Document.Parsed): boolean {
  const c = d.contents;
  return isScalar(c) && (c.value === null || c.value === undefined) && !c.tag;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return line.charAt(0).toLowerCase() + line.slice(1);
}
