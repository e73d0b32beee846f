import type { MathNode } from './math-parser.ts';

export interface TimeSeries {
  label: string;
  periodSec: number;
  /** Ascending epoch ms. */
  timestamps: number[];
  values: number[];
}

export type MathValue =
  | { k: 'scalar'; v: number }
  | { k: 'ts'; s: TimeSeries }
  | { k: 'arr'; items: TimeSeries[] }
  | { k: 'str'; v: string }
  | { k: 'kw'; name: string };

export interface MathContext {
  /** Query window: inclusive start (already rounded), exclusive end, epoch ms. */
  start: number;
  end: number;
  /** Period for series made from nothing (TIME_SERIES of a scalar). */
  defaultPeriodSec: number;
  /** The value of another query by Id; throws MathEvalError when unknown. */
  ref(id: string): MathValue;
  /** Every MetricStat query's series, in request order (METRICS()). */
  metrics(): { id: string; series: TimeSeries }[];
}

export class MathEvalError extends Error {}

const scalar = (v: number): MathValue => ({ k: 'scalar', v });
const ts = (s: TimeSeries): MathValue => ({ k: 'ts', s });

function fail(msg: string): never {
  throw new MathEvalError(msg);
}

/** Evaluates an expression tree to a scalar, a time series or an array of time series. */
export function evaluateMath(node: MathNode, ctx: MathContext): MathValue {
  switch (node.t) {
    case 'num':
      return scalar(node.v);
    case 'str':
      return { k: 'str', v: node.v };
    case 'kw':
      return { k: 'kw', name: node.name };
    case 'ref':
      return ctx.ref(node.id);
    case 'arr': {
      const items: TimeSeries[] = [];
      for (const n of node.items) {
        const v = evaluateMath(n, ctx);
        if (v.k === 'ts') items.push(v.s);
        else if (v.k === 'arr') items.push(...v.items);
        else fail('an array may only hold time series');
      }
      return { k: 'arr', items };
    }
    case 'neg':
      return binary('*', scalar(-1), evaluateMath(node.e, ctx));
    case 'bin':
      return binary(node.op, evaluateMath(node.l, ctx), evaluateMath(node.r, ctx));
    case 'call':
      return callFn(node.fn, node.args, ctx);
  }
}

function applyOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    // Division by zero gives ±Infinity/NaN here; series results drop non-finite points, as
    // CloudWatch drops "the data point" when a function would divide by zero.
    case '/':
      return a / b;
    case '^':
      return a ** b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    default:
      return fail(`unknown operator ${op}`);
  }
}

function mapSeries(s: TimeSeries, f: (v: number, t: number, i: number) => number | undefined): TimeSeries {
  const out: TimeSeries = { label: s.label, periodSec: s.periodSec, timestamps: [], values: [] };
  for (let i = 0; i < s.timestamps.length; i++) {
    const v = f(s.values[i]!, s.timestamps[i]!, i);
    if (v === undefined || !Number.isFinite(v)) continue;
    out.timestamps.push(s.timestamps[i]!);
    out.values.push(v);
  }
  return out;
}

/**
 * Series ∘ series over the union of timestamps, "missing values treated as 0" (CloudWatch
 * user guide, metric math: arithmetic and comparison operators).
 */
function zipSeries(a: TimeSeries, b: TimeSeries, f: (x: number, y: number) => number): TimeSeries {
  const out: TimeSeries = { label: '', periodSec: Math.max(a.periodSec, b.periodSec), timestamps: [], values: [] };
  let i = 0;
  let j = 0;
  while (i < a.timestamps.length || j < b.timestamps.length) {
    const ta = a.timestamps[i] ?? Number.POSITIVE_INFINITY;
    const tb = b.timestamps[j] ?? Number.POSITIVE_INFINITY;
    const t = Math.min(ta, tb);
    const x = ta === t ? a.values[i++]! : 0;
    const y = tb === t ? b.values[j++]! : 0;
    const v = f(x, y);
    if (Number.isFinite(v)) {
      out.timestamps.push(t);
      out.values.push(v);
    }
  }
  return out;
}

function binary(op: string, l: MathValue, r: MathValue): MathValue {
  const f = (a: number, b: number) => applyOp(op, a, b);
  if (l.k === 'scalar' && r.k === 'scalar') return scalar(f(l.v, r.v));
  if (l.k === 'ts' && r.k === 'scalar') return ts({ ...mapSeries(l.s, (v) => f(v, r.v)), label: '' });
  if (l.k === 'scalar' && r.k === 'ts') return ts({ ...mapSeries(r.s, (v) => f(l.v, v)), label: '' });
  if (l.k === 'ts' && r.k === 'ts') return ts(zipSeries(l.s, r.s, f));
  if (l.k === 'arr' && (r.k === 'scalar' || r.k === 'ts')) {
    return { k: 'arr', items: l.items.map((s) => keepLabel(s, binary(op, ts(s), r))) };
  }
  if (r.k === 'arr' && (l.k === 'scalar' || l.k === 'ts')) {
    return { k: 'arr', items: r.items.map((s) => keepLabel(s, binary(op, l, ts(s)))) };
  }
  return fail(`operator ${op} cannot combine ${kindName(l)} and ${kindName(r)}`);
}

function keepLabel(src: TimeSeries, v: MathValue): TimeSeries {
  if (v.k !== 'ts') return fail('internal: expected a time series');
  return { ...v.s, label: src.label };
}

function kindName(v: MathValue): string {
  return v.k === 'scalar' ? 'a scalar' : v.k === 'ts' ? 'a time series' : v.k === 'arr' ? 'an array' : `'${v.k}'`;
}

/** Period-aligned timestamps of the query window. */
function grid(ctx: MathContext, periodSec: number): number[] {
  const out: number[] = [];
  const step = periodSec * 1000;
  for (let t = ctx.start; t < ctx.end; t += step) out.push(t);
  return out;
}

function seriesArgs(v: MathValue, fn: string): TimeSeries[] {
  if (v.k === 'ts') return [v.s];
  if (v.k === 'arr') return v.items;
  return fail(`${fn} expects a time series or an array of time series, got ${kindName(v)}`);
}

/** Applies a per-series transform to TS → TS and TS[] → TS[]. */
function perSeries(v: MathValue, fn: string, f: (s: TimeSeries) => TimeSeries): MathValue {
  if (v.k === 'ts') return ts(f(v.s));
  if (v.k === 'arr') return { k: 'arr', items: v.items.map(f) };
  if (v.k === 'scalar' && ['ABS', 'CEIL', 'FLOOR', 'LOG', 'LOG10'].includes(fn)) {
    const r = f({ label: '', periodSec: 60, timestamps: [0], values: [v.v] });
    return scalar(r.values[0] ?? Number.NaN);
  }
  return fail(`${fn} expects a time series or an array of time series, got ${kindName(v)}`);
}

type Reducer = (vals: number[]) => number;
const REDUCERS: Record<string, Reducer> = {
  SUM: (v) => v.reduce((a, b) => a + b, 0),
  AVG: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  MIN: (v) => Math.min(...v),
  MAX: (v) => Math.max(...v),
  DATAPOINT_COUNT: (v) => v.length,
  STDDEV: (v) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  },
};

/**
 * SUM/AVG/… of one series is a scalar over its points; of an array, a series over the union of
 * timestamps. Missing values count as 0 for SUM/AVG/STDDEV (documented for AVG) [U for the others:
 * MIN/MAX/DATAPOINT_COUNT here use only the series that have a point].
 */
function reduce(fn: string, v: MathValue): MathValue {
  const r = REDUCERS[fn]!;
  if (v.k === 'ts') return v.s.values.length ? scalar(r(v.s.values)) : scalar(Number.NaN);
  if (v.k !== 'arr') return fail(`${fn} expects a time series or an array of time series, got ${kindName(v)}`);
  const zeroFill = fn === 'SUM' || fn === 'AVG' || fn === 'STDDEV';
  const at = new Map<number, number[]>();
  v.items.forEach((s, si) => {
    s.timestamps.forEach((t, i) => {
      let row = at.get(t);
      if (!row) {
        row = zeroFill ? new Array(v.items.length).fill(0) : [];
        at.set(t, row);
      }
      if (zeroFill) row[si] = s.values[i]!;
      else row.push(s.values[i]!);
    });
  });
  const times = [...at.keys()].sort((a, b) => a - b);
  const out: TimeSeries = {
    label: '',
    periodSec: Math.max(60, ...v.items.map((s) => s.periodSec)),
    timestamps: [],
    values: [],
  };
  for (const t of times) {
    const val = r(at.get(t)!);
    if (!Number.isFinite(val)) continue;
    out.timestamps.push(t);
    out.values.push(val);
  }
  return ts(out);
}

function asScalar(v: MathValue, what: string): number {
  if (v.k !== 'scalar') fail(`${what} must be a scalar, got ${kindName(v)}`);
  return v.v;
}

function fill(s: TimeSeries, how: MathValue, ctx: MathContext): TimeSeries {
  const have = new Map(s.timestamps.map((t, i) => [t, s.values[i]!]));
  const times = [...new Set([...grid(ctx, s.periodSec), ...s.timestamps])].sort((a, b) => a - b);
  const out: TimeSeries = { label: s.label, periodSec: s.periodSec, timestamps: [], values: [] };
  const push = (t: number, v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v)) return;
    out.timestamps.push(t);
    out.values.push(v);
  };
  if (how.k === 'scalar') {
    for (const t of times) push(t, have.get(t) ?? how.v);
  } else if (how.k === 'ts') {
    const other = new Map(how.s.timestamps.map((t, i) => [t, how.s.values[i]!]));
    for (const t of times) push(t, have.get(t) ?? other.get(t));
  } else if (how.k === 'kw' && how.name === 'REPEAT') {
    // Leading gaps (nothing before them to repeat) stay empty [U].
    let last: number | undefined;
    for (const t of times) {
      last = have.get(t) ?? last;
      push(t, last);
    }
  } else if (how.k === 'kw' && how.name === 'LINEAR') {
    // Interpolates between real neighbours; leading and trailing gaps stay empty [U].
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (have.has(t)) {
        push(t, have.get(t));
        continue;
      }
      const prev = s.timestamps.findLast((x) => x < t);
      const next = s.timestamps.find((x) => x > t);
      if (prev === undefined || next === undefined) continue;
      const pv = have.get(prev)!;
      const nv = have.get(next)!;
      push(t, pv + ((nv - pv) * (t - prev)) / (next - prev));
    }
  } else {
    fail('FILL expects a scalar, a time series, REPEAT or LINEAR as its second argument');
  }
  return out;
}

/** IF(cond, a[, b]) with the per-syntax rules of the user guide's "Using IF expressions". */
function ifFn(cond: MathValue, a: MathValue, b: MathValue | undefined): MathValue {
  const empty = (p: number): TimeSeries => ({ label: '', periodSec: p, timestamps: [], values: [] });
  if (cond.k === 'scalar') {
    if (a.k === 'scalar' && (b === undefined || b.k === 'scalar'))
      fail('IF with a scalar condition needs a time series');
    const chosen = cond.v !== 0 ? a : b;
    if (chosen === undefined) return ts(empty(60));
    if (chosen.k !== 'ts') fail('IF branches must be time series or scalars');
    return ts({ ...chosen.s, label: '' });
  }
  if (cond.k !== 'ts') return fail(`IF condition must be a time series or a scalar, got ${kindName(cond)}`);
  const lookup = (v: MathValue | undefined) =>
    v?.k === 'ts' ? new Map(v.s.timestamps.map((t, i) => [t, v.s.values[i]!])) : undefined;
  const am = lookup(a);
  const bm = lookup(b);
  for (const v of [a, b]) if (v && v.k !== 'ts' && v.k !== 'scalar') fail('IF branches must be time series or scalars');
  return ts({
    ...mapSeries(cond.s, (c, t) => {
      if (c !== 0) return a.k === 'scalar' ? a.v : (am!.get(t) ?? 0);
      if (b === undefined) return undefined;
      return b.k === 'scalar' ? b.v : bm!.get(t);
    }),
    label: '',
  });
}

function timeFn(fn: string, s: TimeSeries, ctx: MathContext): TimeSeries {
  const f = (t: number): number => {
    const d = new Date(t);
    switch (fn) {
      case 'MINUTE':
        return d.getUTCMinutes();
      case 'HOUR':
        return d.getUTCHours();
      case 'DAY':
        return ((d.getUTCDay() + 6) % 7) + 1; // 1 = Monday … 7 = Sunday
      case 'DATE':
        return d.getUTCDate();
      case 'MONTH':
        return d.getUTCMonth() + 1;
      case 'YEAR':
        return d.getUTCFullYear();
      default:
        return Math.floor(t / 1000); // EPOCH
    }
  };
  const times = grid(ctx, s.periodSec);
  return { label: s.label, periodSec: s.periodSec, timestamps: times, values: times.map(f) };
}

function callFn(fn: string, argNodes: MathNode[], ctx: MathContext): MathValue {
  const args = argNodes.map((n) => evaluateMath(n, ctx));
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      fail(`${fn} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
    }
  };
  switch (fn) {
    case 'METRICS': {
      arity(0, 1);
      const filter = args[0];
      if (filter && filter.k !== 'str') fail('METRICS takes an optional string');
      const needle = filter?.k === 'str' ? filter.v : '';
      return {
        k: 'arr',
        items: ctx
          .metrics()
          .filter((m) => m.id.includes(needle))
          .map((m) => m.series),
      };
    }
    case 'ABS':
    case 'CEIL':
    case 'FLOOR':
    case 'LOG':
    case 'LOG10': {
      arity(1);
      const m = { ABS: Math.abs, CEIL: Math.ceil, FLOOR: Math.floor, LOG: Math.log, LOG10: Math.log10 }[fn];
      return perSeries(args[0]!, fn, (s) => mapSeries(s, (v) => m(v)));
    }
    case 'DIFF':
    case 'DIFF_TIME':
    case 'RATE':
      arity(1);
      return perSeries(args[0]!, fn, (s) =>
        mapSeries(s, (v, t, i) => {
          if (i === 0) return undefined;
          const dv = v - s.values[i - 1]!;
          const dt = (t - s.timestamps[i - 1]!) / 1000;
          return fn === 'DIFF' ? dv : fn === 'DIFF_TIME' ? dt : dv / dt;
        }),
      );
    case 'RUNNING_SUM':
      arity(1);
      return perSeries(args[0]!, fn, (s) => {
        let acc = 0;
        return mapSeries(s, (v) => {
          acc += v;
          return acc;
        });
      });
    case 'FILL': {
      arity(2);
      const how = args[1]!;
      return perSeries(args[0]!, fn, (s) => fill(s, how, ctx));
    }
    case 'IF':
      arity(2, 3);
      return ifFn(args[0]!, args[1]!, args[2]);
    case 'SUM':
    case 'AVG':
    case 'MIN':
    case 'MAX':
    case 'STDDEV':
    case 'DATAPOINT_COUNT':
      arity(1);
      return reduce(fn, args[0]!);
    case 'METRIC_COUNT':
      arity(1);
      return scalar(seriesArgs(args[0]!, fn).length);
    case 'PERIOD': {
      arity(1);
      const v = args[0]!;
      if (v.k !== 'ts') fail('PERIOD expects a time series');
      return scalar(v.s.periodSec);
    }
    case 'TIME_SERIES': {
      arity(1);
      const v = asScalar(args[0]!, 'the argument of TIME_SERIES');
      const times = grid(ctx, ctx.defaultPeriodSec);
      return ts({ label: '', periodSec: ctx.defaultPeriodSec, timestamps: times, values: times.map(() => v) });
    }
    case 'REMOVE_EMPTY':
      arity(1);
      return { k: 'arr', items: seriesArgs(args[0]!, fn).filter((s) => s.values.length > 0) };
    case 'FIRST':
    case 'LAST': {
      arity(1);
      const items = seriesArgs(args[0]!, fn);
      const s = fn === 'FIRST' ? items[0] : items[items.length - 1];
      return s ? ts(s) : fail(`${fn} of an empty array`);
    }
    case 'SORT': {
      arity(3, 4);
      const items = [...seriesArgs(args[0]!, fn)];
      const by = args[1]!;
      const order = args[2]!;
      if (by.k !== 'kw' || !['AVG', 'MIN', 'MAX', 'SUM'].includes(by.name))
        fail('SORT function must be AVG, MIN, MAX or SUM');
      if (order.k !== 'kw' || !['ASC', 'DESC'].includes(order.name)) fail('SORT order must be ASC or DESC');
      const key = (s: TimeSeries) => (s.values.length ? REDUCERS[by.name]!(s.values) : Number.NEGATIVE_INFINITY);
      items.sort((a, b) => (order.name === 'ASC' ? key(a) - key(b) : key(b) - key(a)));
      const limit = args[3] ? asScalar(args[3], 'the SORT limit') : items.length;
      return { k: 'arr', items: items.slice(0, limit) };
    }
    case 'SLICE': {
      arity(2, 3);
      const items = seriesArgs(args[0]!, fn);
      const from = asScalar(args[1]!, 'the SLICE start');
      const to = args[2] ? asScalar(args[2], 'the SLICE end') : items.length;
      return { k: 'arr', items: items.slice(from, to) };
    }
    case 'MINUTE':
    case 'HOUR':
    case 'DAY':
    case 'DATE':
    case 'MONTH':
    case 'YEAR':
    case 'EPOCH':
      arity(1);
      return perSeries(args[0]!, fn, (s) => timeFn(fn, s, ctx));
    default:
      return fail(`the function ${fn} is not supported by the sandbox emulator`);
  }
}
