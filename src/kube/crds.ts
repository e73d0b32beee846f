import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  ApiextensionsV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { CutoverError, ExitCode } from '../errors.ts';
import type { BindingApi } from './agent-cluster.ts';
import { kubeError, serverOf, whereKube } from './errors.ts';

/** The CRD manifests shipped in deploy/crd/ (dist/kube and src/kube are both two levels down). */
const CRD_FILES: Record<string, string> = {
  'cutover.dev': 'targetgroupbindings.cutover.dev.yaml',
  'elbv2.k8s.aws': 'targetgroupbindings.elbv2.k8s.aws.yaml',
};

function crdUrl(api: BindingApi): URL {
  return new URL(`../../deploy/crd/${CRD_FILES[api.group]}`, import.meta.url);
}

export function bindingCrd(api: BindingApi): V1CustomResourceDefinition {
  return parse(readFileSync(crdUrl(api), 'utf8')) as V1CustomResourceDefinition;
}

/** The CRD's file as a user would type it from `cwd`: relative when under it, else absolute. */
export function crdPath(api: BindingApi, cwd: string): string {
  const file = fileURLToPath(crdUrl(api));
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : file;
}

/**
 * Creates the binding CRD when the cluster lacks it (`cutover agent --install-crds`). An existing
 * CRD is left alone: in a cluster that runs the AWS Load Balancer Controller, its own CRD wins.
 */
export async function installBindingCrds(
  kc: KubeConfig,
  api: BindingApi,
  where: { context: string; cluster?: string } = { context: kc.getCurrentContext() },
): Promise<'created' | 'present'> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const crd = bindingCrd(api);
  const call = { ...where, server: serverOf(kc), resource: 'customresourcedefinitions.apiextensions.k8s.io' };
  try {
    await ext.readCustomResourceDefinition({ name: crd.metadata!.name! });
    return 'present';
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 404)) throw kubeError(e, { ...call, verb: 'get' });
  }
  try {
    await ext.createCustomResourceDefinition({ body: crd });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw kubeError(e, { ...call, verb: 'create' });
  }
  return 'created';
}

/**
 * Whether the cluster serves `api` (its group/version lists the bindings' resource), asked
 * through discovery, which every authenticated identity may read. Other failures (unreachable,
 * credentials refused) are thrown as CutoverErrors naming the cluster.
 */
export async function servesBindingApi(
  kc: KubeConfig,
  api: BindingApi,
  where: { context: string; cluster?: string },
): Promise<boolean> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  try {
    const list = await custom.getAPIResources({ group: api.group, version: api.version });
    return (list.resources ?? []).some((r) => r.name === api.plural);
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return false;
    throw kubeError(e, {
      ...where,
      server: serverOf(kc),
      verb: 'get',
      resource: `the API group ${api.group}/${api.version}`,
    });
  }
}

/**
 * The error for clusters without the binding CRD: which clusters, which API group/version, and
 * how to install it there (the agent's --install-crds, or kubectl with the shipped manifest).
 */
export function missingCrdError(
  api: BindingApi,
  where: ReadonlyArray<{ context: string; cluster?: string }>,
  cwd: string,
): CutoverError {
  const gv = `${api.group}/${api.version}`;
  const crd = `${api.plural}.${api.group}`;
  const names = where.map(whereKube).join(', ');
  const file = crdPath(api, cwd);
  const compat = api.group === 'elbv2.k8s.aws';
  const agent = (c: { context: string; cluster?: string }) =>
    `cutover agent --cluster-name ${c.cluster ?? c.context} --context ${c.context}${compat ? ` --binding-api ${gv}` : ''} --install-crds`;
  const kubectl = (c: { context: string }) => `kubectl --context ${c.context} apply -f ${file}`;
  return new CutoverError(
    'E_KUBE_NO_CRD',
    `${names} ${where.length === 1 ? 'does' : 'do'} not serve the TargetGroupBinding API ${gv}: the CRD ${crd} is not installed`,
    {
      hint: `install it, then run this again: start the agent there with --install-crds (${where.map(agent).join('; ')}), or apply the CRD alone (${where.map(kubectl).join('; ')})${compat ? ', or install the AWS Load Balancer Controller, whose CRD it is' : ''}`,
      exitCode: ExitCode.invalid,
    },
  );
}
