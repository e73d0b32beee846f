import { CutoverError } from '../errors.ts';
import { loadBalancerDimension, targetGroupDimension } from '../spec/arn.ts';
import type { MetricWindow } from './windows.ts';
import { PERIOD_MS } from './windows.ts';

/**
 * The one GetMetricData request of a tick, as plain data in the SDK's input shape (the AWS adapter
 * sends it as is). Every route's load balancer and every cluster's target group is queried, each
 * distinct (metric, dimensions) once, whichever checks are configured: one call per tick costs
 * the same and every verdict reads the same snapshot.
 *
 * Dimensions are ARN suffixes (aws-k8s-facts §3): `LoadBalancer=app/<name>/<id>` from the
 * listener or rule ARN, `TargetGroup=targetgroup/<name>/<id>` from the target group ARN.
 * HTTPCode_ELB_5XX_Count has no TargetGroup dimension, so it and the load balancer's RequestCount
 * are queried per load balancer.
 */

export const NAMESPACE = 'AWS/ApplicationELB';
/** GetMetricData's limit on queries per call (aws-k8s-facts §3, GetMetricData). */
export const MAX_QUERIES = 500;

export type AlbMetric = 'RequestCount' | 'HTTPCode_Target_5XX_Count' | 'HTTPCode_ELB_5XX_Count';

/** What one query reads: a target group's (with its cluster) or a whole load balancer's metric. */
export interface MetricKey {
  /** The query Id: `^[a-z][a-zA-Z0-9_]*$`, as CloudWatch requires. */
  id: string;
  metric: AlbMetric;
  /** `app/<name>/<id>`. */
  loadBalancer: string;
  /** `targetgroup/<name>/<id>`; absent for load-balancer-wide queries. */
  targetGroup?: string;
  /** The cluster owning the target group; absent for load-balancer-wide queries. */
  cluster?: string;
  /** Routes (by name) this series speaks for. */
  routes: string[];
}

/** A MetricDataQuery in the SDK's shape. */
export interface MetricDataQuery {
  Id: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: AlbMetric; Dimensions: Array<{ Name: string; Value: string }> };
    Period: number;
    Stat: 'Sum';
  };
  ReturnData: true;
}

/** GetMetricData input in the SDK's shape. */
export interface GetMetricDataRequest {
  MetricDataQueries: MetricDataQuery[];
  StartTime: Date;
  EndTime: Date;
  ScanBy: 'TimestampAscending';
}

/** The request and, for reading its answer, what each query Id stands for. */
export interface MetricQueryPlan {
  window: MetricWindow;
  request: GetMetricDataRequest;
  keys: MetricKey[];
}

/** A route as gates need it (a PlanRoute fits). */
export interface GateRoute {
  name: string;
  /** The listener or rule ARN (its load balancer is the `LoadBalancer` dimension). */
  arn: string;
  /** cluster → target group ARN. */
  targetGroups: Record<string, string>;
}

const TG_METRICS = [
  ['RequestCount', 'requests'],
  ['HTTPCode_Target_5XX_Count', 'target5xx'],
] as const;
const LB_METRICS = [
  ['RequestCount', 'requests'],
  ['HTTPCode_ELB_5XX_Count', 'elb5xx'],
] as const;

/**
 * Builds the tick's request over `window` (whole periods) for `routes`.
 * Throws a CutoverError when the window is not period-aligned or more than 500 queries are needed.
 */
export function buildMetricQueries(routes: GateRoute[], window: MetricWindow): MetricQueryPlan {
  if (window.startMs % PERIOD_MS !== 0 || window.endMs % PERIOD_MS !== 0 || window.endMs <= window.startMs) {
    throw new CutoverError('E_GATES_WINDOW', 'metric window must span whole 60-second periods', {
      value: window,
      hint: 'build it with tickWindow()',
      exitCode: 1,
    });
  }
  const keys: MetricKey[] = [];
  const seen = new Map<string, MetricKey[]>();
  let lbs = 0;
  let tgs = 0;
  /** The queries of one dimension set, made once; later routes sharing it are added to `routes`. */
  const ensure = (dims: string, route: string, make: () => MetricKey[]) => {
    const have = seen.get(dims);
    if (have) {
      for (const k of have) if (!k.routes.includes(route)) k.routes.push(route);
      return;
    }
    const made = make();
    seen.set(dims, made);
    keys.push(...made);
  };
  for (const route of routes) {
    const loadBalancer = loadBalancerDimension(route.arn);
    ensure(loadBalancer, route.name, () => {
      const prefix = `lb${lbs++}`;
      return LB_METRICS.map(([metric, suffix]) => ({
        id: `${prefix}_${suffix}`,
        metric,
        loadBalancer,
        routes: [route.name],
      }));
    });
    for (const [cluster, tgArn] of Object.entries(route.targetGroups)) {
      const targetGroup = targetGroupDimension(tgArn);
      ensure(`${loadBalancer} ${targetGroup}`, route.name, () => {
        const prefix = `tg${tgs++}`;
        return TG_METRICS.map(([metric, suffix]) => ({
          id: `${prefix}_${suffix}`,
          metric,
          loadBalancer,
          targetGroup,
          cluster,
          routes: [route.name],
        }));
      });
    }
  }
  if (keys.length > MAX_QUERIES) {
    throw new CutoverError(
      'E_GATES_TOO_MANY_QUERIES',
      'the routes need more metric queries than one GetMetricData call allows',
      {
        value: keys.length,
        hint: `at most ${MAX_QUERIES} (2 per load balancer and 2 per target group); split the rollout`,
      },
    );
  }
  return {
    window,
    keys,
    request: {
      MetricDataQueries: keys.map(toQuery),
      StartTime: new Date(window.startMs),
      EndTime: new Date(window.endMs),
      ScanBy: 'TimestampAscending',
    },
  };
}

function toQuery(k: MetricKey): MetricDataQuery {
  const Dimensions = [{ Name: 'LoadBalancer', Value: k.loadBalancer }];
  if (k.targetGroup !== undefined) Dimensions.push({ Name: 'TargetGroup', Value: k.targetGroup });
  return {
    Id: k.id,
    MetricStat: {
      Metric: { Namespace: NAMESPACE, MetricName: k.metric, Dimensions },
      Period: PERIOD_MS / 1000,
      Stat: 'Sum',
    },
    ReturnData: true,
  };
}
