import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Diagnostic, ExitCode, InvalidInputError } from '../../errors.ts';
import { parseRollout, readText } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';

interface Args {
  files: string[];
}

interface FileResult {
  file: string;
  ok: boolean;
  /** `name: N routes, M steps`, for valid files. */
  summary?: { name: string; routes: number; steps: number };
  diagnostics: Diagnostic[];
}

/**
 * `cutover validate FILE…`: checks every file (a directory means the *.yaml / *.yml in it) and
 * reports every problem of every file. Exit 0 when all are valid (warnings allowed), 2 otherwise.
 */
export async function run(args: Args, ctx: CommandContext): Promise<number> {
  const files = await expand(args.files ?? [], ctx.cwd);
  const results: FileResult[] = [];
  for (const f of files)
    results.push(
      f.diagnostic ? { file: f.file, ok: false, diagnostics: [f.diagnostic] } : await check(f.file, ctx.cwd),
    );

  const allOk = results.every((r) => r.ok);
  if (ctx.out.format === 'json') {
    ctx.out.result(
      results.map(({ file, ok, diagnostics }) => ({ file, ok, diagnostics })),
      () => '',
    );
    return allOk ? ExitCode.ok : ExitCode.invalid;
  }
  for (const r of results)
    if (r.ok && r.summary)
      ctx.out.line(
        `ok ${r.file} (${r.summary.name}: ${plural(r.summary.routes, 'route')}, ${plural(r.summary.steps, 'step')})`,
      );
  const diagnostics = results.flatMap((r) => r.diagnostics);
  // Errors go through the one error path (src/cli/main.ts prints them and the count, exit 2).
  if (!allOk) throw new InvalidInputError(diagnostics);
  ctx.diag(diagnostics);
  return ExitCode.ok;
}

async function check(file: string, cwd: string): Promise<FileResult> {
  const { text, diagnostic } = await readText(resolve(cwd, file));
  if (diagnostic) return { file, ok: false, diagnostics: [{ ...diagnostic, file }] };
  const { rollout, diagnostics } = parseRollout(text!, file);
  if (!rollout) return { file, ok: false, diagnostics };
  return {
    file,
    ok: true,
    summary: { name: rollout.metadata.name, routes: rollout.spec.routes.length, steps: rollout.spec.steps.length },
    diagnostics,
  };
}

/** Arguments to files: a directory stands for the YAML files directly inside it, sorted. */
async function expand(args: string[], cwd: string): Promise<{ file: string; diagnostic?: Diagnostic }[]> {
  const out: { file: string; diagnostic?: Diagnostic }[] = [];
  for (const a of args) {
    const isDir = await stat(resolve(cwd, a)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) {
      out.push({ file: a });
      continue;
    }
    const names = (await readdir(resolve(cwd, a))).filter((n) => /\.ya?ml$/.test(n)).sort();
    if (names.length === 0) {
      out.push({
        file: a,
        diagnostic: {
          file: a,
          line: 1,
          col: 1,
          severity: 'error',
          message: 'directory holds no rollout files (got no *.yaml or *.yml; pass files or a directory of them)',
        },
      });
    }
    for (const n of names) out.push({ file: join(a, n) });
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
