import { readFile } from 'node:fs/promises';
import { type Diagnostic, InvalidInputError } from '../errors.ts';
import { checkRollout } from './check-rollout.ts';
import { checkShape, INVALID } from './check-shape.ts';
import { documentKind } from './document-kind.ts';
import { specHash } from './hash.ts';
import { normalize } from './normalize.ts';
import { ROLLOUT_SHAPE } from './rollout-shape.ts';
import { KIND, type LoadedRollout, type RolloutSpec } from './types.ts';
import { readYaml, type YamlSource } from './yaml-source.ts';

/**
 * Reads a rollout from YAML text. Every problem is collected (syntax, shape, cross-field) and
 * returned sorted by position; `rollout` is set only when there is no error (warnings allowed).
 */
export function parseRollout(text: string, file: string): { rollout?: RolloutSpec; diagnostics: Diagnostic[] } {
  return checkRolloutSource(readYaml(text, file), file);
}

/** parseRollout of YAML already read (`cutover validate` reads a file once to learn its kind). */
export function checkRolloutSource(
  src: YamlSource,
  file: string,
): { rollout?: RolloutSpec; diagnostics: Diagnostic[] } {
  const known = documentKind(src, file, { kinds: [KIND], noun: 'a rollout file' });
  if ('diagnostics' in known) return { diagnostics: sortDiagnostics(known.diagnostics) };
  const diagnostics = [...src.diagnostics];
  if (!src.fatal && src.doc) {
    const root = src.doc.contents;
    src.positions.set('', root);
    const ctx = { file, doc: src.doc, positions: src.positions, diagnostics };
    const raw = checkShape(ROLLOUT_SHAPE, root, '', ctx);
    if (raw !== INVALID) checkRollout(raw, ctx);
    if (raw !== INVALID && !diagnostics.some((d) => d.severity === 'error')) {
      return { rollout: normalize(raw), diagnostics: sortDiagnostics(diagnostics) };
    }
  }
  return { diagnostics: sortDiagnostics(diagnostics) };
}

/** Reads and checks a rollout file; throws InvalidInputError (exit 2) with every problem found. */
export async function loadRolloutFile(path: string): Promise<LoadedRollout> {
  const { text, diagnostic } = await readText(path);
  if (diagnostic) throw new InvalidInputError([diagnostic]);
  const { rollout, diagnostics } = parseRollout(text!, path);
  if (!rollout) throw new InvalidInputError(diagnostics);
  return { file: path, hash: specHash(rollout), rollout, warnings: diagnostics };
}

/**
 * A file's text, or the diagnostic for why it cannot be read, in words (`does not exist`,
 * `permission denied`); a directory is said to be one (`cutover validate` takes directories,
 * other commands one file).
 */
export async function readText(path: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (e) {
    const message = unreadable((e as NodeJS.ErrnoException).code ?? 'unknown error');
    return { diagnostic: { file: path, line: 1, col: 1, severity: 'error', message } };
  }
}

/** Why a file cannot be read, for people; the errno code stays in brackets for searches. */
export function unreadable(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'file does not exist (ENOENT; check the path, relative paths start at the current directory)';
    case 'ENOTDIR':
      return 'file does not exist (ENOTDIR; a part of the path is a file, not a directory)';
    case 'EACCES':
    case 'EPERM':
      return `file cannot be read: permission denied (${code}; it needs read permission for you, e.g. chmod u+r)`;
    case 'EISDIR':
      return 'is a directory, not a file (got a directory; this command takes one file — cutover validate takes directories)';
    default:
      return `cannot read file (${code})`;
  }
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.file}:${d.line}:${d.col}:${d.severity}:${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(
      (a, b) => a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
    );
}
