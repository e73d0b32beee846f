import { isMap } from 'yaml';
import { type Diagnostic, showValue } from '../../errors.ts';
import type { ShapeContext } from '../../spec/check-shape.ts';
import { didYouMean } from '../../spec/did-you-mean.ts';

/** Reports `<path> <what> (got <value>; <allowed>)` at the value of `path` in the file. */
export type Report = (
  path: string,
  what: string,
  got: string,
  allowed: string,
  severity?: Diagnostic['severity'],
) => void;

/**
 * What the rules across fields get: the checked document (check-shape's output, where a field that
 * failed its check is missing and a list item that is not a mapping is `undefined`), a reporter,
 * and what the file itself says (to tell a field left out from one that was written but wrong).
 */
export interface RuleContext {
  raw: any;
  report: Report;
  /** Whether the file has a value at this path (a written field, valid or not). */
  written(path: string): boolean;
  /** Whether the mapping at these YAML keys has as many entries as `checked` (none was dropped as invalid). */
  complete(keys: (string | number)[], checked: object): boolean;
}

export function ruleContext(raw: any, ctx: ShapeContext): RuleContext {
  return {
    raw,
    report: (path, what, got, allowed, severity = 'error') => {
      const p = ctx.positions.at(path);
      ctx.diagnostics.push({ file: ctx.file, ...p, severity, message: `${path} ${what} (got ${got}; ${allowed})` });
    },
    written: (path) => ctx.positions.has(path),
    complete: (keys, checked) => {
      const node = ctx.doc.getIn(keys, true);
      return isMap(node) && node.items.length === Object.keys(checked).length;
    },
  };
}

/** "did you mean …? defined: a, b" for a name that refers to nothing. */
export function known(name: string, names: readonly string[], where: string): string {
  if (names.length === 0) return `none is defined under ${where}`;
  const guess = didYouMean(name, names);
  return `${guess ? `did you mean "${guess}"? ` : ''}defined under ${where}: ${names.join(', ')}`;
}

/** A list of the checked document as an array (a missing or invalid list: none). */
export const items = (list: unknown): any[] => (Array.isArray(list) ? list : []);

/**
 * The values of `key` of every item of a list, or undefined when the list is missing or an item
 * lacks it (invalid): references to such a list are not judged, or every one would look broken.
 */
export function keysOf<T = string>(list: unknown, key: string): T[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.every((x) => x?.[key] !== undefined) ? list.map((x) => x[key] as T) : undefined;
}

/**
 * Checks what refers to what across a scenario: forward actions → target groups (each attached to
 * one load balancer), registrations → clusters/Services/ports, traffic → listeners and rules,
 * alarms → load balancers/target groups, faults → clusters/workloads/listeners/alarms. Runs on the
 * checked document even when it has shape errors: a rule whose inputs are missing (invalid) is
 * skipped, so one run reports everything it can. Paths and indexes are the file's.
 */
export function checkReferences(c: RuleContext): void {
  const { raw, report } = c;
  const tgNames = keysOf(raw.targetGroups, 'name');
  const lbNames = keysOf(raw.loadBalancers, 'name');
  const clusterNames = keysOf(raw.clusters, 'name');

  const tgUsers = new Map<string, string>();
  const checkForward = (
    fw: Record<string, number> | undefined,
    path: string,
    keys: (string | number)[],
    lb: unknown,
  ) => {
    if (!fw) return;
    const weights = Object.values(fw);
    if (weights.length && weights.every((w) => w === 0) && c.complete(keys, fw)) {
      report(path, 'sends no traffic', 'every weight 0', 'give at least one target group a weight above 0');
    }
    for (const targetGroup of Object.keys(fw)) {
      const p = `${path}.${targetGroup}`;
      if (tgNames && !tgNames.includes(targetGroup)) {
        report(p, 'names no target group', showValue(targetGroup), known(targetGroup, tgNames, 'targetGroups'));
        continue;
      }
      if (typeof lb !== 'string') continue;
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
  items(raw.loadBalancers).forEach((lb, li) => {
    items(lb?.listeners).forEach((l, i) => {
      const lp = `loadBalancers[${li}].listeners[${i}]`;
      const keys = ['loadBalancers', li, 'listeners', i];
      checkForward(l?.forward, `${lp}.forward`, [...keys, 'forward'], lb.name);
      items(l?.rules).forEach((r, ri) => {
        checkForward(r?.forward, `${lp}.rules[${ri}].forward`, [...keys, 'rules', ri, 'forward'], lb.name);
      });
    });
  });

  const clusterOf = (name: unknown) => items(raw.clusters).find((x) => x?.name !== undefined && x.name === name);
  items(raw.targetGroups).forEach((tg, i) => {
    const reg = tg?.registered;
    if (!reg || typeof reg !== 'object') return;
    checkRegistration(c, reg, `targetGroups[${i}].registered`, clusterNames, clusterOf(reg.fromCluster));
  });

  // Listeners are known when every load balancer and listener names itself.
  const listenerList = items(raw.loadBalancers).flatMap((lb) => items(lb?.listeners).map((l) => ({ lb: lb?.name, l })));
  const listenersKnown =
    lbNames !== undefined &&
    items(raw.loadBalancers).every((lb) => Array.isArray(lb.listeners)) &&
    listenerList.every((x) => x.l?.port !== undefined);
  const listenerNames = listenerList.map((x) => `${x.lb}:${x.l?.port}`);
  const listenerOf = (lb: unknown, port: unknown) => listenerList.find((x) => x.lb === lb && x.l?.port === port)?.l;
  const checkListener = (lb: unknown, port: unknown, path: string): boolean => {
    if (!listenersKnown || lb === undefined || port === undefined || listenerOf(lb, port)) return true;
    const name = `${lb}:${port}`;
    report(path, 'names no listener', showValue(name), known(name, listenerNames, 'loadBalancers'));
    return false;
  };
  items(raw.traffic).forEach((t, i) => {
    if (!t || !checkListener(t.loadBalancer, t.port, `traffic[${i}]`)) return;
    const l = listenerOf(t.loadBalancer, t.port);
    const prios = keysOf<number>(l?.rules, 'priority');
    let sum = 0;
    items(t.rules).forEach((r, ri) => {
      sum += typeof r?.share === 'number' ? r.share : 0;
      if (prios && r?.priority !== undefined && !prios.includes(r.priority)) {
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

  items(raw.alarms).forEach((a, i) => {
    const lb = a?.loadBalancer;
    const tg = a?.targetGroup;
    if (lb !== undefined && lbNames && !lbNames.includes(lb))
      report(`alarms[${i}].loadBalancer`, 'names no load balancer', showValue(lb), known(lb, lbNames, 'loadBalancers'));
    if (tg !== undefined && tgNames && !tgNames.includes(tg))
      report(`alarms[${i}].targetGroup`, 'names no target group', showValue(tg), known(tg, tgNames, 'targetGroups'));
  });

  const alarmNames = keysOf(raw.alarms, 'name');
  items(raw.faults).forEach((f, i) => {
    if (!f) return;
    const p = `faults[${i}]`;
    if (f.cluster !== undefined) {
      const cl = clusterOf(f.cluster);
      if (clusterNames && !cl)
        report(`${p}.cluster`, 'names no cluster', showValue(f.cluster), known(f.cluster, clusterNames, 'clusters'));
      const workloads = keysOf(cl?.workloads, 'name');
      if (cl && f.workload !== undefined && workloads && !workloads.includes(f.workload)) {
        report(
          `${p}.workload`,
          `names no workload of cluster "${cl.name}"`,
          showValue(f.workload),
          known(f.workload, workloads, `clusters[${items(raw.clusters).indexOf(cl)}].workloads`),
        );
      }
    }
    if (f.kind === 'traffic') checkListener(f.loadBalancer, f.port, p);
    if (f.kind === 'alarmState' && f.alarm !== undefined && alarmNames && !alarmNames.includes(f.alarm)) {
      report(
        `${p}.alarm`,
        'names no alarm of the scenario',
        showValue(f.alarm),
        `${alarmNames.length ? `${known(f.alarm, alarmNames, 'alarms')}; ` : ''}fine if a client creates it (PutMetricAlarm) before the fault, else the fault does nothing`,
        'warning',
      );
    }
  });
}

/** A target group's `registered:` → its cluster, Service and Service port. */
function checkRegistration(c: RuleContext, reg: any, p: string, clusterNames: string[] | undefined, cl: any): void {
  const { report } = c;
  if (reg.fromCluster === undefined) return;
  if (!cl) {
    if (clusterNames)
      report(
        `${p}.fromCluster`,
        'names no cluster',
        showValue(reg.fromCluster),
        known(reg.fromCluster, clusterNames, 'clusters'),
      );
    return;
  }
  const services: any[] | undefined =
    keysOf(cl.services, 'name') && keysOf(cl.services, 'namespace') ? cl.services : undefined;
  if (!services || reg.namespace === undefined || reg.service === undefined) return;
  const svc = services.find((x) => x.name === reg.service && x.namespace === reg.namespace);
  if (!svc) {
    const there = services.map((x) => `${x.namespace}/${x.name}`);
    report(
      `${p}.service`,
      `names no Service of cluster "${cl.name}"`,
      showValue(`${reg.namespace}/${reg.service}`),
      there.length ? `its Services: ${there.join(', ')}` : 'it has no Services',
    );
    return;
  }
  // A port whose name was written but is invalid could be the one meant: then the ports are not known.
  const si = items(cl.services).indexOf(svc);
  const ci = items(c.raw.clusters).indexOf(cl);
  const ports = keysOf<number>(svc.ports, 'port');
  const namesOk = items(svc.ports).every(
    (x, pi) => x.name !== undefined || !c.written(`clusters[${ci}].services[${si}].ports[${pi}].name`),
  );
  if (reg.port === undefined || !ports || !namesOk) return;
  if (!svc.ports.some((x: any) => x.port === reg.port || x.name === reg.port)) {
    const shown = svc.ports.map((x: any) => (x.name ? `${x.name} (${x.port})` : String(x.port)));
    report(
      `${p}.port`,
      `names no port of Service ${reg.namespace}/${reg.service}`,
      showValue(reg.port),
      `its ports: ${shown.join(', ')}`,
    );
  }
}
