/**
 * A deliberately small JSON Schema (draft-07) checker covering the keywords cutover's generated
 * schema uses, so tests can check the schema accepts the example rollouts and rejects broken
 * ones without another dependency. Returns the JSON pointers of failures.
 */
type S = Record<string, any>;

export function schemaErrors(schema: S, value: unknown, path = ''): string[] {
  const errs: string[] = [];
  const fail = (why: string) => errs.push(`${path || '/'}: ${why}`);
  if (schema.const !== undefined && value !== schema.const) fail(`const ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value)) fail('enum');
  if (schema.type && !hasType(schema.type, value)) {
    fail(`type ${schema.type}`);
    return errs;
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) fail(`pattern ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) fail('minLength');
    if (schema.maxLength !== undefined && value.length > schema.maxLength) fail('maxLength');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail('minimum');
    if (schema.maximum !== undefined && value > schema.maximum) fail('maximum');
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail('minItems');
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail('maxItems');
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail('uniqueItems');
    if (schema.items) {
      value.forEach((v, i) => {
        errs.push(...schemaErrors(schema.items, v, `${path}/${i}`));
      });
    }
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    for (const r of schema.required ?? []) if (!(r in value)) fail(`required ${r}`);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) fail('maxProperties');
    for (const k of keys) {
      const sub = schema.properties?.[k];
      if (schema.propertyNames && !schemaOk(schema.propertyNames, k)) fail(`propertyName ${k}`);
      if (sub) errs.push(...schemaErrors(sub, value[k], `${path}/${k}`));
      else if (schema.additionalProperties === false) fail(`additional property ${k}`);
      else if (isObject(schema.additionalProperties))
        errs.push(...schemaErrors(schema.additionalProperties, value[k], `${path}/${k}`));
    }
    for (const [k, dep] of Object.entries(schema.dependencies ?? {})) {
      if (k in value) errs.push(...schemaErrors(dep as S, value, path));
    }
  }
  if (schema.anyOf && !schema.anyOf.some((s: S) => schemaOk(s, value))) fail('anyOf');
  if (schema.oneOf && schema.oneOf.filter((s: S) => schemaOk(s, value)).length !== 1) fail('oneOf');
  if (schema.not && schemaOk(schema.not, value)) fail('not');
  for (const s of schema.allOf ?? []) errs.push(...schemaErrors(s, value, path));
  if (schema.if) {
    if (schemaOk(schema.if, value)) {
      if (schema.then) errs.push(...schemaErrors(schema.then, value, path));
    } else if (schema.else) errs.push(...schemaErrors(schema.else, value, path));
  }
  return errs;
}

function schemaOk(schema: S, value: unknown): boolean {
  return schemaErrors(schema, value).length === 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'null':
      return v === null;
    default:
      return typeof v === type;
  }
}
