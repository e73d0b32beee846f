/**
 * admissionregistration.k8s.io/v1 MutatingWebhookConfiguration as the API server stores it: the
 * v1 defaults (SetDefaults_MutatingWebhook) and the validation of the fields admission.ts acts on
 * (pkg/apis/admissionregistration/validation). Docs:
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
 * and the API reference of MutatingWebhookConfiguration v1.
 */
import { fieldInvalid, fieldRequired, type StatusCause } from './errors.ts';
import { isPlainObject } from './json-util.ts';

export const WEBHOOK_CONFIGS = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'mutatingwebhookconfigurations',
} as const;

/** The AdmissionReview versions this API server speaks (v1 only: v1beta1 reviews are not sent). */
export const REVIEW_VERSIONS = ['v1'];
const KNOWN_REVIEW_VERSIONS = ['v1', 'v1beta1'];

/** The v1 defaults, applied on every write (idempotent). */
export function defaultWebhookConfiguration(obj: Record<string, any>): void {
  for (const h of Array.isArray(obj.webhooks) ? obj.webhooks : []) {
    if (!isPlainObject(h)) continue;
    h.failurePolicy ??= 'Fail';
    h.matchPolicy ??= 'Equivalent';
    h.namespaceSelector ??= {};
    h.objectSelector ??= {};
    h.timeoutSeconds ??= 10;
    h.reinvocationPolicy ??= 'Never';
    for (const r of Array.isArray(h.rules) ? h.rules : []) if (isPlainObject(r)) r.scope ??= '*';
    if (isPlainObject(h.clientConfig?.service)) h.clientConfig.service.port ??= 443;
  }
}

const unsupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  field,
});

/** A webhook name is a qualified DNS name with at least three segments (`pods.webhook.example.com`). */
const webhookName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){2,}$/;

/**
 * 422 causes for a MutatingWebhookConfiguration, in the real field paths. [U: the texts follow
 * the validation code's messages as far as known; rules are checked only for operations.]
 */
export function webhookConfigurationCauses(obj: Record<string, any>): StatusCause[] {
  const causes: StatusCause[] = [];
  const hooks: unknown[] = Array.isArray(obj.webhooks) ? obj.webhooks : [];
  const seen = new Set<string>();
  hooks.forEach((raw, i) => {
    const p = `webhooks[${i}]`;
    const h = (isPlainObject(raw) ? raw : {}) as Record<string, any>;
    const name = String(h.name ?? '');
    if (!name) causes.push(fieldRequired(`${p}.name`, ''));
    else if (!webhookName.test(name) || name.length > 253) {
      causes.push(fieldInvalid(`${p}.name`, name, 'should be a domain with at least three segments separated by dots'));
    } else if (seen.has(name)) {
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(name)}`,
        field: `${p}.name`,
      });
    }
    seen.add(name);
    const versions: unknown[] = Array.isArray(h.admissionReviewVersions) ? h.admissionReviewVersions : [];
    if (versions.length === 0) {
      causes.push(
        fieldRequired(`${p}.admissionReviewVersions`, `must specify one of ${KNOWN_REVIEW_VERSIONS.join(', ')}`),
      );
    } else if (!versions.some((v) => KNOWN_REVIEW_VERSIONS.includes(String(v)))) {
      causes.push(
        fieldInvalid(
          `${p}.admissionReviewVersions`,
          versions,
          `must include at least one of ${KNOWN_REVIEW_VERSIONS.join(', ')}`,
        ),
      );
    }
    if (h.sideEffects === undefined) {
      causes.push(fieldRequired(`${p}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
    } else if (h.sideEffects !== 'None' && h.sideEffects !== 'NoneOnDryRun') {
      causes.push(unsupported(`${p}.sideEffects`, h.sideEffects, ['None', 'NoneOnDryRun']));
    }
    if (h.failurePolicy !== undefined && h.failurePolicy !== 'Fail' && h.failurePolicy !== 'Ignore') {
      causes.push(unsupported(`${p}.failurePolicy`, h.failurePolicy, ['Fail', 'Ignore']));
    }
    if (h.matchPolicy !== undefined && h.matchPolicy !== 'Exact' && h.matchPolicy !== 'Equivalent') {
      causes.push(unsupported(`${p}.matchPolicy`, h.matchPolicy, ['Equivalent', 'Exact']));
    }
    if (h.reinvocationPolicy !== undefined && h.reinvocationPolicy !== 'Never' && h.reinvocationPolicy !== 'IfNeeded') {
      causes.push(unsupported(`${p}.reinvocationPolicy`, h.reinvocationPolicy, ['IfNeeded', 'Never']));
    }
    if (
      h.timeoutSeconds !== undefined &&
      !(Number.isInteger(h.timeoutSeconds) && h.timeoutSeconds >= 1 && h.timeoutSeconds <= 30)
    ) {
      causes.push(
        fieldInvalid(`${p}.timeoutSeconds`, h.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'),
      );
    }
    (Array.isArray(h.rules) ? h.rules : []).forEach((r: Record<string, any>, j: number) => {
      for (const [k, op] of (Array.isArray(r?.operations) ? r.operations : []).entries()) {
        if (!['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(op)) {
          causes.push(
            unsupported(`${p}.rules[${j}].operations[${k}]`, op, ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE']),
          );
        }
      }
      if (r?.scope !== undefined && !['*', 'Cluster', 'Namespaced'].includes(r.scope)) {
        causes.push(unsupported(`${p}.rules[${j}].scope`, r.scope, ['*', 'Cluster', 'Namespaced']));
      }
    });
    causes.push(...clientConfigCauses(`${p}.clientConfig`, h.clientConfig));
  });
  return causes;
}

function clientConfigCauses(p: string, cc: Record<string, any> | undefined): StatusCause[] {
  const hasUrl = typeof cc?.url === 'string';
  const hasService = isPlainObject(cc?.service);
  if (hasUrl === hasService) return [fieldRequired(p, 'exactly one of url or service is required')];
  if (hasService) {
    const s = cc!.service;
    const causes: StatusCause[] = [];
    if (!s.name) causes.push(fieldRequired(`${p}.service.name`, 'service name is required'));
    if (!s.namespace) causes.push(fieldRequired(`${p}.service.namespace`, 'service namespace is required'));
    if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) {
      causes.push(
        fieldInvalid(`${p}.service.port`, s.port, 'port is not valid: must be between 1 and 65535, inclusive'),
      );
    }
    return causes;
  }
  const raw = String(cc!.url);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return [fieldInvalid(`${p}.url`, raw, 'host must be specified')];
  }
  if (u.protocol !== 'https:') return [fieldInvalid(`${p}.url`, raw, "'https' is the only allowed URL scheme")];
  if (u.username || u.password) return [fieldInvalid(`${p}.url`, raw, 'user information is not permitted in the URL')];
  if (u.hash || raw.includes('#')) return [fieldInvalid(`${p}.url`, raw, 'fragments are not permitted in the URL')];
  if (u.search) return [fieldInvalid(`${p}.url`, raw, 'query parameters are not permitted in the URL')];
  return [];
}
