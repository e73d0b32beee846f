import { optBool, optInt, optStr, toList } from './coerce.ts';
import { invalidValue, validationError } from './errors.ts';
import { evaluateMath, type MathContext, MathEvalError, type MathValue, type TimeSeries } from './math-eval.ts';
import { type MathNode, MathSyntaxError, parseMath } from './math-parser.ts';
import type { Dimension, MetricStore } from './metric-store.ts';
import { parseStat, type Stat } from './statistics.ts';

export interface MetricStatSpec {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  periodSec: number;
  stat: Stat;
  unit?: string;
}

export interface ParsedQuery {
  id: string;
  label?: string;
  returnData: boolean;
  periodSec?: number;
  metricStat?: MetricStatSpec;
  expression?: string;
  ast?: MathNode;
}

export interface QueryWindow {
  start: number;
  end: number;
  /** Reads see data with visibleAt ≤ asOf. */
  asOf: number;
}

export interface QueryResult {
  id: string;
  label: string;
  series: TimeSeries;
  fromMath: boolean;
}

const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
const HIGH_RES_PERIODS = [1, 5, 10, 20, 30];

/** A period GetMetricData/alarms accept: 1, 5, 10, 20, 30 (high-resolution) or a multiple of 60. */
export function isValidPeriod(p: number): boolean {
  return Number.isInteger(p) && p > 0 && (HIGH_RES_PERIODS.includes(p) || p % 60 === 0);
}

export function parseDimensions(raw: unknown, field: string): Dimension[] {
  const dims = toList(raw).map((d: any, i) => {
    const Name = optStr(d?.Name);
    const Value = optStr(d?.Value);
    if (!Name) throw validationError(`The parameter ${field}.member.${i + 1}.Name is required.`);
    if (Value === undefined || Value === '')
      throw validationError(`The parameter ${field}.member.${i + 1}.Value is required.`);
    return { Name, Value };
  });
  if (dims.length > 30) throw invalidValue(`The collection ${field} must not have a size greater than 30.`);
  return dims;
}

/** Validates MetricDataQuery structures (GetMetricData, and PutMetricAlarm's Metrics). */
export function parseQueries(raw: unknown, field = 'MetricDataQueries'): ParsedQuery[] {
  const list = toList(raw);
  const seen = new Set<string>();
  return list.map((q: any, i) => {
    const at = `${field}.member.${i + 1}`;
    const id = optStr(q?.Id);
    if (!id) throw validationError(`The parameter ${at}.Id is required.`);
    if (id.length > 255 || !ID_PATTERN.test(id)) {
      throw validationError(
        `The value ${id} for parameter ${at}.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.`,
      );
    }
    if (seen.has(id)) throw validationError(`The values for parameter id in ${field} are not unique.`);
    seen.add(id);
    const expression = optStr(q.Expression);
    const hasStat = q.MetricStat !== undefined && q.MetricStat !== null && q.MetricStat !== '';
    if (hasStat && expression) {
      throw validationError(`The parameter ${at} must contain either MetricStat or Expression, but not both.`);
    }
    if (!hasStat && !expression) throw validationError(`The parameter ${at}.MetricStat is required.\n`);
    const periodSec = optInt(q.Period, `${at}.Period`);
    if (periodSec !== undefined && !isValidPeriod(periodSec)) {
      throw invalidValue(`The parameter ${at}.Period must be 1, 5, 10, 20, 30 or a multiple of 60.`);
    }
    const out: ParsedQuery = { id, returnData: optBool(q.ReturnData, `${at}.ReturnData`) ?? true };
    const label = optStr(q.Label);
    if (label !== undefined) out.label = label;
    if (periodSec !== undefined) out.periodSec = periodSec;
    if (hasStat) out.metricStat = parseMetricStat(q.MetricStat, `${at}.MetricStat`);
    else {
      out.expression = expression!;
      if (/^\s*SELECT\s/i.test(expression!)) {
        throw validationError(`Metrics Insights queries (${at}.Expression) are not supported by the sandbox emulator.`);
      }
      try {
        out.ast = parseMath(expression!);
      } catch (e) {
        if (e instanceof MathSyntaxError) throw validationError(`Error in expression ${id}: ${e.message}`);
        throw e;
      }
    }
    return out;
  });
}

function parseMetricStat(ms: any, at: string): MetricStatSpec {
  const metric = ms?.Metric;
  const namespace = optStr(metric?.Namespace);
  const metricName = optStr(metric?.MetricName);
  if (!metricName) throw validationError(`The parameter ${at}.Metric.MetricName is required.`);
  if (!namespace) throw validationError(`The parameter ${at}.Metric.Namespace is required.`);
  const periodSec = optInt(ms.Period, `${at}.Period`);
  if (periodSec === undefined) throw validationError(`The parameter ${at}.Period is required.`);
  if (!isValidPeriod(periodSec)) {
    throw invalidValue(`The parameter ${at}.Period must be 1, 5, 10, 20, 30 or a multiple of 60.`);
  }
  const statName = optStr(ms.Stat);
  if (!statName) throw validationError(`The parameter ${at}.Stat is required.`);
  const stat = parseStat(statName);
  if (!stat) throw invalidValue(`The value ${statName} for parameter ${at}.Stat is not a supported statistic.`);
  const out: MetricStatSpec = {
    namespace,
    metricName,
    dimensions: parseDimensions(metric.Dimensions, `${at}.Metric.Dimensions`),
    periodSec,
    stat,
  };
  const unit = optStr(ms.Unit);
  if (unit) out.unit = unit;
  return out;
}

/**
 * Runs the queries over one window and returns the ReturnData ones, in request order. An
 * expression yielding an array of series returns one result per series, all with its Id.
 */
export function runQueries(store: MetricStore, queries: ParsedQuery[], w: QueryWindow): QueryResult[] {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const memo = new Map<string, MathValue | 'visiting'>();
  const statSeries = (q: ParsedQuery): TimeSeries => {
    const ms = q.metricStat!;
    const pts = store.aggregate(
      store.get(ms.namespace, ms.metricName, ms.dimensions),
      {
        start: w.start,
        end: w.end,
        periodMs: ms.periodSec * 1000,
        asOf: w.asOf,
        ...(ms.unit ? { unit: ms.unit } : {}),
      },
      ms.stat,
    );
    return { label: q.label ?? ms.metricName, periodSec: ms.periodSec, ...pts };
  };
  const firstStat = queries.find((q) => q.metricStat)?.metricStat;
  const evalQuery = (q: ParsedQuery): MathValue => {
    const cached = memo.get(q.id);
    if (cached === 'visiting') throw validationError(`Error in expression ${q.id}: circular reference`);
    if (cached) return cached;
    memo.set(q.id, 'visiting');
    let v: MathValue;
    if (q.metricStat) v = { k: 'ts', s: statSeries(q) };
    else {
      const ctx: MathContext = {
        start: w.start,
        end: w.end,
        defaultPeriodSec: q.periodSec ?? firstStat?.periodSec ?? 60,
        ref: (id) => {
          const dep = byId.get(id);
          if (!dep) throw new MathEvalError(`unrecognized identifier ${id}`);
          return evalQuery(dep);
        },
        metrics: () => queries.filter((m) => m.metricStat).map((m) => ({ id: m.id, series: expectTs(evalQuery(m)) })),
      };
      try {
        v = evaluateMath(q.ast!, ctx);
      } catch (e) {
        if (e instanceof MathEvalError) throw validationError(`Error in expression ${q.id}: ${e.message}`);
        throw e;
      }
    }
    memo.set(q.id, v);
    return v;
  };

  const results: QueryResult[] = [];
  for (const q of queries) {
    if (!q.returnData) continue;
    const v = evalQuery(q);
    if (q.metricStat) {
      const s = expectTs(v);
      results.push({ id: q.id, label: s.label, series: s, fromMath: false });
    } else if (v.k === 'ts') {
      results.push({ id: q.id, label: q.label ?? q.id, series: v.s, fromMath: true });
    } else if (v.k === 'arr') {
      for (const s of v.items) {
        const label = q.label ? `${q.label} ${s.label}`.trim() : s.label;
        results.push({ id: q.id, label, series: s, fromMath: true });
      }
    } else {
      throw validationError(
        `Error in expression ${q.id}: the final result must be a time series or an array of time series`,
      );
    }
  }
  return results;
}

function expectTs(v: MathValue): TimeSeries {
  if (v.k !== 'ts') throw new MathEvalError('internal: expected a time series');
  return v.s;
}
