import { asList, asString } from '../aws/coerce.ts';
import { AwsError } from '../aws/errors.ts';
import { CONDITION_CONFIG_MEMBER, type Condition, type ConditionField } from './action-types.ts';

/**
 * Rule conditions, read into the typed model (ALB-guide `rule-condition-types`, API
 * `RuleCondition`):
 * - host-header and path-pattern take either the legacy `Values` or their `*Config`, never both
 *   (ACK community #2759 quotes AWS: "You cannot provide both Values and 'HostHeaderConfig' for a
 *   condition of type 'host-header'") and never neither [U: text]; the other four fields take only
 *   their `*Config` [U: code/text];
 * - at most one each of host-header, http-request-method, path-pattern and source-ip per rule;
 * - at most 3 match evaluations per condition and 5 per rule, at most 5 wildcards per rule
 *   (quotas page: "Condition values per rule 5", "Condition wildcards per rule 5"); values are
 *   1–128 characters, an HTTP header name and a method ≤ 40 [U: codes, all `ValidationError`].
 * `RegexValues` is not emulated and is refused so a test cannot mistake it for working.
 */
const FIELDS: ConditionField[] = [
  'http-header',
  'http-request-method',
  'host-header',
  'path-pattern',
  'query-string',
  'source-ip',
];
const CONFIG_MEMBER: Record<ConditionField, string> = CONDITION_CONFIG_MEMBER;
const ONCE_PER_RULE = new Set<ConditionField>(['host-header', 'http-request-method', 'path-pattern', 'source-ip']);
const MAX_PER_CONDITION = 3;
const MAX_PER_RULE = 5;
const MAX_WILDCARDS = 5;

const invalid = (message: string) => new AwsError('ValidationError', message);

export function readConditions(raw: unknown): Condition[] {
  const list = asList<Record<string, any>>(raw);
  if (list.length === 0) throw invalid('A rule must have at least one condition');
  const conditions = list.map(readCondition);
  for (const f of ONCE_PER_RULE) {
    if (conditions.filter((c) => c.field === f).length > 1) {
      throw invalid(`A rule can have only one '${f}' condition`);
    }
  }
  const values = conditions.flatMap(matchValues);
  if (values.length > MAX_PER_RULE) {
    throw invalid(`A rule can have at most ${MAX_PER_RULE} condition values; got ${values.length}`);
  }
  const wildcards = values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
  if (wildcards > MAX_WILDCARDS) {
    throw invalid(`A rule can have at most ${MAX_WILDCARDS} wildcards in its conditions; got ${wildcards}`);
  }
  return conditions;
}

function matchValues(c: Condition): string[] {
  return c.field === 'query-string' ? c.pairs.map((p) => `${p.key ?? ''}${p.value}`) : c.values;
}

function readCondition(c: Record<string, any>): Condition {
  const field = asString(c?.Field) as ConditionField;
  if (!FIELDS.includes(field)) throw invalid(`Condition field '${field}' must be one of '[${FIELDS.join(', ')}]'`);
  const member = CONFIG_MEMBER[field];
  for (const [f, m] of Object.entries(CONFIG_MEMBER)) {
    if (f !== field && c[m] !== undefined) {
      throw invalid(`'${m}' cannot be specified for a condition of type '${field}'; use '${member}'`);
    }
  }
  if (c.RegexValues !== undefined || c[member]?.RegexValues !== undefined) {
    throw invalid(`RegexValues in a '${field}' condition are not supported by this emulator`);
  }
  const legacy = c.Values !== undefined ? asList<string>(c.Values).map(String) : undefined;
  const config = c[member] as Record<string, any> | undefined;
  if (legacy !== undefined && config !== undefined) {
    throw invalid(`You cannot provide both Values and '${member}' for a condition of type '${field}'`);
  }
  if (legacy !== undefined && field !== 'host-header' && field !== 'path-pattern') {
    throw invalid(
      `Values can be specified only for 'host-header' and 'path-pattern' conditions; use '${member}' for '${field}'`,
    );
  }
  if (legacy === undefined && config === undefined) {
    throw invalid(`You must provide either Values or '${member}' for a condition of type '${field}'`);
  }
  if (field === 'query-string') {
    const pairs = asList<Record<string, unknown>>(config!.Values).map((p) => {
      const key = asString(p?.Key);
      const value = asString(p?.Value) ?? '';
      return key === undefined ? { value } : { key, value };
    });
    checkValues(
      field,
      pairs.map((p) => p.value),
    );
    return { field, pairs };
  }
  const values = legacy ?? asList<string>(config!.Values).map(String);
  checkValues(field, values, field === 'http-request-method' ? 40 : 128);
  if (field === 'http-header') {
    const name = asString(config!.HttpHeaderName) ?? '';
    if (name.length < 1 || name.length > 40) {
      throw invalid(`HTTP header name '${name}' must be 1 to 40 characters long`);
    }
    return { field, headerName: name, values };
  }
  if (field === 'http-request-method') {
    const bad = values.find((v) => !/^[A-Z_-]+$/.test(v));
    if (bad !== undefined)
      throw invalid(`HTTP request method '${bad}' may contain only A-Z, hyphen (-) and underscore (_)`);
  }
  if (field === 'source-ip') {
    const bad = values.find((v) => !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(v));
    if (bad !== undefined) throw invalid(`Source IP '${bad}' must be an address in CIDR format`);
  }
  return { field, values };
}

function checkValues(field: ConditionField, values: string[], maxLength = 128): void {
  if (values.length === 0) {
    throw invalid(`A condition of type '${field}' must have at least one value`);
  }
  if (values.length > MAX_PER_CONDITION) {
    throw invalid(`A condition of type '${field}' can have at most ${MAX_PER_CONDITION} values; got ${values.length}`);
  }
  const bad = values.find((v) => v.length < 1 || v.length > maxLength);
  if (bad !== undefined) throw invalid(`Condition value '${bad}' must be 1 to ${maxLength} characters long`);
}
