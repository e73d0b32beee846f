import { lbDimension } from './metrics.ts';
import type { World } from './world.ts';

/**
 * A one-line summary of the world for a live status display: virtual time since start, each
 * trafficked listener's weights, each group's healthy/registered targets, and the last published
 * minute's request rate and 5xx share (target and ELB 5xx together).
 */
export function statusLine(world: World): string {
  const t = world.now;
  const since = Math.max(0, t - world.startedAt);
  const hh = String(Math.floor(since / 3_600_000)).padStart(2, '0');
  const mm = String(Math.floor((since % 3_600_000) / 60_000)).padStart(2, '0');
  const ss = String(Math.floor((since % 60_000) / 1000)).padStart(2, '0');
  const parts = [`t+${hh}:${mm}:${ss} (${new Date(t).toISOString().slice(11, 19)}Z)`];
  const tgName = (arn: string) => world.elbv2.targetGroups.get(arn)?.name ?? arn;
  const groups = new Set<string>();
  for (const lt of world.traffic) {
    const l = world.elbv2.listeners.get(lt.listenerArn);
    if (!l) continue;
    const fw = world.elbv2.forwardTargets(lt.listenerArn);
    for (const f of fw) groups.add(f.targetGroupArn);
    const lbName = lbDimension(lt.loadBalancerArn).split('/')[1];
    parts.push(`${lbName}:${l.port} ${fw.map((f) => `${tgName(f.targetGroupArn)}=${f.weight}`).join(' ')}`);
  }
  const health = [...groups].map((arn) => {
    const ts = world.elbv2.targetsOf(arn);
    return `${tgName(arn)} ${ts.filter((x) => x.state === 'healthy').length}/${ts.filter((x) => x.state !== 'draining').length}`;
  });
  if (health.length) parts.push(`healthy ${health.join(' ')}`);
  let requests = 0;
  let errors = 0;
  for (const m of world.lastMinute.values()) {
    requests += m.counts.requests + m.counts.elb503;
    errors += m.counts.target5xx + m.counts.elb502 + m.counts.elb503 + m.counts.elb504;
  }
  if (world.lastMinute.size) {
    parts.push(
      `${Math.round(requests / 60)} rps`,
      `5xx ${requests ? ((100 * errors) / requests).toFixed(2) : '0.00'}%`,
    );
  }
  return parts.join(' | ');
}
