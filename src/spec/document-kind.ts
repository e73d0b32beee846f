import { isMap, isScalar, type Node } from 'yaml';
import { type Diagnostic, plural } from '../errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { got } from './shape-messages.ts';
import { API_VERSION } from './types.ts';
import type { YamlSource } from './yaml-source.ts';

/** What a command reads: the kinds it accepts, and what such a file is called in messages. */
export interface Readable {
  kinds: readonly string[];
  /** `a rollout file`, `a cutover file`. */
  noun: string;
}

/**
 * Which kind of cutover file a YAML document is, before its fields are checked. A document that
 * is not a mapping with one of `readable.kinds` (a README, a Kubernetes manifest, a scenario
 * given to `plan`) would fail every field check — dozens of errors quoting pieces of it — so it
 * gets one error saying what it is instead (after the first YAML syntax error, if it has one).
 */
export function documentKind(
  src: YamlSource,
  file: string,
  readable: Readable,
): { kind: string } | { diagnostics: Diagnostic[] } {
  const root = src.doc?.contents;
  const kindNode = isMap(root) ? fieldValue(root.items, 'kind') : undefined;
  const kind = isScalar(kindNode) ? kindNode.value : undefined;
  if (typeof kind === 'string' && readable.kinds.includes(kind)) return { kind };

  const errors = src.diagnostics.filter((d) => d.severity === 'error');
  // No document (an empty file, or several documents): readYaml's last error says so; with the
  // first syntax error, if there is one, that is all there is to say.
  if (!src.doc) return { diagnostics: [...new Set([errors[0], errors.at(-1)])].filter((d) => d !== undefined) };
  const kinds = readable.kinds.join(' or ');
  const first = errors.length > 1 ? `, the first at line ${errors[0]!.line}` : '';
  const syntax = errors.length === 0 ? '' : ` and ${plural(errors.length, 'YAML error')}${first}`;
  const at = (node: Node | null | undefined) => {
    const p = node?.range ? src.positions.of(node.range[0]) : { line: 1, col: 1 };
    return { file, line: p.line, col: p.col, severity: 'error' as const };
  };
  let stop: Diagnostic;
  if (!isMap(root)) {
    stop = {
      ...at(root),
      message: `the document must be a mapping (got ${got(root)}${syntax}; ${readable.noun} is a mapping with apiVersion: ${API_VERSION} and kind: ${kinds})`,
    };
  } else if (kindNode === undefined || kindNode === null) {
    stop = {
      ...at(root),
      message: `the document has no kind (got a mapping without one${syntax}; ${readable.noun} says kind: ${kinds})`,
    };
  } else {
    const apiVersion = fieldValue(root.items, 'apiVersion');
    const guess = typeof kind === 'string' ? didYouMean(kind, readable.kinds) : undefined;
    const of = isScalar(apiVersion) ? ` of apiVersion ${got(apiVersion)}` : '';
    stop = {
      ...at(kindNode),
      message: `kind ${got(kindNode)} is not ${readable.noun} (got ${got(kindNode)}${of}${syntax}; ${guess ? `did you mean "${guess}"? ` : ''}${readable.noun} has kind: ${kinds})`,
    };
  }
  const shown = errors.length > 0 ? [errors[0]!, stop] : [stop];
  return { diagnostics: shown.sort((x, y) => x.line - y.line || x.col - y.col) };
}

/** The value node of a plain scalar key in a mapping's items. */
function fieldValue(items: readonly { key: unknown; value: unknown }[], key: string): Node | null | undefined {
  const pair = items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair ? ((pair.value as Node | null) ?? null) : undefined;
}
