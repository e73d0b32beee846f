import type { RolloutSpec } from '../spec/types.ts';

/**
 * The TargetGroupBindings a rollout needs (`cutover bind`): for every route with a `binding` and
 * every cluster, one binding in that cluster registering its Service's pods into that cluster's
 * target group of the route. Pure: manifests in, the CLI applies them (server-side apply).
 */
export interface BindingManifest {
  apiVersion: string;
  kind: 'TargetGroupBinding';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    serviceRef: { name: string; port: number | string };
    targetGroupARN: string;
    targetType: 'ip';
  };
}

export interface ClusterBindings {
  cluster: string;
  context: string;
  bindings: BindingManifest[];
}

export function rolloutBindings(rollout: RolloutSpec, apiVersion = 'cutover.dev/v1alpha1'): ClusterBindings[] {
  const { spec } = rollout;
  return spec.clusters.map((c) => ({
    cluster: c.name,
    context: c.context,
    bindings: spec.routes.flatMap((r) =>
      r.binding
        ? [
            {
              apiVersion,
              kind: 'TargetGroupBinding' as const,
              metadata: {
                name: r.name,
                namespace: r.binding.namespace,
                labels: {
                  'app.kubernetes.io/managed-by': 'cutover',
                  'cutover.dev/rollout': rollout.metadata.name,
                  'cutover.dev/cluster': c.name,
                },
              },
              spec: {
                serviceRef: { name: r.binding.service, port: r.binding.port },
                targetGroupARN: r.targetGroups[c.name]!,
                targetType: 'ip' as const,
              },
            },
          ]
        : [],
    ),
  }));
}
