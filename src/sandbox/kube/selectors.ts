/**
 * Label selectors (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`, `>`, `<`) and field selectors
 * (`=`, `==`, `!=` on the fields the real API server indexes per resource), parsed once per
 * request into predicates.
 */
import { badRequest } from './errors.ts';

type Labels = Record<string, string> | undefined;
export type Predicate<T> = (x: T) => boolean;

interface Requirement {
  key: string;
  op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';
  values: string[];
}

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const setRe = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const cmpRe = /^([^\s!=<>(),]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/;
const existsRe = /^(!?)\s*([^\s!=<>(),]+)$/;

function parseRequirement(term: string, whole: string): Requirement {
  let m = setRe.exec(term);
  if (m) {
    const values = m[3]!
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
  }
  m = cmpRe.exec(term);
  if (m) {
    const op = m[2] === '!=' ? 'neq' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : 'eq';
    return { key: m[1]!, op, values: [m[3]!] };
  }
  m = existsRe.exec(term);
  if (m) return { key: m[2]!, op: m[1] ? '!exists' : 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${term}', in selector '${whole}'`);
}

function matches(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const v = has ? labels![r.key]! : undefined;
  switch (r.op) {
    case 'eq':
      return has && v === r.values[0];
    case 'neq':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'gt':
      return has && Number(v) > Number(r.values[0]);
    case 'lt':
      return has && Number(v) < Number(r.values[0]);
  }
}

/** Parses a label selector; an empty or absent selector matches everything. */
export function parseLabelSelector(selector: string | undefined): Predicate<Labels> {
  if (!selector?.trim()) return () => true;
  const reqs = splitTop(selector).map((t) => parseRequirement(t, selector));
  return (labels) => reqs.every((r) => matches(r, labels));
}

const commonFields = ['metadata.name', 'metadata.namespace'];

/** Field selectors each resource supports (k8s.io/kubernetes pkg/registry/…/strategy.go). */
const fieldsByResource: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  'events.k8s.io/events': ['regarding.kind', 'regarding.namespace', 'regarding.name', 'reason', 'type'],
};

function fieldValue(obj: any, path: string): string {
  let cur = obj;
  for (const p of path.split('.')) cur = cur == null ? undefined : cur[p];
  if (path === 'source' && cur && typeof cur === 'object') cur = cur.component;
  if (cur === undefined || cur === null) return path === 'spec.hostNetwork' ? 'false' : '';
  return String(cur);
}

/** Parses a field selector for one resource (`group/resource`); unknown fields → 400. */
export function parseFieldSelector(selector: string | undefined, storage: string): Predicate<any> {
  if (!selector?.trim()) return () => true;
  const allowed = [...commonFields, ...(fieldsByResource[storage] ?? [])];
  const reqs = splitTop(selector).map((term) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1]!;
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, neq: m[2] === '!=', value: m[3]!.trim() };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.neq);
}
