/**
 * Generated from botocore `elbv2/2015-12-01/service-2.json`: for each emulated operation, the
 * input members that are not plain strings — integers (`i`), booleans (`b`), lists (`l`), maps
 * (`m`) and the structures holding them (`o`). `input-decode.ts` converts a request by it once,
 * at the protocol facade.
 */
export type Desc = 'i' | 'b' | 'n' | 't' | 's' | { l: Desc } | { m: Desc } | { o: Record<string, Desc> };

const ACTIONS: Desc = {
  l: {
    o: {
      AuthenticateOidcConfig: {
        o: { SessionTimeout: 'i', AuthenticationRequestExtraParams: { m: 's' }, UseExistingClientSecret: 'b' },
      },
      AuthenticateCognitoConfig: { o: { SessionTimeout: 'i', AuthenticationRequestExtraParams: { m: 's' } } },
      Order: 'i',
      ForwardConfig: {
        o: {
          TargetGroups: { l: { o: { Weight: 'i' } } },
          TargetGroupStickinessConfig: { o: { Enabled: 'b', DurationSeconds: 'i' } },
        },
      },
      JwtValidationConfig: { o: { AdditionalClaims: { l: { o: { Values: { l: 's' } } } } } },
    },
  },
};

const CONDITIONS: Desc = {
  l: {
    o: {
      Values: { l: 's' },
      HostHeaderConfig: { o: { Values: { l: 's' }, RegexValues: { l: 's' } } },
      PathPatternConfig: { o: { Values: { l: 's' }, RegexValues: { l: 's' } } },
      HttpHeaderConfig: { o: { Values: { l: 's' }, RegexValues: { l: 's' } } },
      QueryStringConfig: { o: { Values: { l: 's' } } },
      HttpRequestMethodConfig: { o: { Values: { l: 's' } } },
      SourceIpConfig: { o: { Values: { l: 's' } } },
      RegexValues: { l: 's' },
    },
  },
};

export const INPUT_SHAPES: Readonly<Record<string, Record<string, Desc>>> = {
  CreateLoadBalancer: { Subnets: { l: 's' }, SubnetMappings: { l: 's' }, SecurityGroups: { l: 's' }, Tags: { l: 's' } },
  DescribeLoadBalancers: { LoadBalancerArns: { l: 's' }, Names: { l: 's' }, PageSize: 'i' },
  DeleteLoadBalancer: {},
  CreateListener: {
    Port: 'i',
    Certificates: { l: { o: { IsDefault: 'b' } } },
    DefaultActions: ACTIONS,
    AlpnPolicy: { l: 's' },
    Tags: { l: 's' },
    MutualAuthentication: { o: { IgnoreClientCertificateExpiry: 'b' } },
  },
  DescribeListeners: { ListenerArns: { l: 's' }, PageSize: 'i' },
  ModifyListener: {
    Port: 'i',
    Certificates: { l: { o: { IsDefault: 'b' } } },
    DefaultActions: ACTIONS,
    AlpnPolicy: { l: 's' },
    MutualAuthentication: { o: { IgnoreClientCertificateExpiry: 'b' } },
  },
  DeleteListener: {},
  CreateRule: {
    Conditions: CONDITIONS,
    Priority: 'i',
    Actions: ACTIONS,
    Tags: { l: 's' },
    Transforms: {
      l: {
        o: {
          HostHeaderRewriteConfig: { o: { Rewrites: { l: 's' } } },
          UrlRewriteConfig: { o: { Rewrites: { l: 's' } } },
        },
      },
    },
  },
  DescribeRules: { RuleArns: { l: 's' }, PageSize: 'i' },
  ModifyRule: {
    Conditions: CONDITIONS,
    Actions: ACTIONS,
    Transforms: {
      l: {
        o: {
          HostHeaderRewriteConfig: { o: { Rewrites: { l: 's' } } },
          UrlRewriteConfig: { o: { Rewrites: { l: 's' } } },
        },
      },
    },
    ResetTransforms: 'b',
  },
  DeleteRule: {},
  SetRulePriorities: { RulePriorities: { l: { o: { Priority: 'i' } } } },
  CreateTargetGroup: {
    Port: 'i',
    HealthCheckEnabled: 'b',
    HealthCheckIntervalSeconds: 'i',
    HealthCheckTimeoutSeconds: 'i',
    HealthyThresholdCount: 'i',
    UnhealthyThresholdCount: 'i',
    Tags: { l: 's' },
    TargetControlPort: 'i',
  },
  DescribeTargetGroups: { TargetGroupArns: { l: 's' }, Names: { l: 's' }, PageSize: 'i' },
  ModifyTargetGroup: {
    HealthCheckEnabled: 'b',
    HealthCheckIntervalSeconds: 'i',
    HealthCheckTimeoutSeconds: 'i',
    HealthyThresholdCount: 'i',
    UnhealthyThresholdCount: 'i',
  },
  DescribeTargetGroupAttributes: {},
  ModifyTargetGroupAttributes: { Attributes: { l: 's' } },
  DeleteTargetGroup: {},
  RegisterTargets: { Targets: { l: { o: { Port: 'i' } } } },
  DeregisterTargets: { Targets: { l: { o: { Port: 'i' } } } },
  DescribeTargetHealth: { Targets: { l: { o: { Port: 'i' } } }, Include: { l: 's' } },
  AddTags: { ResourceArns: { l: 's' }, Tags: { l: 's' } },
  RemoveTags: { ResourceArns: { l: 's' }, TagKeys: { l: 's' } },
  DescribeTags: { ResourceArns: { l: 's' } },
};
