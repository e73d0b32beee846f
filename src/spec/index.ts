/** The rollout spec: loading, validation, JSON Schema, and the helpers other modules need. */
export { MAX_SHARE_PERCENT, MIN_SHARE_PERCENT, unrepresentableShare } from './alb-share.ts';
export {
  type ElbArn,
  type ElbResourceType,
  type IamRoleArn,
  listenerArnOf,
  loadBalancerArnOf,
  loadBalancerDimension,
  parseElbArn,
  parseIamRoleArn,
  targetGroupDimension,
} from './arn.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { specHash } from './hash.ts';
export { rolloutJsonSchema } from './json-schema.ts';
export { loadRolloutFile, parseRollout } from './load.ts';
export { formatPercent, parsePercent } from './percent.ts';
export { type Partition, partitionOfRegion } from './regions.ts';
export * from './types.ts';
