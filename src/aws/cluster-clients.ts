import type { ClusterSpec } from '../spec/types.ts';
import { type AwsClientOptions, type AwsClients, createAwsClients } from './clients.ts';

/**
 * The clients of a rollout: one set for the default identity (the routes' listeners and rules,
 * CloudWatch) and one per distinct cluster `assumeRole`, shared by the clusters naming the same
 * role and external id (so each role is assumed once and its credentials cached once).
 */
export interface RolloutClients {
  main: AwsClients;
  /** The clients a cluster's calls go through (its role's, else `main`). */
  forCluster(name: string): AwsClients;
  destroy(): void;
}

export function createRolloutClients(
  o: Omit<AwsClientOptions, 'assumeRole'> & { clusters: readonly ClusterSpec[] },
): RolloutClients {
  const { clusters, ...base } = o;
  const main = createAwsClients(base);
  const byRole = new Map<string, AwsClients>();
  const byCluster = new Map<string, AwsClients>();
  for (const c of clusters) {
    if (!c.assumeRole) {
      byCluster.set(c.name, main);
      continue;
    }
    const key = `${c.assumeRole.roleArn}\n${c.assumeRole.externalId ?? ''}`;
    if (!byRole.has(key)) byRole.set(key, createAwsClients({ ...base, assumeRole: c.assumeRole }));
    byCluster.set(c.name, byRole.get(key)!);
  }
  return {
    main,
    forCluster: (name) => byCluster.get(name) ?? main,
    destroy: () => {
      main.destroy();
      for (const c of byRole.values()) c.destroy();
    },
  };
}
