/**
 * Validation of Deployments and ReplicaSets (pkg/apis/apps/validation): a selector is required and
 * must select the template's labels, replicas may not be negative, and the template needs
 * containers. The template labels are printed as Go's `%#v` prints a map (sorted keys).
 */
import { fieldInvalid, fieldRequired, type StatusCause } from './errors.ts';

/** Whether a metav1.LabelSelector (matchLabels and matchExpressions) selects `labels`. */
export function labelSelectorMatches(sel: Record<string, any>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries<string>(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e?.key);
    const inValues = has && (e?.values ?? []).includes(labels[e.key]);
    const ok =
      e?.operator === 'In'
        ? inValues
        : e?.operator === 'NotIn'
          ? !inValues
          : e?.operator === 'Exists'
            ? has
            : e?.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

const goMap = (m: Record<string, string>) =>
  `map[string]string{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ')}}`;

export function workloadCauses(obj: Record<string, any>): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  const sel = spec.selector;
  const empty = !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);
  if (empty) causes.push(fieldRequired('spec.selector', ''));
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    causes.push(fieldInvalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  const labels: Record<string, string> = spec.template?.metadata?.labels ?? {};
  if (!empty && !labelSelectorMatches(sel, labels)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    });
  }
  const containers = spec.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    causes.push(fieldRequired('spec.template.spec.containers', ''));
  return causes;
}
