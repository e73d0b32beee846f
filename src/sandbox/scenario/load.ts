import { readFileSync } from 'node:fs';
import { isMap } from 'yaml';
import { CutoverError, type Diagnostic, InvalidInputError } from '../../errors.ts';
import { checkShape, INVALID, type ShapeContext } from '../../spec/check-shape.ts';
import { documentKind } from '../../spec/document-kind.ts';
import { sortDiagnostics } from '../../spec/load.ts';
import { readYaml, type YamlSource } from '../../spec/yaml-source.ts';
import { checkFaultRules } from './fault-rules.ts';
import { normalize } from './normalize.ts';
import { checkReferences, ruleContext } from './references.ts';
import { SCENARIO_KIND, SCENARIO_SHAPE } from './scenario-shape.ts';
import type { Scenario } from './types.ts';
import { checkValueRules } from './value-rules.ts';

export { SCENARIO_API_VERSION, SCENARIO_KIND } from './scenario-shape.ts';

/** Reads and validates a scenario file; throws InvalidInputError listing every problem as file:line:col. */
export function loadScenarioFile(path: string): Scenario {
  return readScenarioFile(path).scenario;
}

/** Like loadScenarioFile, with the warnings of the (valid) file, for the caller to show. */
export function readScenarioFile(path: string): { scenario: Scenario; warnings: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CutoverError('E_SCENARIO_READ', `cannot read scenario file ${path}`, {
      cause: e,
      hint: 'pass an existing YAML file to --scenario, or leave it out for the default world',
    });
  }
  const { scenario, diagnostics } = readScenario(text, path);
  if (!scenario) throw new InvalidInputError(diagnostics);
  return { scenario, warnings: diagnostics };
}

/** Parses and validates scenario YAML text; `file` names it in diagnostics. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const { scenario, diagnostics } = readScenario(text, file);
  if (!scenario) throw new InvalidInputError(diagnostics);
  return scenario;
}

/**
 * Like parseScenario, but returns the diagnostics instead of throwing (for validators and tests).
 * The same machinery as rollout files: YAML with positions (yaml-source.ts), the shape
 * (scenario-shape.ts, checked by check-shape.ts), then the rules across fields — also on a
 * document with shape errors, on its well-formed parts, so one run reports everything it can.
 * `scenario` is set when there is no error (warnings allowed).
 */
export function readScenario(text: string, file = '<scenario>'): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  return checkScenarioSource(readYaml(text, file), file);
}

/** readScenario of YAML already read (`cutover validate` reads a file once to learn its kind). */
export function checkScenarioSource(src: YamlSource, file: string): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  const diagnostics = src.diagnostics.map(forScenarios);
  // A README or a Kubernetes manifest would fail every field check; say once what it is instead.
  // (A scenario may leave `kind` out, so only a document that is not a mapping or names another
  // kind is stopped here.)
  const top = src.doc?.contents;
  const kind: unknown = isMap(top) ? top.get('kind') : undefined;
  if (src.doc && (!isMap(top) || (kind !== undefined && kind !== SCENARIO_KIND))) {
    const known = documentKind(src, file, { kinds: [SCENARIO_KIND], noun: 'a scenario file' });
    if ('diagnostics' in known) return { diagnostics: sortDiagnostics(known.diagnostics) };
  }
  if (src.fatal || !src.doc) return { diagnostics: sortDiagnostics(diagnostics) };
  const root = src.doc.contents;
  src.positions.set('', root);
  const ctx: ShapeContext = { file, doc: src.doc, positions: src.positions, diagnostics };
  const raw = checkShape(SCENARIO_SHAPE, root, '', ctx);
  if (raw === INVALID) return { diagnostics: sortDiagnostics(diagnostics) };
  const rules = ruleContext(raw, ctx);
  checkValueRules(rules);
  checkReferences(rules);
  checkFaultRules(rules);
  const sorted = sortDiagnostics(diagnostics);
  return sorted.some((d) => d.severity === 'error')
    ? { diagnostics: sorted }
    : { scenario: normalize(raw), diagnostics: sorted };
}

/** yaml-source.ts words its whole-file problems for rollouts; these are the scenario's words. */
function forScenarios(d: Diagnostic): Diagnostic {
  if (d.message.startsWith('file is empty'))
    return {
      ...d,
      message:
        'file is empty (got no YAML document; a SandboxScenario with loadBalancers, targetGroups, clusters, traffic, …)',
    };
  if (d.message.startsWith('a rollout file holds one document'))
    return {
      ...d,
      message: d.message.replace('a rollout file', 'a scenario file').replace('each rollout', 'each scenario'),
    };
  return d;
}
