import { loadBalancerArn, targetGroupArn } from '../ids.ts';
import type { Scenario } from './types.ts';
import type { Fields, Value } from './yaml-reader.ts';

/**
 * Checks what refers to what across a scenario (forward → target groups, registrations →
 * clusters/services, traffic → listeners, faults → clusters/workloads/alarms), and resolves alarm
 * dimension names to ARN suffixes. Runs only once the document is otherwise valid.
 */
export function checkReferences(s: Scenario, root: Fields): void {
  const at = (section: string, ...path: (string | number)[]): Value => root.get(section).at(...path);
  const tgNames = new Set(s.targetGroups.map((t) => t.name));
  const unique = (names: string[], section: string, what: string) => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n)) at(section, i, 'name').error(`duplicate ${what} name`);
      seen.add(n);
    });
  };
  unique(
    s.loadBalancers.map((l) => l.name),
    'loadBalancers',
    'load balancer',
  );
  unique(
    s.targetGroups.map((t) => t.name),
    'targetGroups',
    'target group',
  );
  unique(
    s.clusters.map((c) => c.name),
    'clusters',
    'cluster',
  );
  unique(
    s.alarms.map((a) => a.name),
    'alarms',
    'alarm',
  );
  const ips = new Set<string>();
  s.clusters.forEach((c, i) => {
    if (ips.has(c.podCidr)) at('clusters', i, 'podCidr').error('pod ranges of clusters must not overlap');
    ips.add(c.podCidr);
  });

  const tgUsers = new Map<string, string>();
  s.loadBalancers.forEach((lb, li) => {
    const ports = new Set<number>();
    lb.listeners.forEach((l, i) => {
      const lv = at('loadBalancers', li, 'listeners', i);
      if (ports.has(l.port)) lv.at('port').error('duplicate listener port on this load balancer');
      ports.add(l.port);
      const forwards = [
        { fw: l.forward, v: lv.at('forward') },
        ...l.rules.map((r, ri) => ({ fw: r.forward, v: lv.at('rules', ri, 'forward') })),
      ];
      for (const { fw, v } of forwards) {
        if (fw.length > 0 && fw.every((w) => w.weight === 0)) v.error('at least one weight must be above 0');
        for (const w of fw) {
          if (!tgNames.has(w.targetGroup)) {
            v.at(w.targetGroup).error(`no target group named "${w.targetGroup}"; define it under targetGroups`, false);
            continue;
          }
          // An ALB target group can be attached to one load balancer only.
          const user = tgUsers.get(w.targetGroup);
          if (user && user !== lb.name)
            v.at(w.targetGroup).error(`target group is already used by load balancer "${user}"`, false);
          tgUsers.set(w.targetGroup, lb.name);
        }
      }
      const prios = new Set<number>();
      l.rules.forEach((r, ri) => {
        if (prios.has(r.priority)) lv.at('rules', ri, 'priority').error('duplicate rule priority on this listener');
        prios.add(r.priority);
      });
    });
  });

  const cluster = (name: string) => s.clusters.find((c) => c.name === name);
  for (const [i, tg] of s.targetGroups.entries()) {
    const reg = tg.registered;
    if (!reg) continue;
    const v = at('targetGroups', i, 'registered');
    const c = cluster(reg.cluster);
    if (!c) {
      v.at('fromCluster').error(`no cluster named "${reg.cluster}"`);
      continue;
    }
    const svc = c.services.find((x) => x.name === reg.service && x.namespace === reg.namespace);
    if (!svc) {
      v.at('service').error(`cluster "${c.name}" has no Service ${reg.namespace}/${reg.service}`);
      continue;
    }
    if (reg.port !== undefined && !svc.ports.some((p) => p.port === reg.port || p.name === reg.port)) {
      v.at('port').error(`Service ${reg.namespace}/${reg.service} has no such port`);
    }
  }

  s.clusters.forEach((c, ci) => {
    const names = new Set<string>();
    c.workloads.forEach((w, wi) => {
      const key = `${w.namespace}/${w.name}`;
      if (names.has(key)) at('clusters', ci, 'workloads', wi, 'name').error('duplicate workload in this namespace');
      names.add(key);
    });
  });

  const listenerExists = (lbName: string, port: number) =>
    s.loadBalancers.some((lb) => lb.name === lbName && lb.listeners.some((l) => l.port === port));
  for (const [i, t] of s.traffic.entries()) {
    const v = at('traffic', i);
    if (!listenerExists(t.loadBalancer, t.port)) {
      v.error(`no listener ${t.loadBalancer}:${t.port}; define it under loadBalancers`, false);
      continue;
    }
    const listener = s.loadBalancers
      .find((lb) => lb.name === t.loadBalancer)!
      .listeners.find((l) => l.port === t.port)!;
    let sum = 0;
    t.rules.forEach((r, ri) => {
      sum += r.share;
      if (!listener.rules.some((x) => x.priority === r.priority))
        v.at('rules', ri, 'priority').error('the listener has no rule with this priority');
    });
    if (sum > 1 + 1e-9) v.at('rules').error('rule shares add up to more than 100%', false);
  }

  s.alarms.forEach((a, i) => {
    for (const d of a.dimensions) {
      if (d.value.startsWith('lb:')) {
        const name = d.value.slice(3);
        if (!s.loadBalancers.some((lb) => lb.name === name))
          at('alarms', i, 'loadBalancer').error(`no load balancer named "${name}"`, false);
        d.value = loadBalancerArn(s, name).split(':loadbalancer/')[1] as string;
      } else if (d.value.startsWith('tg:')) {
        const name = d.value.slice(3);
        if (!tgNames.has(name)) at('alarms', i, 'targetGroup').error(`no target group named "${name}"`, false);
        d.value = `targetgroup/${targetGroupArn(s, name).split(':targetgroup/')[1]}`;
      }
    }
  });

  for (const [i, f] of s.faults.entries()) {
    const v = at('faults', i);
    if ('cluster' in f) {
      const c = cluster(f.cluster);
      if (!c) v.at('cluster').error(`no cluster named "${f.cluster}"`);
      else if ('workload' in f && f.workload !== undefined && !c.workloads.some((w) => w.name === f.workload)) {
        v.at('workload').error(`cluster "${c.name}" has no workload named "${f.workload}"`);
      }
    }
    if (f.kind === 'traffic' && !listenerExists(f.loadBalancer, f.port)) {
      v.error(`no listener ${f.loadBalancer}:${f.port}`, false);
    }
  }
}
