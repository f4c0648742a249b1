// Part 1 of the forecasting benchmark: M4 hourly. Every series is cut by m4Split (the last 48
// points scored; the tune split drops them first), then forecast by rollcast, seasonal naive
// and Naive2 here, and by R's stlf / mstl / tbats afterwards in one Rscript process.

import { millis } from '../../src/spec/units.js';
import type { ForecastEngines } from '../../src/forecast/engines.js';
import type { M4Series } from '../../src/forecast/m4.js';
import { naive2, seasonalNaiveForecast } from '../../src/forecast/naive2.js';
import { M4_HORIZON, M4_PERIODS, M4_SEASONALITY, m4Split, type Split } from './origins.js';
import { runOurs } from './ours.js';
import { rKey, type M4Report, type RMethod } from './report.js';
import { formatStatus, statusCounts, usableForecast, usableUpper, type RStatusCounts, type RTask } from './r-io.js';
import { runR, type RRunOptions } from './r-side.js';
import { scoreOrFallback, scoreUnit, type UnitScore } from './score.js';

const HOUR_MS = 3_600_000;

export interface M4PartOptions {
  split: Split;
  limit?: number;
  /** Every k-th series only (a fixed sample, for slow R methods). */
  every?: number;
  engines: ForecastEngines;
  /** Set when R runs: the methods and how to run them. */
  r?: { methods: readonly RMethod[]; run: Omit<RRunOptions, 'methods' | 'label' | 'progressEvery'>; version: string };
  rSkippedBecause: string;
  log: (line: string) => void;
}

export interface M4PartResult {
  report: Omit<M4Report, 'published'>;
  ids: string[];
  /** Series too short for the split (none in M4 hourly). */
  skipped: string[];
  rStatus: Partial<Record<string, RStatusCounts>>;
  /** R's model description per series and method, for the JSON. */
  rModels: Partial<Record<string, string[]>>;
  /** The model rollcast chose per series (or why it gave no forecast), for the JSON. */
  oursModelPerSeries: string[];
  nodeSeconds: number;
  rProcessSeconds?: number;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = f();
  return { value, ms: performance.now() - started };
}

export async function runM4Part(all: readonly M4Series[], options: M4PartOptions): Promise<M4PartResult> {
  const { log } = options;
  const every = options.every ?? 1;
  const sampled = all.filter((_, i) => i % every === 0);
  const selected = options.limit === undefined ? sampled : sampled.slice(0, options.limit);
  const units: { id: string; fit: number[]; test: number[]; snaive: number[] }[] = [];
  const skipped: string[] = [];
  for (const s of selected) {
    const cut = m4Split(s.values, options.split);
    if (cut === undefined) skipped.push(s.id);
    else units.push({ id: s.id, fit: cut.fit, test: cut.test, snaive: seasonalNaiveForecast(cut.fit, M4_HORIZON, M4_SEASONALITY) });
  }
  log(`M4 hourly (${options.split} split): ${units.length} series${skipped.length ? `, ${skipped.length} too short` : ''}; rollcast, seasonal naive, Naive2 …`);

  const methods: Record<string, UnitScore[]> = { ours: [], snaive: [], naive2: [] };
  const oursModels: Record<string, number> = {};
  const oursModelPerSeries: string[] = [];
  let oursFailed = 0;
  const nodeStarted = performance.now();
  // One untimed call first, so WASM and JIT warm-up are not charged to the first series
  // (R's start-up and package loading are not counted on its side either).
  if (units[0]) runOurs({ start: millis(0), stepMs: HOUR_MS, values: units[0].fit }, M4_HORIZON, options.engines);
  for (const [i, u] of units.entries()) {
    const series = { start: millis(0), stepMs: HOUR_MS, values: u.fit };
    const ours = runOurs(series, M4_HORIZON, options.engines);
    if (ours.ok) oursModels[ours.model] = (oursModels[ours.model] ?? 0) + 1;
    else oursFailed++;
    oursModelPerSeries.push(ours.ok ? ours.model : `failed: ${ours.why}`);
    methods.ours?.push(
      scoreOrFallback({ fit: u.fit, actual: u.test, scalePeriod: M4_SEASONALITY, fallbackMean: u.snaive, forecast: ours.ok ? ours : undefined, ms: ours.ms }),
    );
    const sn = timed(() => seasonalNaiveForecast(u.fit, M4_HORIZON, M4_SEASONALITY));
    methods.snaive?.push(scoreUnit({ fit: u.fit, actual: u.test, mean: sn.value, scalePeriod: M4_SEASONALITY, ms: sn.ms }));
    const n2 = timed(() => naive2(u.fit, M4_HORIZON, M4_SEASONALITY).forecast);
    methods.naive2?.push(scoreUnit({ fit: u.fit, actual: u.test, mean: n2.value, scalePeriod: M4_SEASONALITY, ms: n2.ms }));
    if ((i + 1) % 100 === 0) log(`  rollcast ${i + 1}/${units.length}`);
  }
  const nodeSeconds = (performance.now() - nodeStarted) / 1000;
  if (oursFailed > 0) log(`  rollcast gave no forecast for ${oursFailed} series (scored as seasonal naive, see fallbacks)`);

  const rStatus: M4PartResult['rStatus'] = {};
  const rModels: M4PartResult['rModels'] = {};
  let rNote = `R side not run: ${options.rSkippedBecause}.`;
  let rProcessSeconds: number | undefined;
  if (options.r !== undefined && options.r.methods.length > 0) {
    log(`M4 hourly: R ${options.r.methods.join(', ')} on ${units.length} series (after the Node side; fits timed inside R) …`);
    const tasks: RTask[] = units.map((u) => ({ id: u.id, h: M4_HORIZON, freq: M4_SEASONALITY, periods: M4_PERIODS, values: u.fit }));
    const run = await runR(tasks, { ...options.r.run, methods: options.r.methods, label: 'M4', progressEvery: 25 });
    rProcessSeconds = run.processS;
    if (run.exitCode !== 0) log(`  Rscript exited with ${run.exitCode}; fits it did not finish are scored as seasonal naive`);
    const ids = units.map((u) => ({ id: u.id, h: M4_HORIZON }));
    for (const m of options.r.methods) {
      const key = rKey(m);
      rStatus[key] = statusCounts(run.results, ids, m);
      rModels[key] = units.map((u) => run.results.get(u.id)?.get(m)?.model ?? '');
      methods[key] = units.map((u) => {
        const r = run.results.get(u.id)?.get(m);
        const forecast = usableForecast(r, M4_HORIZON) ? { mean: r.mean, ...(usableUpper(r, M4_HORIZON) && { upper: r.upper }) } : undefined;
        return scoreOrFallback({ fit: u.fit, actual: u.test, scalePeriod: M4_SEASONALITY, fallbackMean: u.snaive, forecast, ms: (r?.elapsedS ?? 0) * 1000 });
      });
    }
    const statuses = options.r.methods.map((m) => formatStatus(m, rStatus[rKey(m)] as RStatusCounts)).join('; ');
    rNote = `R side: ${options.r.version}; tbats use.parallel = ${options.r.run.tbatsParallel ? 'TRUE' : 'FALSE'}, at most ${options.r.run.timeoutPerFitS} s per fit; Rscript process ${run.processS.toFixed(0)} s in all; ${statuses}.`;
  }
  return {
    report: { split: options.split, series: units.length, horizon: M4_HORIZON, methods, oursModels, rNote },
    ids: units.map((u) => u.id),
    skipped,
    rStatus,
    rModels,
    oursModelPerSeries,
    nodeSeconds,
    ...(rProcessSeconds !== undefined && { rProcessSeconds }),
  };
}
