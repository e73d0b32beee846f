import { showValue } from '../../errors.ts';
import type { ShapeContext } from '../../spec/check-shape.ts';
import { didYouMean } from '../../spec/did-you-mean.ts';
import type { Scenario, WeightedTargetGroup } from './types.ts';

/** Reports `<path> <what> (got <value>; <allowed>)` at the value of `path` in the file. */
export type Report = (path: string, what: string, got: string, allowed: string) => void;

export function reporter(ctx: ShapeContext): Report {
  return (path, what, got, allowed) => {
    const p = ctx.positions.at(path);
    ctx.diagnostics.push({
      file: ctx.file,
      ...p,
      severity: 'error',
      message: `${path} ${what} (got ${got}; ${allowed})`,
    });
  };
}

/** "did you mean …? defined: a, b" for a name that refers to nothing. */
function known(name: string, names: readonly string[], where: string): string {
  if (names.length === 0) return `none is defined under ${where}`;
  const guess = didYouMean(name, names);
  return `${guess ? `did you mean "${guess}"? ` : ''}defined under ${where}: ${names.join(', ')}`;
}

/**
 * Checks what refers to what across a scenario: forward actions → target groups (each attached to
 * one load balancer), registrations → clusters/Services/ports, traffic → listeners and rules,
 * alarms → load balancers/target groups, faults → clusters/workloads/listeners. Runs on the
 * normalized scenario once the document is otherwise valid; indexes are the file's.
 */
export function checkReferences(s: Scenario, raw: any, report: Report): void {
  const tgNames = s.targetGroups.map((t) => t.name);
  const lbNames = s.loadBalancers.map((l) => l.name);
  const clusterNames = s.clusters.map((c) => c.name);

  const tgUsers = new Map<string, string>();
  const checkForward = (fw: WeightedTargetGroup[], path: string, lb: string) => {
    if (fw.every((w) => w.weight === 0)) {
      report(path, 'sends no traffic', 'every weight 0', 'give at least one target group a weight above 0');
    }
    for (const { targetGroup } of fw) {
      const p = `${path}.${targetGroup}`;
      if (!tgNames.includes(targetGroup)) {
        report(p, 'names no target group', showValue(targetGroup), known(targetGroup, tgNames, 'targetGroups'));
        continue;
      }
      const user = tgUsers.get(targetGroup);
      if (user && user !== lb) {
        report(
          p,
          `is already used by load balancer "${user}"`,
          showValue(targetGroup),
          'an ALB target group belongs to one load balancer',
        );
      }
      tgUsers.set(targetGroup, lb);
    }
  };
  s.loadBalancers.forEach((lb, li) => {
    lb.listeners.forEach((l, i) => {
      const lp = `loadBalancers[${li}].listeners[${i}]`;
      checkForward(l.forward, `${lp}.forward`, lb.name);
      l.rules.forEach((r, ri) => {
        checkForward(r.forward, `${lp}.rules[${ri}].forward`, lb.name);
      });
    });
  });

  const cluster = (name: string) => s.clusters.find((c) => c.name === name);
  s.targetGroups.forEach((tg, i) => {
    const reg = tg.registered;
    if (!reg) return;
    const p = `targetGroups[${i}].registered`;
    const c = cluster(reg.cluster);
    if (!c) {
      report(
        `${p}.fromCluster`,
        'names no cluster',
        showValue(reg.cluster),
        known(reg.cluster, clusterNames, 'clusters'),
      );
      return;
    }
    const svc = c.services.find((x) => x.name === reg.service && x.namespace === reg.namespace);
    if (!svc) {
      const there = c.services.map((x) => `${x.namespace}/${x.name}`);
      report(
        `${p}.service`,
        `names no Service of cluster "${c.name}"`,
        showValue(`${reg.namespace}/${reg.service}`),
        there.length ? `its Services: ${there.join(', ')}` : 'it has no Services',
      );
      return;
    }
    if (reg.port !== undefined && !svc.ports.some((x) => x.port === reg.port || x.name === reg.port)) {
      const ports = svc.ports.map((x) => (x.name ? `${x.name} (${x.port})` : String(x.port)));
      report(
        `${p}.port`,
        `names no port of Service ${reg.namespace}/${reg.service}`,
        showValue(reg.port),
        `its ports: ${ports.join(', ')}`,
      );
    }
  });

  const listeners = s.loadBalancers.flatMap((lb) => lb.listeners.map((l) => ({ lb: lb.name, l })));
  const listenerNames = listeners.map((x) => `${x.lb}:${x.l.port}`);
  const listenerOf = (lb: string, port: number) => listeners.find((x) => x.lb === lb && x.l.port === port)?.l;
  s.traffic.forEach((t, i) => {
    const l = listenerOf(t.loadBalancer, t.port);
    if (!l) {
      const name = `${t.loadBalancer}:${t.port}`;
      report(`traffic[${i}]`, 'names no listener', showValue(name), known(name, listenerNames, 'loadBalancers'));
      return;
    }
    let sum = 0;
    t.rules.forEach((r, ri) => {
      sum += r.share;
      if (!l.rules.some((x) => x.priority === r.priority)) {
        const prios = l.rules.map((x) => x.priority);
        report(
          `traffic[${i}].rules[${ri}].priority`,
          'names no rule of the listener',
          String(r.priority),
          prios.length ? `its rules: ${prios.join(', ')}` : 'the listener has no rules',
        );
      }
    });
    if (sum > 1 + 1e-9) {
      report(
        `traffic[${i}].rules`,
        'has shares adding up to more than 100%',
        `${Math.round(sum * 1e6) / 1e4}%`,
        'the default action gets what the rules leave',
      );
    }
  });

  // The normalized alarm holds ARN suffixes; the names are the file's.
  raw.alarms.forEach((a: { loadBalancer?: string; targetGroup?: string }, i: number) => {
    const lb = a.loadBalancer;
    const tg = a.targetGroup;
    if (lb !== undefined && !lbNames.includes(lb))
      report(`alarms[${i}].loadBalancer`, 'names no load balancer', showValue(lb), known(lb, lbNames, 'loadBalancers'));
    if (tg !== undefined && !tgNames.includes(tg))
      report(`alarms[${i}].targetGroup`, 'names no target group', showValue(tg), known(tg, tgNames, 'targetGroups'));
  });

  s.faults.forEach((f, i) => {
    const p = `faults[${i}]`;
    if ('cluster' in f) {
      const c = cluster(f.cluster);
      if (!c)
        report(`${p}.cluster`, 'names no cluster', showValue(f.cluster), known(f.cluster, clusterNames, 'clusters'));
      else if ('workload' in f && f.workload !== undefined && !c.workloads.some((w) => w.name === f.workload)) {
        const names = c.workloads.map((w) => w.name);
        report(
          `${p}.workload`,
          `names no workload of cluster "${c.name}"`,
          showValue(f.workload),
          known(f.workload, names, `clusters[${s.clusters.indexOf(c)}].workloads`),
        );
      }
    }
    if (f.kind === 'traffic' && !listenerOf(f.loadBalancer, f.port)) {
      const name = `${f.loadBalancer}:${f.port}`;
      report(p, 'names no listener', showValue(name), known(name, listenerNames, 'loadBalancers'));
    }
  });
}
