import { stripVTControlCharacters } from 'node:util';
import { blue, cyan, green, magenta, plot, red, yellow } from 'asciichart';
import picocolors from 'picocolors';
import { formatPercent } from '../../spec/percent.ts';
import type { LiveView } from './model.ts';

/**
 * One frame of the live view, as text: pure, so recorded events replay into the same frames
 * (snapshot tests, the README's screen). Colour is picocolors' (off: plain text, the same
 * characters), the charts are asciichart's; the TTY driver (screen.ts) redraws frames in place.
 *
 *   header        rollout, from → to, who drives
 *   status        step n/N and phase, every step's share (✓ done, ▶ now, · to come)
 *   routes        a bar per route and cluster: effective percent and ALB weight
 *   gates         the latest tick: each check's verdict with its numbers
 *   traffic       per cluster: requests and target 5xx rate per minute since the start
 *   next          time to the next tick and the bake's end, or what it waits for; the driver's clock
 *   log           the latest progress lines
 */
export interface FrameOptions {
  /** Columns: every line fits in them (narrower than MIN_WIDTH: drawn at MIN_WIDTH, and the terminal wraps). */
  width: number;
  color: boolean;
  /** The time the countdowns count from (default: the view's latest event). */
  now?: number;
  /** Rows the frame may take (fewer log lines when short); unlimited when absent. */
  height?: number;
}

export const MIN_WIDTH = 60;
/** Log lines a frame shows when its height is not limited. */
const LOG_SHOWN = 3;
const CHART_ROWS = 3;
/** A chart label's columns (`  11k `, ` 2.0% `). */
const LABEL = 7;
const CHART_GAP = 3;
/** A cluster's name beside its charts is cut to this. */
const NAME_MAX = 10;
const PERIOD_MS = 60_000;

type Colors = ReturnType<typeof picocolors.createColors>;
type Paint = (s: string) => string;
/** A piece of a line: text, painted after the line is cut to width. */
type Seg = string | [string, Paint];

export function renderFrame(view: LiveView, opts: FrameOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(opts.width));
  const c = picocolors.createColors(opts.color);
  const now = opts.now ?? view.now;
  const fit = (...segs: Seg[]) => fitLine(segs, width);
  const lines: string[] = [];

  // Header.
  const left = `${view.rollout}  ${view.from} → ${view.to}`;
  const right = driverText(view, now);
  const gap = Math.max(2, width - left.length - right.length);
  lines.push(fit([left, c.bold], ' '.repeat(gap), [right, c.dim]));

  // Status: step and phase, and the steps.
  const n = view.steps.length;
  const stepNo = view.step < 0 ? '–' : String(Math.min(view.step + 1, n));
  const strip: Seg[] = [];
  view.steps.forEach((label, i) => {
    const [mark, paint] = stepMark(view, i, c);
    strip.push('  ', [`${mark} ${label}`, paint]);
  });
  lines.push(fit(`step ${stepNo}/${n} `, [phaseText(view.phase), phasePaint(view.phase, c)], ' ', ...strip));

  // Routes.
  lines.push(...routeLines(view, width, c, fit));

  // Gates.
  lines.push(...gateLines(view, c, fit, now));

  // Traffic.
  lines.push(...trafficLines(view, width, c, fit));

  // Next, and the clock at the right (the lines above change only with events: less to redraw).
  const clock = clockText(now);
  const next = fitLine(
    [[view.source === 'tags' ? 'state  ' : 'next   ', c.dim], ...nextText(view, now, c)],
    width - clock.length - 2,
  );
  const pad = width - stripVTControlCharacters(next).length - clock.length;
  lines.push(`${next}${' '.repeat(pad)}${c.dim(clock)}`);
  // From the tags: why it paused, rolled back or failed, on a line of its own.
  if (view.source === 'tags' && view.detail)
    lines.push(fit(['why    ', c.dim], [view.detail, phasePaint(view.phase, c)]));
  if (view.source === 'tags' && view.command) lines.push(fit(['cmd    ', c.dim], [view.command, c.yellow]));

  // Log: as many of the latest lines as the height leaves.
  const room = opts.height === undefined ? LOG_SHOWN : Math.max(0, opts.height - lines.length);
  const shown = room === 0 ? [] : view.log.slice(-Math.min(room, LOG_SHOWN, view.log.length));
  shown.forEach((l, i) => {
    lines.push(fit([i === 0 ? 'log    ' : '       ', c.dim], [l, c.dim]));
  });
  return lines.join('\n');
}

function driverText(view: LiveView, now: number): string {
  if (!view.driver) return view.source === 'tags' ? 'no driver' : 'driver ?';
  const d = view.driver;
  if (d.expiresAt === undefined) return `driver ${d.holder}`;
  const lapsed = d.live === false || d.expiresAt <= now;
  return `driver ${d.holder}, lease ${lapsed ? 'lapsed' : `until ${clockText(d.expiresAt)}`}`;
}

const PHASES: Record<string, string> = {
  starting: 'starting',
  nextStep: 'next step',
  advance: 'advancing',
  adopting: 'adopting the live weights',
  loading: 'reading the routes',
  preflight: 'preflight',
  shifting: 'writing weights',
  verifying: 'reading back',
  baking: 'baking',
  awaitingApproval: 'waiting for approval',
  paused: 'PAUSED',
  rollingBack: 'ROLLING BACK',
  rolledBack: 'rolled back',
  aborted: 'aborted',
  completed: 'completed',
  failed: 'failed',
};

function phaseText(phase: string): string {
  return PHASES[phase] ?? phase;
}

function phasePaint(phase: string, c: Colors): Paint {
  if (phase === 'completed') return (s) => c.bold(c.green(s));
  if (['rollingBack', 'rolledBack', 'aborted', 'failed'].includes(phase)) return (s) => c.bold(c.red(s));
  if (['paused', 'awaitingApproval'].includes(phase)) return (s) => c.bold(c.yellow(s));
  return (s) => c.bold(c.cyan(s));
}

function stepMark(view: LiveView, i: number, c: Colors): [string, Paint] {
  const done = view.phase === 'completed' || i < view.step;
  if (done) return ['✓', c.green];
  if (i === view.step) {
    if (['rollingBack', 'rolledBack', 'aborted', 'failed'].includes(view.phase)) return ['✗', c.red];
    return ['▶', c.bold];
  }
  return ['·', c.dim];
}

/** A cluster's colour: its own name when it is one (blue, green …), else by position. */
function clusterPaint(view: LiveView, cluster: string, c: Colors): Paint {
  const named: Record<string, Paint> = {
    blue: c.blue,
    green: c.green,
    red: c.red,
    yellow: c.yellow,
    magenta: c.magenta,
    cyan: c.cyan,
  };
  const palette = [c.cyan, c.green, c.magenta, c.yellow];
  return named[cluster] ?? palette[view.clusters.indexOf(cluster) % palette.length] ?? c.cyan;
}

/** The same colour as an escape sequence for asciichart (which paints its own lines). */
function chartColor(view: LiveView, cluster: string): string {
  const named: Record<string, string> = { blue, green, red, yellow, magenta, cyan };
  const palette = [cyan, green, magenta, yellow];
  return named[cluster] ?? palette[view.clusters.indexOf(cluster) % palette.length] ?? cyan;
}

const DRIFT = '  DRIFT';

/** Routes shown one by one; more than this are summed up in one line (they move in lockstep). */
const MAX_ROUTES = 3;

function routeLines(view: LiveView, width: number, c: Colors, fit: (...s: Seg[]) => string): string[] {
  const routes = view.routes.slice(0, MAX_ROUTES);
  const routeCol = Math.min(18, Math.max(...routes.map((r) => `route ${r}`.length)) + 2);
  const clusterCol = Math.max(...view.clusters.map((x) => x.length)) + 1;
  const weights = view.weights;
  if (!weights)
    return [
      fit(
        `route${view.routes.length > 1 ? 's' : ''} `,
        [view.routes.join(', '), c.bold],
        ['  weights not read yet', c.dim],
      ),
    ];
  const maxWeight = Math.max(0, ...Object.values(weights).flatMap((w) => Object.values(w)));
  const suffix = 6 + 2 + `weight ${maxWeight}`.length + (view.drift.length > 0 ? DRIFT.length : 0);
  const barWidth = Math.max(10, width - routeCol - clusterCol - suffix - 2);
  const out: string[] = [];
  for (const r of routes) {
    const w = weights[r] ?? {};
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    view.clusters.forEach((cluster, i) => {
      const weight = w[cluster] ?? 0;
      const share = total > 0 ? weight / total : 0;
      const filled = Math.round(share * barWidth);
      const paint = clusterPaint(view, cluster, c);
      const drift = i === 0 && view.drift.includes(r) ? DRIFT : '';
      out.push(
        fit(
          (i === 0 ? `route ${r}` : '').padEnd(routeCol),
          [cluster.padEnd(clusterCol), paint],
          ['█'.repeat(filled), paint],
          ['░'.repeat(barWidth - filled), c.dim],
          [(total > 0 ? formatPercent(share, 1) : '–').padStart(6), c.bold],
          `  weight ${weight}`,
          [drift, (s) => c.bold(c.red(s))],
        ),
      );
    });
  }
  if (view.routes.length > routes.length)
    out.push(fit([`+ ${view.routes.length - routes.length} more routes, in lockstep`, c.dim]));
  return out;
}

function gateLines(view: LiveView, c: Colors, fit: (...s: Seg[]) => string, now: number): string[] {
  const head: Seg = ['gates  ', c.dim];
  if (view.source === 'tags')
    return [fit(head, ["shown by the driver (cutover run); status reads only the routes' tags", c.dim])];
  const t = view.tick;
  if (!t) {
    const due = view.nextTickAt !== null ? `; the first is due in ${countdown(view.nextTickAt - now)}` : '';
    return [fit(head, [`no tick yet${due}`, c.dim])];
  }
  const mark = (o: string): [string, Paint] =>
    o === 'pass' ? ['✓', c.green] : o === 'fail' ? ['✗', (s) => c.bold(c.red(s))] : ['?', c.yellow];
  const [m, paint] = mark(t.outcome);
  const out = [
    fit(head, [`${m} tick ${hhmm(t.window.startMs)}–${hhmm(t.window.endMs)} ${t.outcome}`, paint], ` → ${t.decision}`, [
      `  (at ${clockText(t.at)})`,
      c.dim,
    ]),
  ];
  for (const v of t.verdicts) {
    const [vm, vp] = mark(v.outcome);
    out.push(fit('  ', [vm, vp], ` ${v.description.replace(/ (pass|fail|inconclusive)$/, '')}`));
  }
  return out;
}

function trafficLines(view: LiveView, width: number, c: Colors, fit: (...s: Seg[]) => string): string[] {
  if (view.source === 'tags') return [];
  const clusters = view.clusters.filter((x) => (view.traffic[x]?.length ?? 0) > 0);
  const head: Seg = ['traffic ', c.dim];
  if (clusters.length === 0) return [fit(head, ['per minute: no minute read yet', c.dim])];
  // One minute axis for every cluster: the minutes the ticks read, in order.
  const axis = [...new Set(clusters.flatMap((x) => view.traffic[x]!.map((m) => m.startMs)))].sort((a, b) => a - b);
  const nameCol = Math.max(...clusters.map((x) => x.slice(0, NAME_MAX).length)) + 2;
  // Two charts side by side, each its labels and axis (LABEL + 1 columns, the first point on the
  // axis) and a column per point: as many points as the width leaves, minutes averaged beyond.
  const room = Math.max(4, Math.floor((width - nameCol - CHART_GAP - 2 * (LABEL + 1)) / 2));
  const per = Math.ceil(axis.length / room);
  const buckets: number[][] = [];
  for (let i = 0; i < axis.length; i += per) buckets.push(axis.slice(i, i + per));
  const chartWidth = LABEL + 1 + room;
  const unit = per === 1 ? 'per minute' : `per minute (${per}-minute averages)`;
  const out = [
    fit(head, [`${unit} since ${hhmm(axis[0]!)} UTC`, c.dim]),
    fit(
      ' '.repeat(nameCol + LABEL + 1),
      ['requests'.padEnd(chartWidth - LABEL - 1 + CHART_GAP + LABEL + 1), c.dim],
      ['target 5xx rate', c.dim],
    ),
  ];
  for (const cluster of clusters) {
    const byMinute = new Map(view.traffic[cluster]!.map((m) => [m.startMs, m]));
    const requests: number[] = [];
    const rates: number[] = [];
    for (const b of buckets) {
      const ms = b.flatMap((t) => byMinute.get(t) ?? []);
      const req = ms.reduce((a, m) => a + m.requests, 0);
      const err = ms.reduce((a, m) => a + m.errors, 0);
      requests.push(req / b.length);
      rates.push(req > 0 ? err / req : 0);
    }
    const color = c.isColorSupported ? chartColor(view, cluster) : undefined;
    const left = chart(requests, Math.max(1, ...requests), countLabel, color);
    const right = chart(rates, Math.max(view.limits[cluster] ?? 0.01, ...rates), rateLabel, color);
    const paint = clusterPaint(view, cluster, c);
    for (let row = 0; row < CHART_ROWS; row++) {
      const name = row === 0 ? cluster.slice(0, NAME_MAX) : '';
      const pad = ' '.repeat(chartWidth - left.plain[row]!.length + CHART_GAP);
      out.push(`${paint(name)}${' '.repeat(nameCol - name.length)}${left.rows[row]}${pad}${right.rows[row]}`.trimEnd());
    }
  }
  // Where each write landed: its step's number under the first minute it touched.
  const marks = writeMarks(view, buckets);
  const markCol = `${'step'.padStart(LABEL - 1)} ${marks}`;
  out.push(fit(' '.repeat(nameCol), [markCol.padEnd(chartWidth + CHART_GAP), c.dim], [markCol, c.dim]));
  return out;
}

/** An asciichart of `values` (0 to `max`, CHART_ROWS rows) with fixed-width labels. */
function chart(
  values: number[],
  max: number,
  label: (x: number) => string,
  color: string | undefined,
): { rows: string[]; plain: string[] } {
  const cfg = {
    min: 0,
    max,
    height: CHART_ROWS - 1,
    offset: 2,
    format: (x: number) => `${label(x).padStart(LABEL - 1)} `,
  };
  const plain = plot(values, cfg).split('\n');
  const rows = color === undefined ? plain : plot(values, { ...cfg, colors: [color] }).split('\n');
  return { rows, plain };
}

/** Per bucket of minutes: the mark of the latest write within it (a step's number, ↩), else a space. */
function writeMarks(view: LiveView, buckets: number[][]): string {
  return buckets
    .map((b) => {
      const from = b[0]!;
      const to = b.at(-1)! + PERIOD_MS;
      return view.writes.filter((w) => w.at >= from && w.at < to).at(-1)?.mark ?? ' ';
    })
    .join('');
}

function countLabel(x: number): string {
  if (x >= 10_000) return `${Math.round(x / 1000)}k`;
  if (x >= 1000) return `${(x / 1000).toFixed(1)}k`;
  return String(Math.round(x));
}

function rateLabel(x: number): string {
  return `${(x * 100).toFixed(x >= 0.1 ? 0 : 1)}%`;
}

/** Paused or awaiting approval: the gates and alarms still watch (when the driver says they tick). */
function watchText(view: LiveView, now: number): string {
  return view.nextTickAt !== null ? `, gates watching (tick in ${countdown(view.nextTickAt - now)})` : '';
}

function nextText(view: LiveView, now: number, c: Colors): Seg[] {
  if (view.source === 'tags')
    return [view.recordedAt === null ? 'nothing recorded on the routes' : `recorded ${clockText(view.recordedAt)}`];
  const step = `step ${Math.min(view.step + 1, view.steps.length)}`;
  switch (view.phase) {
    case 'baking': {
      const parts: string[] = [];
      if (view.nextTickAt !== null) parts.push(`tick in ${countdown(view.nextTickAt - now)}`);
      if (view.bakeEndsAt !== null)
        parts.push(
          view.bakeEndsAt > now
            ? `bake ends in ${countdown(view.bakeEndsAt - now)}`
            : 'bake done; the step advances on a passing tick of its own',
        );
      return [parts.join(' · ') || 'baking'];
    }
    case 'awaitingApproval':
      return [[`waiting for approval${watchText(view, now)}: cutover promote (or cutover abort)`, c.yellow]];
    case 'paused':
      return [
        [
          `paused${watchText(view, now)}${view.detail ? `: ${view.detail}` : ''}; cutover resume or cutover abort`,
          c.yellow,
        ],
      ];
    case 'rollingBack':
      return [[`rolling back${view.detail ? `: ${view.detail}` : ''}`, c.red]];
    case 'preflight':
      return [`checking capacity before ${step}`];
    case 'shifting':
      return [`writing ${step}'s weights, then reading them back`];
    case 'verifying':
      return [`reading ${step}'s weights back`];
    case 'loading':
    case 'starting':
      return ["reading the routes' state and weights"];
    case 'completed':
      return [['nothing: the rollout is complete', c.green]];
    case 'rolledBack':
    case 'aborted':
    case 'failed':
      return [[`nothing: ${phaseText(view.phase)}${view.detail ? ` (${view.detail})` : ''}`, c.red]];
    default:
      return [view.detail ?? ''];
  }
}

/** Cuts the line's text to `width` (… marks a cut) and its trailing spaces, then paints each piece. */
function fitLine(segs: Seg[], width: number): string {
  const pieces = segs.map((s): [string, Paint] => (typeof s === 'string' ? [s, (x) => x] : s));
  const total = pieces.reduce((a, [text]) => a + text.length, 0);
  const cut = total > width;
  let left = cut ? width - 1 : width;
  const kept: Array<[string, Paint]> = [];
  for (const [text, paint] of pieces) {
    if (left <= 0) break;
    const part = text.slice(0, left);
    left -= part.length;
    kept.push([part, paint]);
  }
  if (!cut) {
    // Trailing spaces would only be painted over nothing.
    for (let i = kept.length - 1; i >= 0; i--) {
      const trimmed = kept[i]![0].trimEnd();
      kept[i] = [trimmed, kept[i]![1]];
      if (trimmed) break;
    }
  }
  const out = kept.map(([text, paint]) => (text ? paint(text) : '')).join('');
  return cut ? `${out}…` : out;
}

function clockText(t: number): string {
  return `${new Date(t).toISOString().slice(11, 19)} UTC`;
}

function hhmm(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

/** `0:42`, `12:05`, `1:02:03`; never negative. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
