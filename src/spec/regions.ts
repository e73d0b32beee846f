/**
 * AWS partitions and the regions in each, as one table: the region a rollout names, the
 * partition its ARNs must carry, and the JSON Schema's region pattern all come from here.
 * Source: botocore 1.43 `data/partitions.json` (`regionRegex` of each partition), with `\w`
 * narrowed to lowercase letters as real region names are. A new partition, or a region prefix
 * AWS adds later, needs a row here before cutover accepts it.
 */
export const PARTITION_REGIONS = [
  { partition: 'aws', regions: '(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\\d+' },
  { partition: 'aws-cn', regions: 'cn-[a-z]+-\\d+' },
  { partition: 'aws-us-gov', regions: 'us-gov-[a-z]+-\\d+' },
  { partition: 'aws-iso', regions: 'us-iso-[a-z]+-\\d+' },
  { partition: 'aws-iso-b', regions: 'us-isob-[a-z]+-\\d+' },
  { partition: 'aws-iso-e', regions: 'eu-isoe-[a-z]+-\\d+' },
  { partition: 'aws-iso-f', regions: 'us-isof-[a-z]+-\\d+' },
  { partition: 'aws-eusc', regions: 'eusc-de-[a-z]+-\\d+' },
] as const;

export type Partition = (typeof PARTITION_REGIONS)[number]['partition'];
export const PARTITIONS: readonly Partition[] = PARTITION_REGIONS.map((p) => p.partition);

/** Any region of any partition (the patterns are disjoint: each region has one partition). */
export const REGION_PATTERN = new RegExp(`^(?:${PARTITION_REGIONS.map((p) => p.regions).join('|')})$`);
export const REGION_ALLOWED = 'an AWS region such as us-east-1';

const BY_PARTITION = PARTITION_REGIONS.map((p) => [p.partition, new RegExp(`^${p.regions}$`)] as const);

/** The partition a region belongs to (cn-* → aws-cn, us-gov-* → aws-us-gov, …); undefined for no region. */
export function partitionOfRegion(region: string): Partition | undefined {
  return BY_PARTITION.find(([, re]) => re.test(region))?.[0];
}

/** Partition names in words for hints: "aws, aws-cn, …". */
export function partitionList(): string {
  return PARTITIONS.join(', ');
}
