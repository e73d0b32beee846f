import type { RolloutSpec } from '../spec/types.ts';

/**
 * The least-privilege IAM policy for the driver of one rollout, scoped to the rollout's own
 * listeners, rules, alarms and roles. Scoping follows the Service Authorization Reference
 * ("Actions, resources, and condition keys for Elastic Load Balancing V2" and "… for Amazon
 * CloudWatch"): the ELBv2 Describe* actions and cloudwatch:GetMetricData take no resource-level
 * permissions, so they are granted on "*" — they read, never change. Everything that writes
 * (ModifyListener, ModifyRule, AddTags, RemoveTags) names the exact ARNs.
 */
export interface IamPolicy {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

export function driverPolicy(rollout: RolloutSpec): IamPolicy {
  const { spec } = rollout;
  const listeners = spec.routes.filter((r) => r.kind === 'listener').map((r) => r.arn);
  const rules = spec.routes.filter((r) => r.kind === 'rule').map((r) => r.arn);
  const routeArns = [...listeners, ...rules];
  // Validated ARNs: arn:<partition>:elasticloadbalancing:<region>:<account>:…
  const [, partition, , , account] = routeArns[0]!.split(':');
  const alarms = [...new Set(spec.gates.checks.flatMap((c) => (c.type === 'alarm' ? c.names : [])))].map(
    (name) => `arn:${partition}:cloudwatch:${spec.region}:${account}:alarm:${name}`,
  );
  const roles = [...new Set(spec.clusters.flatMap((c) => (c.assumeRole ? [c.assumeRole.roleArn] : [])))];

  const statements: IamStatement[] = [
    {
      Sid: 'ReadRoutesAndTargetHealth',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetHealth',
      ],
      Resource: '*',
    },
  ];
  if (listeners.length) {
    statements.push({
      Sid: 'ShiftListenerWeights',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:ModifyListener'],
      Resource: listeners,
    });
  }
  if (rules.length) {
    statements.push({
      Sid: 'ShiftRuleWeights',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:ModifyRule'],
      Resource: rules,
    });
  }
  statements.push(
    {
      Sid: 'RecordStateAndLeaseInTags',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      Resource: routeArns,
    },
    { Sid: 'ReadGateMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  );
  if (alarms.length) {
    statements.push({
      Sid: 'ReadGateAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
      Resource: alarms,
    });
  }
  if (roles.length) {
    statements.push({ Sid: 'AssumeClusterRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: roles });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The agent's policy in one cluster: register and deregister in that cluster's own target groups
 * only (the rollout's groups for the cluster), and the reads that take no resource scoping.
 */
export function agentPolicy(rollout: RolloutSpec, cluster: string): IamPolicy {
  const groups = [...new Set(rollout.spec.routes.map((r) => r.targetGroups[cluster]).filter((a): a is string => !!a))];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadTargetHealthAndTags',
        Effect: 'Allow',
        Action: [
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTags',
        ],
        Resource: '*',
      },
      {
        Sid: 'RegisterThisClustersTargets',
        Effect: 'Allow',
        Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        Resource: groups,
      },
    ],
  };
}
