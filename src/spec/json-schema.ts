import { elbArnPattern, IAM_ROLE_PATTERN } from './arn.ts';
import { DURATION_PATTERN } from './duration.ts';
import { PERCENT_PATTERN } from './percent.ts';
import { ROLLOUT_SHAPE } from './rollout-shape.ts';
import { describeDefault, type ObjectShape, type Shape } from './shape.ts';

type Json = Record<string, unknown>;

/**
 * The JSON Schema (draft-07, which yaml-language-server supports best) of rollout files,
 * generated from the same shape as the validator. It is strict where the validator is
 * (`additionalProperties: false`); cross-field rules (cluster references, region of ARNs,
 * step order) are the validator's alone.
 */
export function rolloutJsonSchema(): Json {
  return shapeJsonSchema(ROLLOUT_SHAPE, {
    id: 'https://cutover.dev/schemas/v1alpha1/cluster-rollout.json',
    title: 'cutover ClusterRollout',
  });
}

/** The draft-07 JSON Schema of any document described by a shape (rollouts, sandbox scenarios). */
export function shapeJsonSchema(shape: ObjectShape, meta: { id: string; title: string }): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: meta.id,
    title: meta.title,
    ...toSchema(shape),
  };
}

function toSchema(s: Shape): Json {
  const base: Json = { description: s.doc };
  const def = describeDefault(s);
  if (s.default !== undefined && s.t !== 'object') base.default = s.default;
  else if (def && s.t !== 'object') base.description = `${s.doc} Default: ${def}.`;
  switch (s.t) {
    case 'string': {
      const out: Json = { ...base, type: 'string' };
      if (s.enum) out.enum = [...s.enum];
      if (s.pattern) out.pattern = s.pattern.source;
      if (s.minLength !== undefined) out.minLength = s.minLength;
      if (s.maxLength !== undefined) out.maxLength = s.maxLength;
      return out;
    }
    case 'arn':
      return {
        ...base,
        type: 'string',
        pattern: s.arn === 'iam-role' ? IAM_ROLE_PATTERN.source : elbArnPattern(s.arn),
      };
    case 'number': {
      const out: Json = { ...base, type: s.integer ? 'integer' : 'number' };
      if (s.min !== undefined) out.minimum = s.min;
      if (s.max !== undefined) out.maximum = s.max;
      return out;
    }
    case 'boolean':
      return s.const !== undefined ? { ...base, const: s.const } : { ...base, type: 'boolean' };
    case 'duration':
      return {
        ...base,
        anyOf: [
          { type: 'string', pattern: DURATION_PATTERN.source },
          s.bareSeconds
            ? { type: 'number', minimum: 0, description: 'a number of seconds' }
            : { const: 0, description: 'zero' },
        ],
      };
    case 'percent':
      return {
        ...base,
        anyOf: [
          { type: 'string', pattern: PERCENT_PATTERN.source, description: 'a percentage such as 1%' },
          { type: 'number', minimum: 0, maximum: 1, description: 'a fraction such as 0.01' },
        ],
      };
    case 'object':
      return { ...base, ...objectSchema(s) };
    case 'array': {
      const out: Json = { ...base, type: 'array', items: toSchema(s.items) };
      if (s.minItems !== undefined) out.minItems = s.minItems;
      if (s.maxItems !== undefined) out.maxItems = s.maxItems;
      if (s.unique) out.uniqueItems = true;
      return out;
    }
    case 'map': {
      const out: Json = {
        ...base,
        type: 'object',
        propertyNames: { pattern: s.key.pattern?.source ?? '.*' },
        additionalProperties: toSchema(s.values),
      };
      if (s.minEntries !== undefined) out.minProperties = s.minEntries;
      if (s.maxEntries !== undefined) out.maxProperties = s.maxEntries;
      return out;
    }
    case 'union': {
      const names = Object.keys(s.variants);
      return {
        ...base,
        type: 'object',
        required: [s.tag],
        properties: { [s.tag]: { type: 'string', enum: names, description: `One of ${names.join(', ')}.` } },
        allOf: names.map((name) => {
          const v = s.variants[name]!;
          const obj = objectSchema(v);
          (obj.properties as Json)[s.tag] = { const: name };
          // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here, not a promise.
          return { if: { properties: { [s.tag]: { const: name } } }, then: { description: v.doc, ...obj } };
        }),
      };
    }
    case 'anyOf':
      return { ...base, anyOf: s.options.map((o) => toSchema(o)) };
  }
}

function objectSchema(s: ObjectShape): Json {
  const properties: Json = {};
  for (const [name, f] of Object.entries(s.fields)) properties[name] = toSchema(f.shape);
  const required = Object.entries(s.fields)
    .filter(([, f]) => f.required)
    .map(([n]) => n);
  const out: Json = { type: 'object', properties, additionalProperties: false };
  if (required.length > 0) out.required = required;
  const all: Json[] = [];
  for (const g of s.exclusive ?? []) {
    if (g.required) all.push({ oneOf: g.keys.map((k) => ({ required: [k] })) });
    else all.push({ not: { anyOf: pairs(g.keys).map((p) => ({ required: p })) } });
  }
  const deps: Json = {};
  for (const [k, rule] of Object.entries(s.onlyWith ?? {}))
    deps[k] = { anyOf: rule.keys.map((r) => ({ required: [r] })) };
  if (all.length > 0) out.allOf = all;
  if (Object.keys(deps).length > 0) out.dependencies = deps;
  return out;
}

function pairs(keys: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) out.push([keys[i]!, keys[j]!]);
  return out;
}
