import { plural } from '../errors.ts';
import { formatDuration } from '../spec/duration.ts';
import { formatPercent } from '../spec/percent.ts';
import { describeCheck, whyNotApplicable } from './checks.ts';
import type { Plan, WeightState } from './plan-types.ts';

/** The plan as people read it in a terminal: header, one row per step, gates, rollback, totals. */
export function renderPlanText(plan: Plan): string {
  const nameWidth = Math.max(...plan.routes.map((r) => r.name.length));
  const lines = [
    `rollout ${plan.name}: ${plan.from} → ${plan.to} (${plan.region})`,
    `clusters: ${plan.clusters.map((c) => (c === plan.from ? `${c} (from)` : c === plan.to ? `${c} (to)` : c)).join(', ')}`,
    `routes (${plan.routes.length}, moved together):`,
    ...plan.routes.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.kind} ${r.arn}`),
    '',
    ...table(plan),
    '',
    ...gates(plan),
    capacity(plan),
    rollback(plan),
    totals(plan),
  ];
  return `${lines.join('\n')}\n`;
}

function table(plan: Plan): string[] {
  const multi = plan.clusters.length > 2;
  const shareHead = multi ? `split ${plan.clusters.join('/')}` : `on ${plan.to}`;
  const head = ['#', 'action', shareHead, 'ALB weights (every route)', 'bake', 'elapsed', 'checks'];
  const share = (s: WeightState) => split(plan, s);
  const rows = [['0', 'start', share(plan.initial), weights(plan.initial), '-', '0s', '']];
  for (const p of plan.steps) {
    const at = formatDuration(p.cumulativeMs);
    const checks = checkList(p.checks, plan.gates.checks.length);
    const n = String(stepNumber(p.index));
    if (p.kind === 'approve') {
      rows.push([n, 'approve', share(p.state), 'waits for an operator', '-', at, checks]);
    } else {
      const w = p.changesWeights ? weights(p.state) : `${weights(p.state)} (no change)`;
      rows.push([n, 'shift', share(p.state), w, formatDuration(p.bakeMs), at, checks]);
    }
  }
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([0, 2, 4, 5]);
  const fmt = (r: string[]) =>
    `  ${r
      .map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [fmt(head), ...rows.map(fmt), ...inexactNotes(plan)];
}

/** People count steps from 1 (the table's `#`, the notes); plans index them from 0. */
const stepNumber = (index: number) => index + 1;

/** A percent value (0–100) for display, to 3 decimals: `5%`, `33.333%`. */
const pct = (percent: number, decimals = 3) => formatPercent(percent / 100, decimals);

/** A number of percent without the sign: `33.33`, as in `90/5/5`. */
const num = (percent: number, decimals = 3) => pct(percent, decimals).slice(0, -1);

/** The split as the table shows it: `5%` on `to` with two clusters, `90/5/5` with more. */
function split(plan: Plan, s: WeightState): string {
  if (plan.clusters.length <= 2) return pct(s.toPercent);
  return plan.clusters.map((c) => num(Object.hasOwn(s.shares, c) ? s.shares[c]! : 0)).join('/');
}

/** `blue=19 green=1`; `≈` marks a split ALB cannot give exactly (see the notes under the table). */
export function weights(s: WeightState): string {
  const text = Object.entries(s.weights)
    .map(([c, w]) => `${c}=${w}`)
    .join(' ');
  return s.exact ? text : `${text} ≈`;
}

function inexactNotes(plan: Plan): string[] {
  return plan.steps
    .filter((p) => p.kind === 'weight' && !p.state.exact)
    .map((p) => {
      const eff = Object.entries(p.state.effective)
        .filter(([c]) => Object.hasOwn(p.state.shares, c) && p.state.shares[c]! > 0)
        .map(([c, share]) => `${c} ${pct(share)}`)
        .join(', ');
      return `  ≈ step ${stepNumber(p.index)} cannot be exact in ALB weights; it gets ${eff} (off by up to ${num(p.state.maxErrorPct, 4)} percentage points)`;
    });
}

/** Check numbers (1-based) as `1,2,4`, `all` or `-`. */
function checkList(indexes: number[], total: number): string {
  if (total > 0 && indexes.length === total) return 'all';
  return indexes.length === 0 ? '-' : indexes.map((i) => i + 1).join(',');
}

function gates(plan: Plan): string[] {
  const g = plan.gates;
  const head = `gates: every ${formatDuration(g.intervalMs)}, on metrics ${formatDuration(g.lagMs)} behind now`;
  if (g.checks.length === 0) return [`${head}: no checks (steps advance on bake time alone)`];
  return [
    `${head}:`,
    ...g.checks.map((c, i) => `  ${i + 1}. ${describeCheck(c)}`),
    `  rolls back on failed tick ${g.failureLimit + 1} (failure limit ${g.failureLimit}); ` +
      `inconclusive ticks tolerated in a row: ${g.inconclusiveLimit}, the next counts as failed`,
    ...skippedChecks(plan),
  ];
}

/**
 * The footnote to the table's checks column: which checks a step leaves out, and why (a check
 * about a cluster without traffic has nothing to judge).
 */
function skippedChecks(plan: Plan): string[] {
  const notes = plan.gates.checks.flatMap((c, i) => {
    // Steps that leave the check out, grouped by the reason (it can differ from step to step).
    const byReason = new Map<string, number[]>();
    for (const p of plan.steps) {
      if (p.checks.includes(i)) continue;
      const why = whyNotApplicable(c, p.state.effective) ?? 'it cannot judge this split';
      byReason.set(why, [...(byReason.get(why) ?? []), stepNumber(p.index)]);
    }
    return [...byReason].map(
      ([why, at]) => `    ${i + 1}. not at ${at.length === 1 ? 'step' : 'steps'} ${listOf(at.map(String))}: ${why}`,
    );
  });
  if (notes.length === 0) return [];
  return [
    '  checks column: "all" is every check above; a step lists fewer where a check has nothing to judge:',
    ...notes,
  ];
}

/** `1`, `1 and 2`, `1, 2 and 3`. */
function listOf(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function capacity(plan: Plan): string {
  const c = plan.capacity;
  const rising = plan.clusters.filter((cl) => plan.steps.some((p) => Object.hasOwn(p.increases, cl)));
  return (
    `capacity: before a step raises a cluster's share, that cluster needs ≥ ${c.minHealthyTargets} healthy target(s) per route and ` +
    `≥ ${c.headroom} × its new share × ${plan.from}'s healthy targets (waits up to ${formatDuration(c.waitMs)}); ` +
    `gaining traffic: ${rising.length === 0 ? 'none' : rising.join(', ')}`
  );
}

function rollback(plan: Plan): string {
  const r = plan.rollback;
  const noWait = 'no capacity wait: each cluster returns to a share it carried before';
  if (r.mode === 'instant') return `rollback: instant — one write per route to ${weights(plan.initial)}; ${noWait}`;
  const on = plan.clusters.length <= 2 ? ` on ${plan.to}` : ` (${plan.clusters.join('/')})`;
  const path = r.path.map((s) => split(plan, s.state)).join(' → ');
  return `rollback: gradual — back through ${path}${on}, baking ${formatDuration(r.stepBakeMs)} between; ${noWait}`;
}

function totals(plan: Plan): string {
  const t = plan.totals;
  const approvals = t.approvals === 0 ? '' : `, ${plural(t.approvals, 'approval')}`;
  const wait = t.approvals === 0 ? '' : ' plus operator waits';
  return (
    `total: ${plural(t.steps, 'step')}, ${plural(t.weightChanges, 'weight change')} ` +
    `(${plural(t.apiCalls, 'ModifyListener/ModifyRule call')})${approvals}; ` +
    `minimum duration ${formatDuration(t.minDurationMs)}${wait}`
  );
}
