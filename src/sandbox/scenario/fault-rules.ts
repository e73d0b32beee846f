import { showValue } from '../../errors.ts';
import { didYouMean } from '../../spec/did-you-mean.ts';
import { targetGroupArn } from '../ids.ts';
import { AWS_OPERATIONS } from './aws-operations.ts';
import { items, keysOf, known, type RuleContext } from './references.ts';

type Service = keyof typeof AWS_OPERATIONS;
const SERVICES = Object.keys(AWS_OPERATIONS) as Service[];
const API_NAME: Record<Service, string> = { elbv2: 'ELBv2', cloudwatch: 'CloudWatch', sts: 'STS' };

/**
 * Rules of faults a shape cannot say alone: AWS operation names belong to the fault's service
 * (a misspelled one would validate and never fire), and what triggers (`when`) and `modifyWeights`
 * refer to — the listener, the rule, and the clusters and target groups of its forward action.
 * On the checked document; a rule whose inputs are invalid is skipped.
 */
export function checkFaultRules(c: RuleContext): void {
  items(c.raw.faults).forEach((f, i) => {
    if (!f) return;
    const p = `faults[${i}]`;
    if (f.kind === 'awsThrottle' || f.kind === 'awsError') checkOperations(c, f, p);
    if (f.kind === 'modifyWeights') checkWeights(c, f, p);
    const share = f.when?.share;
    if (share) checkShare(c, share, `${p}.when.share`);
    if (f.when?.weightChange) forwardOf(c, f.when.weightChange, `${p}.when.weightChange`);
  });
}

function checkOperations(c: RuleContext, f: any, p: string): void {
  const service: Service | '*' | undefined = f.service;
  if (service === undefined || !Array.isArray(f.operations)) return;
  const allowed = service === '*' ? SERVICES.flatMap((s) => AWS_OPERATIONS[s]) : AWS_OPERATIONS[service];
  const api = service === '*' ? 'ELBv2, CloudWatch or STS' : API_NAME[service];
  f.operations.forEach((op: unknown, j: number) => {
    if (typeof op !== 'string' || allowed.includes(op)) return;
    const path = `${p}.operations[${j}]`;
    const elsewhere = SERVICES.find((s) => AWS_OPERATIONS[s].includes(op));
    if (elsewhere) {
      c.report(
        path,
        `is not an ${api} operation`,
        showValue(op),
        `it is a ${API_NAME[elsewhere]} operation: set service: ${elsewhere} (or *)`,
      );
      return;
    }
    const guess = didYouMean(op, allowed);
    c.report(
      path,
      `names no ${api} operation`,
      showValue(op),
      guess ? `did you mean "${guess}"?` : `${api} operations: ${allowed.join(', ')}`,
    );
  });
}

/**
 * The forward action (target group → weight) a trigger or `modifyWeights` names, reporting a
 * load balancer, listener or rule that does not exist; undefined when unknown or not judged.
 */
function forwardOf(c: RuleContext, ref: any, p: string): Record<string, number> | undefined {
  const lbNames = keysOf(c.raw.loadBalancers, 'name');
  if (!lbNames || ref.loadBalancer === undefined || ref.port === undefined) return undefined;
  const lb = items(c.raw.loadBalancers).find((x) => x.name === ref.loadBalancer);
  if (!lb) {
    c.report(
      `${p}.loadBalancer`,
      'names no load balancer',
      showValue(ref.loadBalancer),
      known(ref.loadBalancer, lbNames, 'loadBalancers'),
    );
    return undefined;
  }
  const ports = keysOf<number>(lb.listeners, 'port');
  if (!ports) return undefined;
  const l = lb.listeners.find((x: any) => x.port === ref.port);
  if (!l) {
    c.report(
      `${p}.port`,
      `names no listener of load balancer "${lb.name}"`,
      String(ref.port),
      `its listeners: ${ports.join(', ')}`,
    );
    return undefined;
  }
  if (ref.rule === undefined) return l.forward;
  const prios = keysOf<number>(l.rules, 'priority');
  if (!prios) return undefined;
  const r = l.rules.find((x: any) => x.priority === ref.rule);
  if (!r) {
    c.report(
      `${p}.rule`,
      `names no rule of listener ${lb.name}:${l.port}`,
      String(ref.rule),
      prios.length
        ? `its rules: ${prios.join(', ')}`
        : 'the listener has no rules; leave rule out for its default action',
    );
    return undefined;
  }
  return r.forward;
}

/** The target groups of an action registered from each cluster. */
function groupsByCluster(c: RuleContext, fw: Record<string, number>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tg of items(c.raw.targetGroups)) {
    const cluster = tg?.registered?.fromCluster;
    if (cluster === undefined || !(tg.name in fw)) continue;
    out.set(cluster, [...(out.get(cluster) ?? []), tg.name]);
  }
  return out;
}

const describe = (fw: Record<string, number>, byCluster: Map<string, string[]>) => {
  const clusters = [...byCluster].map(([cl, tgs]) => `${cl} (${tgs.join(', ')})`);
  return `its target groups: ${Object.keys(fw).join(', ')}${clusters.length ? `; clusters registered into them: ${clusters.join(', ')}` : ''}`;
};

function checkShare(c: RuleContext, t: any, p: string): void {
  const fw = forwardOf(c, t, p);
  if (!fw) return;
  const byCluster = groupsByCluster(c, fw);
  if (t.targetGroup !== undefined && !(t.targetGroup in fw)) {
    c.report(
      `${p}.targetGroup`,
      'is not a target group of the action',
      showValue(t.targetGroup),
      describe(fw, byCluster),
    );
  }
  if (t.cluster !== undefined && !byCluster.has(t.cluster)) {
    c.report(
      `${p}.cluster`,
      'has no target group in the action (none of its groups is registered from it)',
      showValue(t.cluster),
      `${describe(fw, byCluster)}; or name targetGroup instead`,
    );
  }
}

function checkWeights(c: RuleContext, f: any, p: string): void {
  const fw = forwardOf(c, f, p);
  if (!fw || !f.weights) return;
  const byCluster = groupsByCluster(c, fw);
  const arns = Object.keys(fw).map((name) => targetGroupArn(c.raw, name));
  for (const key of Object.keys(f.weights)) {
    if (key in fw || byCluster.has(key) || arns.includes(key)) continue;
    const guess = didYouMean(key, [...Object.keys(fw), ...byCluster.keys()]);
    c.report(
      `${p}.weights.${key}`,
      'names no target group or cluster of the action',
      showValue(key),
      `${guess ? `did you mean "${guess}"? ` : ''}${describe(fw, byCluster)}`,
    );
  }
}
