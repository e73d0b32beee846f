/** A kubeconfig with one cluster, user and context per simulated cluster, each named after it. */
import { stringify } from 'yaml';

export interface KubeconfigCluster {
  name: string;
  url: string;
  caPem: string;
  token: string;
}

export function kubeconfigYaml(clusters: KubeconfigCluster[], currentContext?: string): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.url, 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') },
    })),
    users: clusters.map((c) => ({ name: c.name, user: { token: c.token } })),
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user: c.name, namespace: 'default' } })),
    'current-context': currentContext ?? clusters[0]?.name ?? '',
  };
  return stringify(doc, { lineWidth: 0 });
}
