import { type Diagnostic, showValue } from '../errors.ts';
import { representable } from '../plan/weights.ts';
import { unrepresentableShare } from './alb-share.ts';
import { checkElbArn, checkIamRoleArn, type ElbArn } from './arn.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatDuration } from './duration.ts';
import type { Positions } from './positions.ts';
import { partitionOfRegion } from './regions.ts';
import { MINUTE } from './shape-builders.ts';

interface Ctx {
  file: string;
  positions: Positions;
  diagnostics: Diagnostic[];
}

/**
 * The rules that span fields: references to clusters, ARNs against the region and each other,
 * the shape of the step sequence, and warnings for legal but suspicious choices. Runs on the
 * output of checkShape (bad fields already left out), so every value here may be missing.
 */
export function checkRollout(raw: any, ctx: Ctx): void {
  const say = (severity: Diagnostic['severity'], path: string, message: string, onKey = false) => {
    const p = onKey ? ctx.positions.keyAt(path) : ctx.positions.at(path);
    ctx.diagnostics.push({ file: ctx.file, line: p.line, col: p.col, severity, message });
  };
  const error = (path: string, message: string, onKey = false) => say('error', path, message, onKey);
  const warn = (path: string, message: string, onKey = false) => say('warning', path, message, onKey);

  const spec = raw?.spec;
  if (!spec || typeof spec !== 'object') return;
  const region: string | undefined = spec.region;
  const partition = region ? partitionOfRegion(region) : undefined;

  // Clusters are known only when the whole list checked out; otherwise references are not judged.
  const clusterList: any[] | undefined = spec.clusters;
  let clusters: string[] | undefined = clusterList?.every((c) => c?.name) ? clusterList.map((c) => c.name) : undefined;
  const clusterRef = (path: string, name: unknown) => {
    if (!clusters || typeof name !== 'string' || clusters.includes(name)) return;
    error(path, noSuchCluster(path, name, clusters));
  };
  if (clusters && new Set(clusters).size !== clusters.length) clusters = undefined; // reported as a repeat

  clusterList?.forEach((c, i) => {
    const role = c?.assumeRole?.roleArn;
    if (typeof role !== 'string' || !partition) return;
    const r = checkIamRoleArn(role);
    if (r.ok && r.value.partition !== partition) {
      const p = `spec.clusters[${i}].assumeRole.roleArn`;
      error(
        p,
        `${p} is not in partition ${partition} (got ${r.value.partition}; region ${region} belongs to partition ${partition})`,
      );
    }
  });

  clusterRef('spec.from', spec.from);
  clusterRef('spec.to', spec.to);
  if (spec.from !== undefined && spec.from === spec.to) {
    error(
      'spec.to',
      `spec.to must differ from spec.from (got ${showValue(spec.to)} for both; traffic moves from one cluster to another)`,
    );
  }

  checkRoutes(spec, clusters, region, error, warn, ctx.positions);
  checkSteps(spec, clusters, error, warn, ctx.positions);
  checkGates(spec, clusterRef, error, warn, ctx.positions);

  if (spec.rollback?.mode === 'instant' && ctx.positions.has('spec.rollback.stepBake')) {
    warn(
      'spec.rollback.stepBake',
      'spec.rollback.stepBake has no effect (got mode instant; it applies to mode: gradual)',
      true,
    );
  }
}

type Say = (path: string, message: string, onKey?: boolean) => void;

/** `<path> names no cluster (got "gren"; did you mean "green"? clusters: blue, green)` */
function noSuchCluster(path: string, name: string, clusters: readonly string[]): string {
  const guess = didYouMean(name, clusters);
  return `${path} names no cluster (got ${showValue(name)}; ${guess ? `did you mean "${guess}"? ` : ''}clusters: ${clusters.join(', ')})`;
}

function checkRoutes(
  spec: any,
  clusters: string[] | undefined,
  region: string | undefined,
  error: Say,
  warn: Say,
  positions: Positions,
): void {
  const owners = new Map<string, string>();
  // Target group ARN → the route and cluster that first named it.
  const tgOwners = new Map<string, { route: string; cluster: string }>();
  (spec.routes as any[] | undefined)?.forEach((r, i) => {
    if (!r) return;
    const base = `spec.routes[${i}]`;
    const field = r.listenerArn !== undefined ? 'listenerArn' : 'ruleArn';
    const arnText: unknown = r[field];
    let lb: ElbArn | undefined;
    if (typeof arnText === 'string') {
      const p = `${base}.${field}`;
      const parsed = checkElbArn(arnText);
      if (parsed.ok) {
        lb = parsed.value;
        inRegion(p, lb, region, error);
        if (lb.loadBalancerType !== 'app') {
          error(
            p,
            `${p} belongs to a ${lb.loadBalancerType === 'net' ? 'Network' : 'Gateway'} Load Balancer (got ${showValue(`${lb.loadBalancerType}/${lb.loadBalancerName}`)}; cutover shifts weights on Application Load Balancers, app/…)`,
          );
        }
      }
      const owner = owners.get(arnText);
      if (owner !== undefined) {
        error(
          p,
          `${p} is already used by route ${showValue(owner)} (got the same ARN twice; each listener or rule belongs to one route)`,
        );
      } else owners.set(arnText, r.name ?? base);
    }

    const tgs: Record<string, string> | undefined = r.targetGroups;
    if (!tgs) return;
    const tgPath = `${base}.targetGroups`;
    if (clusters) {
      const missing = clusters.filter((c) => !Object.hasOwn(tgs, c) && !positions.has(`${tgPath}.${c}`));
      if (missing.length > 0) {
        error(
          tgPath,
          `${tgPath} has no target group for ${missing.length === 1 ? 'cluster' : 'clusters'} ${missing.map((m) => `"${m}"`).join(', ')} (got ${Object.keys(tgs).join(', ') || 'none'}; every cluster needs one: ${clusters.join(', ')})`,
          true,
        );
      }
      for (const k of Object.keys(tgs)) {
        if (!clusters.includes(k)) error(`${tgPath}.${k}`, noSuchCluster(`${tgPath}.${k}`, k, clusters), true);
      }
    }
    const seen = new Map<string, string>();
    for (const [cluster, tg] of Object.entries(tgs)) {
      const p = `${tgPath}.${cluster}`;
      const parsed = checkElbArn(tg, 'targetgroup');
      if (parsed.ok) {
        inRegion(p, parsed.value, region, error);
        if (lb && parsed.value.account !== lb.account) {
          error(
            p,
            `${p} is not in the load balancer's account ${lb.account} (got account ${parsed.value.account}; a forward action only reaches target groups of its own account)`,
          );
        }
      }
      const other = seen.get(tg);
      if (other !== undefined) {
        error(
          p,
          `${p} is the same target group as ${other} (got ${showValue(tg)}; each cluster needs its own target group)`,
        );
        continue;
      }
      seen.set(tg, cluster);
      const route = r.name ?? base;
      const first = tgOwners.get(tg);
      if (!first) tgOwners.set(tg, { route, cluster });
      else if (first.route !== route && first.cluster !== cluster) {
        error(
          p,
          `${p} is cluster ${showValue(first.cluster)}'s target group in route ${showValue(first.route)} (got ${showValue(tg)}; a target group belongs to one cluster, or the agents of both clusters register their pods into it)`,
        );
      } else if (first.route !== route) {
        warn(
          p,
          `${p} is also used by route ${showValue(first.route)} (got ${showValue(tg)}; both routes will shift it, and gates judge it once)`,
        );
      }
    }
  });
}

/** An ARN in another region than the rollout's. (Its partition is checked with the ARN: it follows from the region.) */
function inRegion(path: string, arn: ElbArn, region: string | undefined, error: Say) {
  if (region && arn.region !== region) {
    error(
      path,
      `${path} is not in spec.region ${region} (got region ${arn.region}; every ARN must be in the rollout's region)`,
    );
  }
}

function checkSteps(spec: any, clusters: string[] | undefined, error: Say, warn: Say, positions: Positions): void {
  const steps: any[] | undefined = spec.steps;
  if (!steps || steps.some((s) => s === undefined)) return;
  const to: string | undefined = spec.to;
  let previous: { share: number; index: number } | undefined;
  let last: { share: number; index: number; path: string } | undefined;
  let weightSteps = 0;
  // A weights step with a wrong cluster or sum: the rules about the whole sequence are not judged.
  let broken = false;
  const interval: number | undefined = spec.gates?.interval;
  const hasChecks = Array.isArray(spec.gates?.checks) && spec.gates.checks.length > 0;

  steps.forEach((s, i) => {
    const base = `spec.steps[${i}]`;
    let share = 0;
    let path = `${base}.weight`;
    if (typeof s.weight === 'number') {
      share = s.weight;
    } else if (s.weights && typeof s.weights === 'object') {
      path = `${base}.weights`;
      const w: Record<string, number> = s.weights;
      let ok = true;
      for (const k of Object.keys(w)) {
        if (clusters && !clusters.includes(k)) {
          error(`${path}.${k}`, noSuchCluster(`${path}.${k}`, k, clusters), true);
          ok = false;
        }
      }
      const sum = Object.values(w).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 100) > 1e-9) {
        error(
          path,
          `${path} must add up to 100 (got ${Math.round(sum * 1e9) / 1e9}; give each cluster's percent, clusters not listed get 0)`,
        );
        ok = false;
      }
      if (!ok || !to) {
        broken = true;
        return;
      }
      share = Object.hasOwn(w, to) ? w[to]! : 0;
      if (share > 0 && positions.has(`${path}.${to}`)) path = `${path}.${to}`;
    } else {
      // An approval step, or a step whose weight was wrong (reported, and left out by checkShape).
      if (s.approve !== true) broken = true;
      return;
    }
    weightSteps++;
    const where = typeof s.weight === 'number' ? path : `${base}.weights`;
    const unfit = typeof s.weight === 'number' ? unfitShare(s.weight) : unfitSplit(s.weights);
    if (unfit) error(where, `${where} ${unfit}`);
    if (previous && share < previous.share) {
      error(
        path,
        `${path} must not go down (got ${share} after ${previous.share} in step ${previous.index}; steps only move traffic forward, rollback is automatic)`,
      );
    }
    if (i === 0 && share === 100 && steps.length === 1) {
      warn(
        path,
        `${path} moves all traffic in one step (got 100; add smaller steps such as 5, 25, 50 so gates can stop a bad cluster early)`,
      );
    }
    if (hasChecks && interval && positions.has(`${base}.bake`) && s.bake > 0 && s.bake < interval) {
      warn(
        `${base}.bake`,
        `${base}.bake is shorter than spec.gates.interval (got ${formatDuration(s.bake)}; gates are judged every ${formatDuration(interval)}, so the step may end before its first verdict)`,
      );
    }
    previous = { share, index: i };
    last = { share, index: i, path };
  });

  if (broken) return;
  if (weightSteps === 0 && steps.length > 0) {
    error(
      'spec.steps',
      'spec.steps has no weight step (got only approval steps; add steps such as {weight: 100})',
      true,
    );
    return;
  }
  if (last && last.share !== 100 && !spec.partial) {
    error(
      last.path,
      `${last.path} is the last weight step but does not reach 100 (got ${last.share}; end with weight: 100, or set spec.partial: true to end split on purpose)`,
    );
  }
  if (last && last.share === 100 && spec.partial) {
    warn('spec.partial', 'spec.partial has no effect (got true; the last weight step reaches 100 anyway)', true);
  }
  const lastStep = steps[steps.length - 1];
  if (lastStep?.approve === true && last?.share === 100) {
    warn(
      `spec.steps[${steps.length - 1}]`,
      `spec.steps[${steps.length - 1}] waits for approval after all traffic has moved (got approve: true last; put the approval before the last weight step)`,
    );
  }
}

/** ALB weights give 0.05 points of slack: the closest split must be nearer than that to every share. */
const MAX_SPLIT_ERROR_PCT = 0.05;

/** Why a two-way share cannot be ALB weights, or undefined when it can. */
function unfitShare(pct: number): string | undefined {
  const bad = unrepresentableShare(pct);
  if (!bad) return undefined;
  const edge = bad.alternative === 0 ? 'the smallest non-zero share is' : 'the largest share short of 100 is';
  return `cannot be written as ALB weights (got ${pct}; weights are integers 0–999 per target group and ${edge} ${bad.nearest} — use ${bad.nearest} or ${bad.alternative})`;
}

/**
 * Why an explicit split cannot be ALB weights, or undefined when it can: the whole split is
 * judged (three groups of 0.07% cannot all get weight 1 next to 999 without moving the rest),
 * and the nearest split it can be written as is named, rounded to hundredths summing to 100.
 */
function unfitSplit(weights: Record<string, number>): string | undefined {
  const r = representable(weights);
  const off = Object.entries(r.effective).map(([c, e]) => [c, Math.abs(e - weights[c]!)] as const);
  const [worst, err] = off.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (err < MAX_SPLIT_ERROR_PCT - 1e-9) return undefined;
  const nearest = Object.fromEntries(Object.entries(r.effective).map(([c, e]) => [c, Math.round(e * 100) / 100]));
  const largest = Object.keys(nearest).reduce((a, b) => (nearest[b]! > nearest[a]! ? b : a));
  const rest = Object.entries(nearest).reduce((sum, [c, v]) => (c === largest ? sum : sum + v), 0);
  nearest[largest] = Math.round((100 - rest) * 100) / 100;
  return `cannot be written as ALB weights (got ${showSplit(weights)}; weights are integers 0–999 per target group, and the nearest split they make is ${Math.round(err * 100) / 100} points off for ${worst} — use ${showSplit(nearest)})`;
}

function showSplit(split: Record<string, number>): string {
  return `{${Object.entries(split)
    .map(([c, v]) => `${c}: ${v}`)
    .join(', ')}}`;
}

function checkGates(
  spec: any,
  clusterRef: (path: string, name: unknown) => void,
  error: Say,
  warn: Say,
  positions: Positions,
): void {
  const gates = spec.gates;
  if (!gates) return;
  if (typeof gates.interval === 'number' && gates.interval % MINUTE !== 0) {
    warn(
      'spec.gates.interval',
      `spec.gates.interval is not a whole number of minutes (got ${formatDuration(gates.interval)}; metric windows are 60-second periods, so ticks will judge overlapping minutes)`,
    );
  }
  if (typeof gates.lag === 'number' && gates.lag < MINUTE) {
    warn(
      'spec.gates.lag',
      `spec.gates.lag is below 1m (got ${formatDuration(gates.lag)}; ALB metrics are often published a minute or more late, so windows may be judged on partial data)`,
    );
  }
  const checks: any[] | undefined = gates.checks;
  if (!checks) return;
  if (checks.length === 0) {
    // Without a gates field the default (no checks) applies: point at spec, not at its first field.
    const written = positions.has('spec.gates');
    warn(
      written ? 'spec.gates' : 'spec',
      `spec.gates has no checks (got ${written ? 'none' : 'no spec.gates'}; traffic moves on bake time alone — add target5xxRate, compare5xx or alarm checks)`,
      true,
    );
    return;
  }
  const seen = new Map<string, number>();
  checks.forEach((c, i) => {
    if (!c) return;
    const base = `spec.gates.checks[${i}]`;
    if (Object.hasOwn(c, 'cluster')) clusterRef(`${base}.cluster`, c.cluster);
    if (c.type === 'compare5xx') {
      clusterRef(`${base}.baseline`, c.baseline);
      clusterRef(`${base}.candidate`, c.candidate);
      const baseline = c.baseline ?? spec.from;
      const candidate = c.candidate ?? spec.to;
      if (baseline !== undefined && baseline === candidate) {
        const p =
          c.candidate !== undefined ? `${base}.candidate` : c.baseline !== undefined ? `${base}.baseline` : base;
        error(
          p,
          `${base} compares cluster ${showValue(candidate)} with itself (got baseline ${showValue(baseline)} and candidate ${showValue(candidate)}; they must be different clusters)`,
        );
      }
    }
    const key = JSON.stringify([c.type, c.cluster ?? c.candidate ?? null, c.baseline ?? null, c.names ?? null]);
    const first = seen.get(key);
    if (first !== undefined) {
      warn(
        base,
        `${base} repeats check ${first} (got a second ${c.type}${c.cluster ? ` for ${c.cluster}` : ''}; the stricter of them decides, keep one)`,
      );
    } else seen.set(key, i);
  });
}
