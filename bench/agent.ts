/**
 * Agent benchmark (`npm run bench -- agent`, about 50 s), on the sandbox at real time (speed 1):
 * 1. in this process, 10 bindings × 100 pods, target groups empty: the converge after applying
 *    the bindings and after scaling each Deployment by +20 (ELBv2 calls beside the fewest
 *    possible), and pod ready → RegisterTargets latency of the new pods;
 * 2. `cutover agent` as a child process watching 10 and 10,000 pods: its resident memory, beside
 *    the AWS Load Balancer Controller's published figures.
 */
import { isMain } from '../src/util/is-main.ts';
import { benchAgentLoop } from './agent-loop.ts';
import { benchAgentRss } from './agent-rss.ts';
import { table } from './stats.ts';

const ms = (x: number) => `${x.toFixed(0)} ms`;
const mib = (x: number) => `${x.toFixed(0)} MiB`;

export async function benchAgent(): Promise<string> {
  const loop = await benchAgentLoop(10, 100, 20);
  const small = await benchAgentRss(10, 1);
  const large = await benchAgentRss(10, 1_000);
  const rows: string[][] = [];
  for (const c of loop.converges) {
    const total = Object.values(c.calls).reduce((a, b) => a + b, 0);
    const detail = Object.entries(c.calls)
      .map(([op, n]) => `${n} ${op}`)
      .join(', ');
    rows.push([c.label, `${total} ELBv2 calls (${detail}); ${ms(c.wallMs)}`, `minimum ${c.minimum} calls`]);
  }
  const l = loop.latencyMs;
  rows.push([
    `pod ready → RegisterTargets, ${l.n} new pods (own timing)`,
    `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, min ${ms(l.min)}`,
    'sandbox tick 100 ms',
  ]);
  const s = loop.seenMs;
  rows.push([
    '  of which: ready → the agent sees the endpoint ready',
    `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`,
    'sandbox kubelet, EndpointSlice and watch',
  ]);
  rows.push([
    `  same, agent histogram (${loop.histogram.count} observations)`,
    `p50 ${loop.histogram.p50}, p99 ${loop.histogram.p99}`,
    'ready time has 1 s resolution',
  ]);
  for (const r of [small, large]) {
    rows.push([
      `agent RSS, ${r.pods.toLocaleString('en')} pods watched (${r.how})`,
      `${mib(r.idleMiB)} idle; ${mib(r.convergedMiB)} after registering all (peak ${mib(r.peakMiB)}) in ${ms(r.convergeMs)}`,
      r === large ? 'AWS LBC: 200Mi request / 500Mi limit; ~13k pods fails to start (#3723)' : 'baseline',
    ]);
  }
  rows.push(['AWS LBC, 50 LBs × 1,000 targets (#4240)', '≈ 7 GiB', 'published figure (not measured here)']);
  return `cutover agent benchmark (node ${process.version}, ${process.platform}/${process.arch})\n${table(['measure', 'agent', 'reference'], rows)}`;
}

if (isMain(import.meta.url)) console.log(await benchAgent());
