// Regenerates what is derived from the rollout shape (src/spec/rollout-shape.ts):
// the README's spec reference (between its markers) and schema/rollout.schema.json.
// `--check` writes nothing and exits 1 when either is out of date.
// Run: node --import tsx scripts/gen-spec-reference.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rolloutJsonSchema } from '../src/spec/json-schema.ts';
import { REFERENCE_END, REFERENCE_START, renderSpecReference } from '../src/spec/reference.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = `${root}README.md`;
const schemaPath = `${root}schema/rollout.schema.json`;
const check = process.argv.includes('--check');

export function schemaFileText(): string {
  return `${JSON.stringify(rolloutJsonSchema(), null, 2)}\n`;
}

export function withReference(readme: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${REFERENCE_START} … ${REFERENCE_END}`);
  return readme.slice(0, start) + renderSpecReference() + readme.slice(end + REFERENCE_END.length);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync(readmePath, 'utf8');
  const wanted = { [readmePath]: withReference(readme), [schemaPath]: schemaFileText() };
  let stale = false;
  for (const [path, text] of Object.entries(wanted)) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current === text) continue;
    stale = true;
    if (check) process.stderr.write(`${path} is out of date; run npm run gen:reference\n`);
    else writeFileSync(path, text);
  }
  process.exitCode = check && stale ? 1 : 0;
}
