/**
 * The agent manages only target groups allowed for its cluster, so a namespace cannot point a
 * binding at another team's (or the other cluster's) target group and hijack its traffic. A
 * target group is allowed when its ARN matches one of the allow-list patterns (`*` matches any
 * run of characters) or it carries the tag `cutover.dev/cluster=<this cluster>`.
 */
export const CLUSTER_TAG = 'cutover.dev/cluster';

export interface GuardRail {
  cluster: string;
  allow: readonly string[];
}

export function allowedByPattern(arn: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`).test(arn));
}

export function allowedByTag(tags: Record<string, string>, cluster: string): boolean {
  return tags[CLUSTER_TAG] === cluster;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
