// Regenerates what is derived from the code:
// - README's spec reference and schema/rollout.schema.json, from src/spec/rollout-shape.ts;
// - README's scenario reference and schema/scenario.schema.json, from src/sandbox/scenario/scenario-shape.ts;
// - README's CLI reference, from `cutover <command> --help` of every command in src/cli/commands.ts;
// - README's demo screen, the live view's last frame of a recorded demo (test/cli/fixtures/demo-events.jsonl).
// `--check` writes nothing and exits 1 when anything is out of date.
// Run: node --import tsx scripts/gen-docs.ts [--check]   (npm run gen:docs)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands } from '../src/cli/commands.ts';
import { renderFrame } from '../src/cli/live/frame.ts';
import { parseRecording, replay } from '../src/cli/live/replay.ts';
import { runCli } from '../src/cli/main.ts';
import { buildPlan } from '../src/plan/plan.ts';
import {
  renderScenarioReference,
  SCENARIO_REFERENCE_END,
  SCENARIO_REFERENCE_START,
  scenarioJsonSchema,
} from '../src/sandbox/scenario/scenario-docs.ts';
import { rolloutJsonSchema } from '../src/spec/json-schema.ts';
import { loadRolloutFile } from '../src/spec/load.ts';
import { REFERENCE_END, REFERENCE_START, renderSpecReference } from '../src/spec/reference.ts';
import { isMain } from '../src/util/is-main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = `${root}README.md`;
const schemaPath = `${root}schema/rollout.schema.json`;
const scenarioSchemaPath = `${root}schema/scenario.schema.json`;
const check = process.argv.includes('--check');

export function schemaFileText(): string {
  return `${JSON.stringify(rolloutJsonSchema(), null, 2)}\n`;
}

export function scenarioSchemaFileText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

function replaceBetween(text: string, start: string, end: string, content: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md lacks the markers ${start} … ${end}`);
  return text.slice(0, i) + content + text.slice(j + end.length);
}

export function withReference(readme: string): string {
  return replaceBetween(readme, REFERENCE_START, REFERENCE_END, renderSpecReference());
}

export function withScenarioReference(readme: string): string {
  return replaceBetween(readme, SCENARIO_REFERENCE_START, SCENARIO_REFERENCE_END, renderScenarioReference());
}

const CLI_START = '<!-- cli-reference:start -->';
const CLI_END = '<!-- cli-reference:end -->';

/** The help text of every command, as `cutover <command> --help` prints it (100 columns). */
export async function renderCliReference(): Promise<string> {
  const parts: string[] = [];
  for (const c of commands) {
    const name = c.command.split(' ')[0] as string;
    let stdout = '';
    let stderr = '';
    const code = await runCli([name, '--help'], {
      stdout: { write: (t: string) => (stdout += t), columns: 100 },
      stderr: { write: (t: string) => (stderr += t) },
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (code !== 0) throw new Error(`cutover ${name} --help exited ${code}: ${stderr}`);
    parts.push(`### \`cutover ${c.command}\`\n\n${c.describe}.\n\n\`\`\`text\n${stdout.trimEnd()}\n\`\`\`\n`);
  }
  return `${CLI_START}\n${parts.join('\n')}${CLI_END}`;
}

export async function withCliReference(readme: string): Promise<string> {
  return replaceBetween(readme, CLI_START, CLI_END, await renderCliReference());
}

const SCREEN_START = '<!-- demo-screen:start -->';
const SCREEN_END = '<!-- demo-screen:end -->';
/** The recorded `cutover demo --output json` the README's screen is drawn from. */
export const DEMO_RECORDING = `${root}test/cli/fixtures/demo-events.jsonl`;

/** The live view's last frame of the recorded demo, as a terminal of 100 columns shows it (colour aside). */
export async function renderDemoScreen(): Promise<string> {
  const rollout = (await loadRolloutFile(`${root}rollouts/sandbox-web.yaml`)).rollout;
  const views = replay(buildPlan(rollout), parseRecording(readFileSync(DEMO_RECORDING, 'utf8')), 'demo');
  const frame = renderFrame(views.at(-1)!, { width: 100, color: false });
  return `${SCREEN_START}\n\`\`\`text\n${frame}\n\`\`\`\n${SCREEN_END}`;
}

export async function withDemoScreen(readme: string): Promise<string> {
  return replaceBetween(readme, SCREEN_START, SCREEN_END, await renderDemoScreen());
}

if (isMain(import.meta.url)) {
  const readme = readFileSync(readmePath, 'utf8');
  const wanted = {
    [readmePath]: await withDemoScreen(await withCliReference(withScenarioReference(withReference(readme)))),
    [schemaPath]: schemaFileText(),
    [scenarioSchemaPath]: scenarioSchemaFileText(),
  };
  let stale = false;
  for (const [path, text] of Object.entries(wanted)) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current === text) continue;
    stale = true;
    if (check) process.stderr.write(`${path} is out of date; run npm run gen:docs\n`);
    else writeFileSync(path, text);
  }
  process.exitCode = check && stale ? 1 : 0;
}
