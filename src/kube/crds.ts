import { readFileSync } from 'node:fs';
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { BindingApi } from './agent-cluster.ts';

/** The CRD manifests shipped in deploy/crd/ (dist/kube and src/kube are both two levels down). */
const CRD_FILES: Record<string, string> = {
  'cutover.dev': 'targetgroupbindings.cutover.dev.yaml',
  'elbv2.k8s.aws': 'targetgroupbindings.elbv2.k8s.aws.yaml',
};

export function bindingCrd(api: BindingApi): V1CustomResourceDefinition {
  const file = new URL(`../../deploy/crd/${CRD_FILES[api.group]}`, import.meta.url);
  return parse(readFileSync(file, 'utf8')) as V1CustomResourceDefinition;
}

/**
 * Creates the binding CRD when the cluster lacks it (`cutover agent --install-crds`). An existing
 * CRD is left alone: in a cluster that runs the AWS Load Balancer Controller, its own CRD wins.
 */
export async function installBindingCrds(kc: KubeConfig, api: BindingApi): Promise<'created' | 'present'> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const crd = bindingCrd(api);
  try {
    await ext.readCustomResourceDefinition({ name: crd.metadata!.name! });
    return 'present';
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
  }
  try {
    await ext.createCustomResourceDefinition({ body: crd });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
  return 'created';
}
