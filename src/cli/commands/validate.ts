import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Diagnostic, ExitCode, InvalidInputError, plural } from '../../errors.ts';
import { documentKind } from '../../spec/document-kind.ts';
import { checkRolloutSource, readText } from '../../spec/load.ts';
import { KIND } from '../../spec/types.ts';
import { readYaml } from '../../spec/yaml-source.ts';
import type { CommandContext } from '../context.ts';

/** The scenario `kind`; the scenario validator itself is loaded only when a scenario file is seen. */
const SCENARIO_KIND = 'SandboxScenario';

interface Args {
  files: string[];
}

interface FileResult {
  file: string;
  ok: boolean;
  /** What a valid file holds: `sandbox-web: 1 route, 4 steps`, `SandboxScenario: 2 clusters, 0 faults`. */
  summary?: string;
  diagnostics: Diagnostic[];
}

/**
 * `cutover validate FILE…`: checks every file (a directory means the *.yaml / *.yml in it) and
 * reports every problem of every file. A file is checked as what its `kind` says: a rollout or a
 * sandbox scenario. Exit 0 when all are valid (warnings allowed), 2 otherwise.
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
  for (const r of results) if (r.ok) ctx.out.line(`ok ${r.file} (${r.summary})`);
  const diagnostics = results.flatMap((r) => r.diagnostics);
  // Errors go through the one error path (src/cli/main.ts prints them and the count, exit 2).
  if (!allOk) throw new InvalidInputError(diagnostics, results.length > 1 ? failedFiles(results) : undefined);
  ctx.diag(diagnostics);
  return ExitCode.ok;
}

/** The last line of a run over several files: `2 of 5 files have errors (7 errors)`. */
function failedFiles(results: FileResult[]): string {
  const failed = results.filter((r) => !r.ok).length;
  const errors = results.flatMap((r) => r.diagnostics).filter((d) => d.severity === 'error').length;
  return `${failed} of ${plural(results.length, 'file')} ${failed === 1 ? 'has' : 'have'} errors (${plural(errors, 'error')})`;
}

async function check(file: string, cwd: string): Promise<FileResult> {
  const { text, diagnostic } = await readText(resolve(cwd, file));
  if (diagnostic) return { file, ok: false, diagnostics: [{ ...diagnostic, file }] };
  const src = readYaml(text!, file);
  const known = documentKind(src, file, { kinds: [KIND, SCENARIO_KIND], noun: 'a cutover file' });
  if ('diagnostics' in known) return { file, ok: false, diagnostics: known.diagnostics };
  if (known.kind === SCENARIO_KIND) {
    const { checkScenarioSource } = await import('../../sandbox/scenario/load.ts');
    const { scenario, diagnostics } = checkScenarioSource(src, file);
    if (!scenario) return { file, ok: false, diagnostics };
    const summary = `${SCENARIO_KIND}: ${plural(scenario.clusters.length, 'cluster')}, ${plural(scenario.faults.length, 'fault')}`;
    return { file, ok: true, summary, diagnostics };
  }
  const { rollout, diagnostics } = checkRolloutSource(src, file);
  if (!rollout) return { file, ok: false, diagnostics };
  const { routes, steps } = rollout.spec;
  const summary = `${rollout.metadata.name}: ${plural(routes.length, 'route')}, ${plural(steps.length, 'step')}`;
  return { file, ok: true, summary, diagnostics };
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
