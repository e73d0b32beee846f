import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** The field manager cutover applies as (kubectl shows it in managedFields). */
export const FIELD_MANAGER = 'cutover';

/**
 * Server-side applies a namespaced custom object (create or update, owning the fields it sets).
 * `force` takes over fields another manager set, as `kubectl apply --server-side --force-conflicts`;
 * `dryRun` has the API server check everything (RBAC, namespace, schema, validation rules) and
 * persist nothing, as `kubectl apply --dry-run=server`.
 */
export async function applyCustomObject(
  kc: KubeConfig,
  obj: { apiVersion: string; kind: string; metadata: { name: string; namespace: string } },
  plural: string,
  force = true,
  dryRun = false,
): Promise<void> {
  const [group, version] = obj.apiVersion.split('/') as [string, string];
  await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
    {
      group,
      version,
      plural,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      body: obj,
      fieldManager: FIELD_MANAGER,
      force,
      ...(dryRun ? { dryRun: 'All' } : {}),
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}
