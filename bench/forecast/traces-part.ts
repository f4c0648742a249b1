// Part 2 of the forecasting benchmark: the load traces. Each trace (1-minute ones summed to 5
// minutes) is forecast one day ahead from every day boundary of its last week (traceOrigins),
// by rollcast and the daily / weekly seasonal naive here, and by R's stlf / mstl / tbats
// afterwards, all traces in one Rscript process.

import type { ForecastEngines } from '../../src/forecast/engines.js';
import { seasonalNaiveForecast } from '../../src/forecast/naive2.js';
import { aggregate, timeAt, type RegularSeries } from '../../src/forecast/series.js';
import type { Trace } from './data.js';
import { periodsWithCycles, traceOrigins, type Split, type TraceOrigin } from './origins.js';
import { runOurs } from './ours.js';
import { rKey, type RMethod, type TraceReport } from './report.js';
import { formatStatus, statusCounts, usableForecast, usableUpper, type RStatusCounts, type RTask } from './r-io.js';
import { runR, type RRunOptions } from './r-side.js';
import { scoreOrFallback, scoreUnit, type UnitScore } from './score.js';

const MINUTE_MS = 60_000;
/** 1-minute traces are summed into buckets of this many minutes (issue 3). */
const AGGREGATE_1MIN_TO = 5;

export interface TracesPartOptions {
  split: Split;
  fitDays: number;
  engines: ForecastEngines;
  r?: { methods: readonly RMethod[]; run: Omit<RRunOptions, 'methods' | 'label' | 'progressEvery'>; version: string };
  rSkippedBecause: string;
  log: (line: string) => void;
}

export interface TracesPartResult {
  traces: TraceReport[];
  /** Traces with no origin left for the split (e.g. a 7.8-day trace on the tune split). */
  tooShort: { name: string; points: number; day: number }[];
  rStatus: Partial<Record<string, RStatusCounts>>;
  /** Per trace, per R method, R's model description at each origin. */
  rModels: Record<string, Partial<Record<string, string[]>>>;
  rNote: string;
  nodeSeconds: number;
  rProcessSeconds?: number;
}

interface Unit {
  trace: string;
  id: string;
  origin: TraceOrigin;
  fit: number[];
  actual: number[];
  snaiveDay: number[];
}

/** The series the benchmark fits: 1-minute counts summed to 5 minutes, everything else as read. */
export function benchSeries(series: RegularSeries): { series: RegularSeries; rawStepMs?: number } {
  if (series.stepMs !== MINUTE_MS) return { series };
  return { series: aggregate(series, AGGREGATE_1MIN_TO, 'sum'), rawStepMs: series.stepMs };
}

export async function runTracesPart(input: readonly Trace[], options: TracesPartOptions): Promise<TracesPartResult> {
  const { log } = options;
  const traces: TraceReport[] = [];
  const unitsByTrace = new Map<string, Unit[]>();
  const methodsByTrace = new Map<string, Record<string, (UnitScore | undefined)[]>>();
  const tooShort: TracesPartResult['tooShort'] = [];
  const tasks: RTask[] = [];
  const nodeStarted = performance.now();
  let warmedUp = false;
  for (const t of input) {
    const { series, rawStepMs } = benchSeries(t.series);
    const values = series.values;
    const plan = traceOrigins(values.length, series.stepMs, { split: options.split, fitDays: options.fitDays });
    if (plan.origins.length === 0) {
      tooShort.push({ name: t.name, points: values.length, day: plan.day });
      log(`${t.name}: ${values.length} points (${(values.length / plan.day).toFixed(1)} days) leave no origin with 2 days of history on the ${options.split} split; skipped`);
      continue;
    }
    const gaps = values.filter(Number.isNaN).length;
    if (gaps > 0) log(`${t.name}: ${gaps} missing points (NaN); rollcast imputes them, R gets NA`);
    log(`${t.name}: ${values.length} points, ${plan.origins.length} origins (${plan.skipped.length} skipped) …`);

    const units: Unit[] = plan.origins.map((o) => {
      const fit = values.slice(o.fitStart, o.origin);
      return { trace: t.name, id: `${t.name}#${o.k}`, origin: o, fit, actual: values.slice(o.origin, o.end), snaiveDay: seasonalNaiveForecast(fit, plan.day, plan.day) };
    });
    unitsByTrace.set(t.name, units);
    const methods: Record<string, (UnitScore | undefined)[]> = { ours: [], 'snaive-day': [], 'snaive-week': [] };
    const oursModels: Record<string, number> = {};
    const fitSeries = (u: Unit): RegularSeries => ({ start: timeAt(series, u.origin.fitStart), stepMs: series.stepMs, values: u.fit });
    if (!warmedUp && units[0]) {
      runOurs(fitSeries(units[0]), plan.day, options.engines); // untimed warm-up, as in the M4 part
      warmedUp = true;
    }
    for (const u of units) {
      const ours = runOurs(fitSeries(u), plan.day, options.engines);
      if (ours.ok) oursModels[ours.model] = (oursModels[ours.model] ?? 0) + 1;
      else log(`  ${u.id}: rollcast gave no forecast (${ours.why}); scored as daily seasonal naive`);
      methods.ours?.push(scoreOrFallback({ fit: u.fit, actual: u.actual, scalePeriod: plan.day, fallbackMean: u.snaiveDay, forecast: ours.ok ? ours : undefined, ms: ours.ms }));

      let started = performance.now();
      const daily = seasonalNaiveForecast(u.fit, plan.day, plan.day);
      methods['snaive-day']?.push(scoreUnit({ fit: u.fit, actual: u.actual, mean: daily, scalePeriod: plan.day, ms: performance.now() - started }));
      if (u.fit.length >= plan.week) {
        started = performance.now();
        const weekly = seasonalNaiveForecast(u.fit, plan.day, plan.week);
        methods['snaive-week']?.push(scoreUnit({ fit: u.fit, actual: u.actual, mean: weekly, scalePeriod: plan.day, ms: performance.now() - started }));
      } else {
        methods['snaive-week']?.push(undefined);
      }
      tasks.push({ id: u.id, h: plan.day, freq: plan.day, periods: periodsWithCycles([plan.day, plan.week], u.fit.length), values: u.fit });
    }
    if (methods['snaive-week']?.every((s) => s === undefined)) delete methods['snaive-week'];
    methodsByTrace.set(t.name, methods);
    traces.push({
      name: t.name,
      stepMs: series.stepMs,
      ...(rawStepMs !== undefined && { rawStepMs }),
      points: values.length,
      day: plan.day,
      fitDays: options.fitDays,
      origins: plan.origins.length,
      skipped: plan.skipped.length,
      methods,
      oursModels,
      rPeriods: units.map((u) => periodsWithCycles([plan.day, plan.week], u.fit.length).join(', ')),
    });
  }
  const nodeSeconds = (performance.now() - nodeStarted) / 1000;

  const rStatus: TracesPartResult['rStatus'] = {};
  const rModels: TracesPartResult['rModels'] = {};
  let rNote = `R side not run: ${options.rSkippedBecause}.`;
  let rProcessSeconds: number | undefined;
  if (options.r !== undefined && options.r.methods.length > 0 && tasks.length > 0) {
    log(`traces: R ${options.r.methods.join(', ')} at ${tasks.length} origins (after the Node side; fits timed inside R) …`);
    const run = await runR(tasks, { ...options.r.run, methods: options.r.methods, label: 'traces', progressEvery: 1 });
    rProcessSeconds = run.processS;
    if (run.exitCode !== 0) log(`  Rscript exited with ${run.exitCode}; fits it did not finish are scored as daily seasonal naive`);
    for (const m of options.r.methods) {
      const key = rKey(m);
      rStatus[key] = statusCounts(run.results, tasks, m);
      for (const trace of traces) {
        const units = unitsByTrace.get(trace.name) ?? [];
        (rModels[trace.name] ??= {})[key] = units.map((u) => run.results.get(u.id)?.get(m)?.model ?? '');
        const scores = units.map((u) => {
          const r = run.results.get(u.id)?.get(m);
          const forecast = usableForecast(r, trace.day) ? { mean: r.mean, ...(usableUpper(r, trace.day) && { upper: r.upper }) } : undefined;
          return scoreOrFallback({ fit: u.fit, actual: u.actual, scalePeriod: trace.day, fallbackMean: u.snaiveDay, forecast, ms: (r?.elapsedS ?? 0) * 1000 });
        });
        const methods = methodsByTrace.get(trace.name);
        if (methods) methods[key] = scores;
      }
    }
    const statuses = options.r.methods.map((m) => formatStatus(m, rStatus[rKey(m)] as RStatusCounts)).join('; ');
    rNote = `R side: ${options.r.version}; tbats use.parallel = ${options.r.run.tbatsParallel ? 'TRUE' : 'FALSE'}, at most ${options.r.run.timeoutPerFitS} s per fit; Rscript process ${run.processS.toFixed(0)} s in all; ${statuses}.`;
  }
  return { traces, tooShort, rStatus, rModels, rNote, nodeSeconds, ...(rProcessSeconds !== undefined && { rProcessSeconds }) };
}
