import { type Document, isNode, isScalar, LineCounter, parseAllDocuments, visit, type YAMLError } from 'yaml';
import { cutQuoted, cutText, type Diagnostic } from '../errors.ts';
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
const TAB_AS_INDENT = 'tab used for indentation (got a tab character; indent with spaces)';

/** The parser's message in cutover's words. */
function parserMessage(e: YAMLError, doc: Document.Parsed, text: string): string {
  if (e.code === 'DUPLICATE_KEY') {
    const key = keyWrittenAt(doc, text, e.pos[0]);
    if (!key) return 'duplicate key (got the same key twice in one mapping; keep one of them)';
    return `duplicate key ${key} (got ${key} twice in one mapping; keep one of them)`;
  }
  // The parser quotes whole chunks of the file (a README's paragraphs): cut them.
  return `invalid YAML: ${cutQuoted(firstLine(e.message))}`;
}

/**
 * Reads YAML text with positions: syntax errors at the parser's own positions, tabs in
 * indentation, duplicate keys, unknown tags, several documents and empty files are all
 * diagnostics. Merge keys (`<<: *defaults`) are read as such. Duplicate keys and unknown tags
 * alone are not fatal: the rest of the document is still checked.
 */
export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const positions = new Positions(lineCounter);
  const diagnostics: Diagnostic[] = [];
  const say = (p: Pos, message: string, severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ file, ...p, severity, message });
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
    keepSourceTokens: true,
  });
  const list = Array.isArray(docs) ? docs : [];
  const lines = text.split('\n');

  // Tabs are judged by the parser: a tab is only wrong where it indents structure, not in a
  // comment or a block scalar's text. A tab in indentation derails the parser for the rest of
  // the file, so when there is one, the parser's other errors are only its echoes and dropped.
  const tabs: { pos: Pos; message: string }[] = [];
  const others: { pos: Pos; message: string }[] = [];
  let fatal = false;
  for (const d of list) {
    for (const e of echoesDropped(d.errors)) {
      if (e.code !== 'DUPLICATE_KEY') fatal = true;
      const p = positions.of(e.pos[0]);
      const tab = indentTab(lines[p.line - 1] ?? '');
      if (e.code === 'TAB_AS_INDENT' || tab !== undefined) {
        tabs.push({ pos: { line: p.line, col: (tab ?? p.col - 1) + 1 }, message: TAB_AS_INDENT });
      } else others.push({ pos: p, message: parserMessage(e, d, text) });
    }
    for (const w of d.warnings) {
      const p = positions.of(w.pos[0]);
      if (w.code === 'TAG_RESOLVE_FAILED') {
        const tag = cutText(text.slice(w.pos[0], w.pos[1]));
        say(p, `unknown YAML tag ${tag} (got ${tag}; cutover reads plain YAML values — remove the tag)`);
      } else say(p, `YAML: ${cutQuoted(firstLine(w.message))}`, 'warning');
    }
  }
  // One diagnostic per line: the first error on a line explains the rest of it.
  const reported = new Set<number>();
  for (const { pos, message } of tabs.length > 0 ? tabs : others) {
    if (reported.has(pos.line)) continue;
    reported.add(pos.line);
    say(pos, message);
  }

  const withContent = list.filter((d) => d.contents !== null && !isEmptyScalar(d));
  if (withContent.length > 1) {
    const second = withContent[1]!;
    say(
      positions.of(second.range[0]),
      `a rollout file holds one document (got ${withContent.length} documents; put each rollout in its own file)`,
    );
    fatal = true;
  }
  if (withContent.length === 0 && !fatal) {
    say(
      { line: 1, col: 1 },
      'file is empty (got no YAML document; a ClusterRollout with apiVersion, kind, metadata and spec)',
    );
    fatal = true;
  }
  return { doc: withContent.length === 1 ? withContent[0] : undefined, positions, diagnostics, fatal };
}

/** A mapping key as written in the file (cut if long), found by where it starts. */
function keyWrittenAt(doc: Document.Parsed, text: string, offset: number): string | undefined {
  let written: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      const range = isNode(pair.key) ? pair.key.range : undefined;
      if (range?.[0] !== offset) return undefined;
      written = text.slice(range[0], range[1]).trim();
      return visit.BREAK;
    },
  });
  return written ? cutText(written) : undefined;
}

function isEmptyScalar(d: Document.Parsed): boolean {
  const c = d.contents;
  return isScalar(c) && (c.value === null || c.value === undefined) && !c.tag;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/**
 * A line indented wrongly derails the parser like a tab: every mapping after it is out of line,
 * so its later errors are echoes of the first and dropped.
 */
function echoesDropped(errors: readonly YAMLError[]): YAMLError[] {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const bad = sorted.findIndex((e) => e.code === 'BAD_INDENT');
  return bad < 0 ? sorted : sorted.slice(0, bad + 1);
}

/** The 0-based column of a tab in a line's indentation, if there is one. */
function indentTab(line: string): number | undefined {
  const indent = /^[ \t]*/.exec(line)![0];
  const i = indent.indexOf('\t');
  return i >= 0 && line.trim() !== '' ? i : undefined;
}
