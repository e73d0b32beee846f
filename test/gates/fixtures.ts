import type { GateRoute } from '../../src/gates/metric-queries.ts';

/** Routes on the default sandbox's naming scheme: two on one load balancer, one rule on another. */
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const MIN = 60_000;

export const WEB: GateRoute = {
  name: 'web',
  arn: `${ARN}:listener/app/edge/1330ec75395d8e31/0a1b2c3d4e5f6071`,
  targetGroups: {
    blue: `${ARN}:targetgroup/web-blue/1111111111111111`,
    green: `${ARN}:targetgroup/web-green/2222222222222222`,
  },
};
export const API: GateRoute = {
  name: 'api',
  arn: `${ARN}:listener-rule/app/edge/1330ec75395d8e31/0a1b2c3d4e5f6071/9999999999999999`,
  targetGroups: {
    blue: `${ARN}:targetgroup/api-blue/3333333333333333`,
    green: `${ARN}:targetgroup/api-green/4444444444444444`,
  },
};
export const SHOP: GateRoute = {
  name: 'shop',
  arn: `${ARN}:listener/app/shop/abcdefabcdefabcd/0123012301230123`,
  targetGroups: {
    blue: `${ARN}:targetgroup/shop-blue/5555555555555555`,
    green: `${ARN}:targetgroup/shop-green/6666666666666666`,
  },
};
