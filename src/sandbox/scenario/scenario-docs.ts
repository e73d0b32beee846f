import { shapeJsonSchema } from '../../spec/json-schema.ts';
import { renderShapeSections } from '../../spec/reference.ts';
import { SCENARIO_SHAPE } from './scenario-shape.ts';

export const SCENARIO_REFERENCE_START = '<!-- scenario-reference:start -->';
export const SCENARIO_REFERENCE_END = '<!-- scenario-reference:end -->';

/** The JSON Schema of scenario files (schema/scenario.schema.json), from the same shape as the validator. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return shapeJsonSchema(SCENARIO_SHAPE, {
    id: 'https://cutover.dev/schemas/v1alpha1/sandbox-scenario.json',
    title: 'cutover SandboxScenario',
  });
}

const PROSE = `<!-- Generated from src/sandbox/scenario/scenario-shape.ts by \`npm run gen:docs\`; do not edit by hand. -->

Start a scenario file with \`# yaml-language-server: $schema=../schema/scenario.schema.json\` (the path relative to the file) for completion and checks in editors.

**Values.** *Durations* as in rollouts (\`250ms\`, \`30s\`, \`5m\`, \`1h30m\`), or a bare number of seconds (\`90\`). *Rates and shares*: \`0.1%\` or a fraction from 0 to 1 (\`0.001\`). Every field except the few marked required has a default; \`default.yaml\` spells out the built-in world.

**Rules across fields.** Validation is strict, like rollouts: unknown fields are errors (with a suggestion when one is close), and every problem is reported at once as \`file:line:col: error: …\`.
- Names of load balancers, target groups, clusters and alarms are unique; listener ports are unique per load balancer, rule priorities per listener, workload names per namespace of a cluster, pod ranges per cluster.
- A forward action names defined target groups (at most 5) with at least one weight above 0; a target group is used by one load balancer only. A rule needs \`pathPattern\` or \`hostHeader\`.
- \`registered\` names a defined cluster, one of its Services and, if given, one of its ports. \`traffic\` names a defined listener and rules of it, with shares adding up to at most 100%. An alarm's \`loadBalancer\`/\`targetGroup\` are defined, its \`period\` is a multiple of 60s.
- Health check \`interval\`, \`timeout\` and \`deregistrationDelay\` are whole seconds, \`timeout\` less than \`interval\`; \`metrics.lag\` has \`min\` ≤ \`max\`; \`metrics.step\` divides a minute.
- A fault's \`cluster\` (and \`workload\`) exist; a \`traffic\` fault names a defined listener. Faults start \`at\` after the sandbox started (not counting the 5-minute warm-up) and, with \`for\`, end after it.`;

/** The README's scenario reference (between the markers), generated from the shape. */
export function renderScenarioReference(): string {
  const sections = renderShapeSections(SCENARIO_SHAPE, 'SandboxScenario', 4);
  return `${SCENARIO_REFERENCE_START}\n${PROSE}\n\n${sections}\n${SCENARIO_REFERENCE_END}`;
}
