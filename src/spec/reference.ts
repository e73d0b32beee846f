import { formatDuration } from './duration.ts';
import { formatPercent } from './percent.ts';
import { PARTITION_REGIONS } from './regions.ts';
import { ROLLOUT_SHAPE } from './rollout-shape.ts';
import { describeDefault, type ObjectShape, type Shape } from './shape.ts';
import { MAX_ALIASED_VALUES } from './yaml-nodes.ts';

export const REFERENCE_START = '<!-- spec-reference:start -->';
export const REFERENCE_END = '<!-- spec-reference:end -->';

/** The rules that are not one field's business, for the top of the reference. */
const PROSE = `<!-- Generated from src/spec/rollout-shape.ts by \`npm run gen:docs\`; do not edit by hand. -->

**Values.**
- *Durations*: one or more \`<number><unit>\` parts, units \`h\`, \`m\`, \`s\`, \`ms\`, largest first, each once, no spaces: \`30s\`, \`5m\`, \`1h30m\`, \`1.5h\`, \`250ms\`. A bare \`0\` is zero; other bare numbers are rejected (\`300\` — seconds or minutes?), so are \`5 minutes\`, \`-1m\` and ISO 8601.
- *Percentages* (thresholds, ratios): \`1%\`, \`0.5%\`, or a fraction from 0 to 1 (\`0.01\`). A bare number above 1 is ambiguous and rejected (\`max: 5\` — write \`5%\` or \`0.05\`); a bare \`1\` means 100% and draws a warning.
- *Step weights* are percent of traffic on \`to\`, as plain numbers 0–100 with decimals (\`weight: 2.5\`; not \`"25"\` or \`25%\`).

**Rules across fields.** Validation is strict: unknown fields are errors (with a suggestion when one is close), and every problem in a file is reported at once as \`file:line:col: error: …\`.
- \`from\` and \`to\` name different clusters; cluster and route names are unique.
- Each route sets exactly one of \`listenerArn\` / \`ruleArn\`, and no two routes share one. Its \`targetGroups\` has exactly one entry per cluster, no target group twice; target groups are in the load balancer's account. A target group two routes share must belong to the same cluster in both (otherwise both clusters' agents would register into it).
- Every ARN is in \`spec.region\` and that region's partition (${PARTITION_REGIONS.map((p) => `\`${p.partition}\``).join(', ')}); routes are on Application Load Balancers.
- Steps: each is \`weight\`, \`weights\` or \`approve: true\` (a step that would both move traffic and wait is two steps). The share of \`to\` never goes down, and the last weight step is 100 unless \`spec.partial: true\`.
- A share must be expressible as ALB weights (integers 0–999 per target group): the smallest non-zero share is 0.1 and the largest short of 100 is 99.9, so \`0.05\` or \`99.97\` is an error naming the nearest usable value. An explicit \`weights\` split is judged as a whole: it is an error when the nearest split ALB weights make is 0.05 points or more off for any cluster (\`{a: 0.07, b: 0.07, c: 0.07, d: 0.07, e: 99.72}\` can only be \`{…, e: 99.6}\`), and the message names that split.

**Three or more clusters.** With \`weight: w\`, \`to\` gets *w*%, \`from\` the rest and every other cluster 0 — it stays in the forward action at weight 0, so it can be brought in later or by hand. A step may instead give the split explicitly, \`weights: {blue: 70, green: 25, dr: 5}\` (summing to 100; unlisted clusters get 0); the share of \`to\` must still not go down. Rollback always returns all traffic to \`from\`.

**Gates.** Every \`gates.interval\` each check is judged on the last interval's metrics, ending \`lag\` behind now: *pass*, *fail* or *inconclusive* (fewer than \`minRequests\` requests, or data unreadable — never a pass). A tick fails if any check fails. The rollout rolls back at the (\`failureLimit\` + 1)-th failed tick, counted over the whole rollout, and an inconclusive streak longer than \`inconclusiveLimit\` counts as a failed tick (fail closed). An \`alarm\` check in ALARM rolls back at once. A step's \`bake\` defaults to \`gates.interval\`, so every step is judged at least once; \`interval\` is at least 1m because ALB metrics have a 60-second period.

**Warnings** (exit 0) flag legal but suspicious files: no gate checks, a single 100% step, a bake shorter than the interval, an approval after all traffic moved, \`partial\` with a last step of 100, \`stepBake\` with instant rollback, a target group in two routes (for the same cluster), a bare \`1\` as a percentage.

**YAML.** Anchors, aliases and merge keys (\`<<: *defaults\`) work as in Kubernetes manifests; aliases may stand for at most ${MAX_ALIASED_VALUES} values in all. Tags other than YAML's own (\`!foo\`) are errors. Tabs may appear in comments and in block scalars' text, not as indentation.`;

/** The README's spec reference (between the markers), generated from the shape. */
export function renderSpecReference(): string {
  return `${REFERENCE_START}\n${PROSE}\n\n${renderShapeSections(ROLLOUT_SHAPE, 'ClusterRollout')}\n${REFERENCE_END}`;
}

/**
 * One section per titled object of a shape (a table of its fields), in document order, under
 * headings of the given level (3: `###`).
 */
export function renderShapeSections(shape: ObjectShape, title: string, level = 3): string {
  const sections: string[] = [];
  collect(shape, title, sections, '#'.repeat(level), new Set());
  return sections.join('\n\n');
}

/** `seen`: titled objects already documented (one shared by several variants gets one section). */
function collect(s: ObjectShape, title: string, out: string[], h: string, seen: Set<ObjectShape>): void {
  const rows = Object.entries(s.fields).map(([name, f]) => {
    const def = f.required
      ? '**required**'
      : f.shape.t === 'object' || describeDefault(f.shape) === undefined
        ? '—'
        : (f.shape.defaultDoc ?? `\`${describeDefault(f.shape)}\``);
    return `| \`${name}\` | ${typeOf(f.shape)} | ${esc(def)} | ${esc(f.shape.doc)} |`;
  });
  out.push(
    `${h} \`${title}\`\n\n${s.doc}\n\n| Field | Type | Default | Description |\n|---|---|---|---|\n${rows.join('\n')}`,
  );
  for (const f of Object.values(s.fields)) {
    const child = f.shape.t === 'array' ? f.shape.items : f.shape;
    const objects = child.t === 'anyOf' ? child.options : [child];
    for (const o of objects) {
      if (o.t !== 'object' || !o.title || seen.has(o)) continue;
      seen.add(o);
      collect(o, o.title, out, h, seen);
    }
    if (child.t === 'union') {
      for (const [name, v] of Object.entries(child.variants))
        collect(v, `${child.title ?? 'spec.gates.checks[]'} ${child.tag}: ${name}`, out, h, seen);
    }
  }
}

function typeOf(s: Shape): string {
  switch (s.t) {
    case 'string':
      if (s.enum) return s.enum.map((e) => `\`${e}\``).join(' \\| ');
      return s.typeName ?? 'string';
    case 'arn':
      return s.arn === 'iam-role' ? 'IAM role ARN' : `${s.arn} ARN`;
    case 'number':
      return `${s.integer ? 'integer' : 'number'}${bounds(s.min, s.max, String)}`;
    case 'boolean':
      return s.const !== undefined ? `\`${s.const}\`` : 'boolean';
    case 'duration':
      return `duration${bounds(s.minMs || undefined, s.maxMs, formatDuration)}`;
    case 'percent':
      return `percent${bounds(s.min || undefined, s.max === 1 ? undefined : s.max, formatPercent, s.exclusiveMin)}`;
    case 'object':
      return s.title ? `object (see \`${s.title}\`)` : 'object';
    case 'array':
      return s.items.t === 'object' || s.items.t === 'union'
        ? `list of objects${count(s.minItems, s.maxItems)}`
        : `list of ${typeOf(s.items)}${count(s.minItems, s.maxItems)}`;
    case 'map':
      return `map: cluster → ${typeOf(s.values)}`.replace('cluster', s.key.doc);
    case 'anyOf':
      return s.options.map(typeOf).join(' or ');
    case 'union':
      return 'object';
  }
}

function bounds(
  min: number | undefined,
  max: number | undefined,
  fmt: (n: number) => string,
  exclusive = false,
): string {
  if (min !== undefined && max !== undefined) return ` ${fmt(min)}–${fmt(max)}`;
  if (min !== undefined) return ` ${exclusive ? '>' : '≥'} ${fmt(min)}`;
  if (max !== undefined) return ` ≤ ${fmt(max)}`;
  return exclusive ? ' > 0%' : '';
}

function count(min: number | undefined, max: number | undefined): string {
  return min !== undefined || max !== undefined ? `, ${min ?? 0}–${max ?? '∞'} items` : '';
}

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
