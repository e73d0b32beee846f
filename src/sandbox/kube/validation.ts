/**
 * Semantic validation (422 Invalid) as the API server's ObjectMeta and per-kind validators do it:
 * names and generateName, owner references, and the kind rules in validation-kinds.ts. Causes are
 * reported together, in the real order (metadata first).
 */
import { fieldInvalid, invalid, type StatusCause } from './errors.ts';
import type { ResourceDef } from './resources.ts';
import { kindCauses } from './validation-kinds.ts';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** `creating`: create-only checks apply (generateName). */
export function validate(def: ResourceDef, obj: Record<string, any>, creating: boolean): void {
  const meta = obj.metadata ?? {};
  const name = String(meta.name ?? '');
  const causes: StatusCause[] = [];
  if (creating && meta.generateName) causes.push(...nameCauses(def, String(meta.generateName), 'generateName', true));
  causes.push(...nameCauses(def, name, 'name', false));
  causes.push(...ownerReferenceCauses(meta.ownerReferences));
  causes.push(...kindCauses(def, obj));
  if (causes.length) throw invalid(def.kind, def.group, name, causes);
}

/**
 * A generateName prefix is checked as Go's `maskTrailingDash` leaves it: a trailing '-' and the
 * character before it become "a" (so `web-` passes, `web.` does not).
 */
function nameCauses(def: ResourceDef, value: string, field: string, prefix: boolean): StatusCause[] {
  const v = prefix && value.length > 1 && value.endsWith('-') ? `${value.slice(0, -2)}a` : value;
  const label = def.resource === 'namespaces' || def.resource === 'services';
  const ok = label ? v.length <= 63 && dns1123Label.test(v) : v.length <= 253 && dns1123Subdomain.test(v);
  return ok ? [] : [fieldInvalid(`metadata.${field}`, value, label ? LABEL_MSG : SUBDOMAIN_MSG)];
}

/** ValidateOwnerReferences: the path has no index, as in the real messages. */
function ownerReferenceCauses(refs: unknown): StatusCause[] {
  if (!Array.isArray(refs)) return [];
  const path = 'metadata.ownerReferences';
  const causes: StatusCause[] = [];
  let firstController = '';
  for (const r of refs as Record<string, any>[]) {
    const version =
      String(r?.apiVersion ?? '')
        .split('/')
        .pop() ?? '';
    if (!version) causes.push(fieldInvalid(`${path}.apiVersion`, r?.apiVersion ?? '', 'version must not be empty'));
    if (!r?.kind) causes.push(fieldInvalid(`${path}.kind`, r?.kind ?? '', 'kind must not be empty'));
    if (!r?.name) causes.push(fieldInvalid(`${path}.name`, r?.name ?? '', 'name must not be empty'));
    if (!r?.uid) causes.push(fieldInvalid(`${path}.uid`, r?.uid ?? '', 'uid must not be empty'));
    if (r?.controller !== true) continue;
    const current = `${r.kind}/${r.name}`;
    if (!firstController) firstController = current;
    else {
      // [U] Go prints the whole list with %#v (pointer addresses included); the value here is JSON.
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(refs)}: Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        field: path,
      });
    }
  }
  return causes;
}
