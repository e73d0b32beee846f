/**
 * Discovery (legacy, non-aggregated: kubectl falls back to it when /api and /apis answer plain
 * application/json) and the minimal OpenAPI documents kubectl needs:
 * - /openapi/v3 + per-group-version documents whose PATCH operations carry
 *   `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter, so kubectl delegates
 *   field validation to the server instead of validating against schemas we do not publish. They
 *   declare no request body, so kubectl computes client-side apply patches from its compiled-in
 *   types (built-ins) or as JSON merge patches (custom resources), as it would without OpenAPI.
 * - /openapi/v2 as an empty protobuf Document (kubectl only asks for protobuf), i.e. "no schemas".
 */
import { createHash } from 'node:crypto';
import { ALL_VERBS, apiVersionOf, type ResourceDef, type ResourceRegistry } from './resources.ts';

const SUB_VERBS = ['get', 'patch', 'update'];

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string, versions: string[]) {
  const vs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(reg: ResourceRegistry) {
  const groups = [...reg.groupVersions()].filter(([g]) => g !== '').map(([g, vs]) => groupEntry(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(reg: ResourceRegistry, group: string) {
  const vs = reg.groupVersions().get(group);
  return vs && group ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, vs) } : undefined;
}

export function apiResourceList(reg: ResourceRegistry, group: string, version: string) {
  const defs = reg.all().filter((d) => d.group === group && d.version === version);
  if (!defs.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    resources.push({
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: ALL_VERBS,
      ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories.length ? { categories: d.categories } : {}),
      storageVersionHash: createHash('sha256').update(`${d.group}/${d.resource}`).digest('base64').slice(0, 11),
    });
    for (const sub of d.subresources) {
      resources.push({
        name: `${d.resource}/${sub}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: d.kind }),
        verbs: SUB_VERBS,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function patchOperation(d: ResourceDef) {
  const q = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  return {
    operationId: `patch${d.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: d.group, version: d.version, kind: d.kind },
    parameters: [q('dryRun'), q('fieldManager'), q('fieldValidation'), { ...q('force'), schema: { type: 'boolean' } }],
    responses: { '200': { description: 'OK' } },
  };
}

/** The OpenAPI v3 document of one group/version. */
export function openApiV3Doc(reg: ResourceRegistry, group: string, version: string) {
  const defs = reg.all().filter((d) => d.group === group && d.version === version);
  if (!defs.length) return undefined;
  const paths: Record<string, unknown> = {};
  for (const d of defs) {
    const base = `/${gvPath(group, version)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}/{name}`;
    const gvk = { group: d.group, version: d.version, kind: d.kind };
    paths[base] = {
      get: {
        operationId: `read${d.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        responses: { '200': { description: 'OK' } },
      },
      patch: patchOperation(d),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

/** The /openapi/v3 index, one entry per group/version, each URL carrying its document's hash. */
export function openApiV3Root(reg: ResourceRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of reg.groupVersions()) {
    for (const version of versions) {
      const p = gvPath(group, version);
      const hash = createHash('sha512')
        .update(JSON.stringify(openApiV3Doc(reg, group, version)))
        .digest('hex')
        .slice(0, 128);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash.toUpperCase()}` };
    }
  }
  return { paths };
}

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

export function openApiV2Json() {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} };
}
