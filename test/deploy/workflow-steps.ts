/**
 * deploy/github-actions/cutover.yml's steps, run as a GitHub runner runs them: the script with
 * `bash -e` (the default shell), the step's `env` with its `${{ … }}` expressions given values by
 * the test (an expression without a value fails: it would run with a value nobody checked),
 * RUNNER_TEMP, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files, and `cutover` on PATH as `npm ci` puts
 * it there (here from source).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/run-cli.ts';

export const workflow = parse(readFileSync(join(REPO_ROOT, 'deploy/github-actions/cutover.yml'), 'utf8'));

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  shell?: string;
}

/** A GitHub expression as written in the workflow: `${{ expr }}`. */
export const gh = (expr: string) => `\${{ ${expr} }}`;

export const steps = (job: string): Step[] => workflow.jobs[job].steps;

/** The one step of `job` whose script runs `cutover <command>`. */
export function stepCalling(job: string, command: string): Step {
  const found = steps(job).filter((s) => new RegExp(`(^|\\n|\\s)cutover ${command}\\b`).test(s.run ?? ''));
  assert.equal(found.length, 1, `one step of job ${job} runs cutover ${command}`);
  return found[0]!;
}

/** Every `cutover <command> …` of the workflow's scripts, as [command, ...args]. */
export function cutoverCalls(): string[][] {
  return Object.values(workflow.jobs as Record<string, { steps: Step[] }>).flatMap((j) =>
    j.steps.flatMap((s) =>
      (s.run ?? '')
        .split('\n')
        .flatMap((line) => [...line.matchAll(/(?:^|[\s;(])cutover ([a-z-]+)((?: +(?:"[^"]*"|[^\s|;>)]+))*)/g)])
        .map((m) => [m[1]!, ...(m[2]!.match(/"[^"]*"|[^\s]+/g) ?? [])]),
    ),
  );
}

function stepEnv(step: Step, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [
      k,
      String(v).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
        if (!(expr in values)) throw new Error(`env ${k}: no value for ${gh(expr)} in this test`);
        return values[expr]!;
      }),
    ]),
  );
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  summary: string;
  output: string;
}

/** A runner for steps, its scratch files under `dir`. */
export function stepRunner(dir: string) {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const cli = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
  writeFileSync(
    join(bin, 'cutover'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${cli}" "$@"\n`,
  );
  chmodSync(join(bin, 'cutover'), 0o755);
  /** Runs `step` in `cwd` (default: the repository's root, as the checkout is the workspace). */
  return (
    step: Step,
    values: Record<string, string>,
    extra: Record<string, string> = {},
    cwd = REPO_ROOT,
  ): Promise<StepResult> => {
    const temp = mkdtempSync(join(dir, 'runner-'));
    const script = join(temp, 'step.sh');
    writeFileSync(script, step.run!);
    const summary = join(temp, 'summary.md');
    const output = join(temp, 'output');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const env = {
      ...process.env,
      PATH: [bin, dirname(process.execPath), process.env.PATH].join(delimiter),
      RUNNER_TEMP: temp,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      ...stepEnv(step, values),
      ...extra,
    };
    return new Promise((resolve) => {
      execFile('bash', ['-e', script], { cwd, env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          summary: readFileSync(summary, 'utf8'),
          output: readFileSync(output, 'utf8'),
        }),
      );
    });
  };
}
