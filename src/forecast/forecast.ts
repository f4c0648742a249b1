// The forecasting entry point: a regular series in, a point forecast with calibrated
// quantiles out — or, when the history is too short, a value that says how much there is and
// how much is needed (never an exception for that).
//
// The pipeline, each step in its own module:
//  1. trim leading gaps; average sub-5-minute steps into 5-minute ones for fitting (fewer
//     points, same daily and weekly shape; the output stays at the series' own step);
//  2. fill gaps (impute.ts), derive the day/week periods from the step (periods.ts) and keep
//     those the autocorrelation confirms (period-check.ts);
//  3. replace outliers so a flash crowd is not repeated next cycle (clean.ts);
//  4. run every candidate model (candidates.ts) in a rolling-origin backtest on the tail of
//     the history (backtest.ts) and choose the best single model or mean of the best few
//     (selection.ts);
//  5. fit the choice on the whole history, and put quantiles around it from the backtest's
//     out-of-sample errors (conformal.ts).

import { DAY, formatDuration } from '../spec/duration.js';
import { millis, type Millis } from '../spec/units.js';
import { expand, runBacktest } from './backtest.js';
import { buildCandidates } from './candidates.js';
import { cleanOutliers } from './clean.js';
import { calibrate, FLOOR_MULTIPLE, quantileBand } from './conformal.js';
import type { ForecastEngines } from './engines.js';
import { fillGaps } from './impute.js';
import { confirmPeriods } from './period-check.js';
import { seasonalPeriods } from './periods.js';
import { combineMean, leaveOneOutForecasts, selectModel } from './selection.js';
import { aggregate, countLeadingTrailingNaN, type RegularSeries } from './series.js';

export const DEFAULT_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99];

export interface ForecastRequest {
  readonly series: RegularSeries;
  /** Steps ahead, at the series' own step (e.g. 288 for one day of 5-minute points). */
  readonly horizonSteps: number;
  /** Quantile levels in (0, 1); default DEFAULT_QUANTILES. */
  readonly quantiles?: readonly number[];
  /** Clamp output at 0 (counts). Default: true when the history has no negative value. */
  readonly nonNegative?: boolean;
  /** Rolling-origin backtest origins on the tail of the history (default 3). */
  readonly backtestOrigins?: number;
  /** augurs, loaded by the shell; models whose engine is absent are skipped (and noted). */
  readonly engines?: ForecastEngines;
}

/** One candidate's out-of-sample score in the backtest. */
export interface CandidateScore {
  readonly model: string;
  /** Mean absolute error over the backtest windows, scaled by the in-sample MAE of the daily seasonal naive (or naive). */
  readonly mase: number;
  /** Symmetric MAPE in percent (M4 definition) over the backtest windows. */
  readonly smape: number;
}

export interface BacktestSummary {
  /** Rolling origins evaluated (windows end-to-end on the tail of the history). */
  readonly origins: number;
  /** Steps per window, at the fitting step. */
  readonly horizonSteps: number;
  /** The scale dividing MAE into MASE: `seasonal naive, period N` or `naive`. */
  readonly scaledBy: string;
  /** Every candidate tried, best first, including combinations. */
  readonly candidates: readonly CandidateScore[];
  readonly chosen: string;
}

export interface ForecastComponent {
  readonly model: string;
  readonly weight: number;
}

export interface FitInfo {
  /** The step the models were fitted at; differs from the series' step when aggregated. */
  readonly stepMs: number;
  /** Set when the history was averaged into coarser steps for fitting, and why. */
  readonly aggregated?: { readonly factor: number; readonly reason: string };
  /** History points used for fitting (at the fitting step). */
  readonly points: number;
  /** Gaps (NaN) filled before fitting. */
  readonly imputed: number;
  /** Outliers (e.g. a flash crowd) replaced before fitting so they do not repeat next cycle. */
  readonly cleaned: number;
}

export interface Forecast {
  /** The chosen model, e.g. `mstl-ets` or `mean(mstl-ets, median-week)`. */
  readonly model: string;
  readonly components: readonly ForecastComponent[];
  /** Seasonal periods used, in steps of the series' own step (e.g. [288, 2016]). */
  readonly periods: readonly number[];
  readonly stepMs: number;
  /** Timestamp of the first forecast value (one step after the last observation). */
  readonly start: Millis;
  /** Point forecast, `horizonSteps` values at the series' own step. */
  readonly mean: readonly number[];
  /** Quantile level as written by `quantileKey` (e.g. "0.9") → values, ordered across levels. */
  readonly quantiles: Readonly<Record<string, readonly number[]>>;
  readonly backtest: BacktestSummary;
  readonly fit: FitInfo;
  /** What was decided and why, in words (skipped periods and models, fallbacks). */
  readonly notes: readonly string[];
}

/** No forecast could be made: how much history there is and how much is needed. */
export interface InsufficientHistory {
  readonly reason: 'insufficient-history';
  readonly message: string;
  readonly havePoints: number;
  readonly needPoints: number;
  readonly haveMs: number;
  readonly needMs: number;
}

export type ForecastOutcome = { ok: true; forecast: Forecast } | { ok: false; insufficient: InsufficientHistory };

/** The key a quantile level is stored under: shortest decimal form, `0.9`, `0.95`, `0.5`. */
export function quantileKey(q: number): string {
  return String(Number(q.toPrecision(6)));
}

/** Data at a step finer than this is averaged up to it for fitting. */
export const FIT_STEP_MS = 5 * 60_000;
/** At most this many fitting points are used (three weeks at 5 minutes); older data is dropped. */
export const MAX_FIT_POINTS = 6048;
const DEFAULT_ORIGINS = 7;
const ADJECTIVE = { day: 'daily', week: 'weekly' } as const;

function checkRequest(request: ForecastRequest): void {
  const { horizonSteps, series } = request;
  if (!Number.isInteger(horizonSteps) || horizonSteps < 1) throw new RangeError(`horizonSteps must be a whole number ≥ 1, got ${horizonSteps}`);
  if (!(series.stepMs > 0)) throw new RangeError(`series.stepMs must be positive, got ${series.stepMs}`);
  const origins = request.backtestOrigins;
  if (origins !== undefined && !(Number.isInteger(origins) && origins >= 1)) throw new RangeError(`backtestOrigins must be a whole number ≥ 1, got ${origins}`);
  for (const q of request.quantiles ?? []) {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile levels must be in (0, 1), got ${q}`);
  }
}

/** How many output steps make one fitting step: 5 for 1-minute data, 1 at 5 minutes and above. */
export function fitFactor(stepMs: number): number {
  if (stepMs >= FIT_STEP_MS || FIT_STEP_MS % stepMs !== 0) return 1;
  return FIT_STEP_MS / stepMs;
}

function daysLabel(ms: number): string {
  return `${(ms / DAY).toFixed(ms < DAY ? 2 : 1)} days`;
}

/**
 * Forecast `horizonSteps` ahead from `series`. A too-short history is an outcome, not an
 * error; an invalid request (horizon < 1, a quantile outside (0, 1)) is a programming error
 * and throws RangeError — the CLI and API validate user input before calling.
 */
export function forecast(request: ForecastRequest): ForecastOutcome {
  checkRequest(request);
  const { series, horizonSteps } = request;
  const engines: ForecastEngines = request.engines ?? {};
  const levels = [...new Set(request.quantiles ?? DEFAULT_QUANTILES)].sort((a, b) => a - b);
  const notes: string[] = [];
  const stepMs = series.stepMs;

  // 1. Trim leading gaps, cap the history, align to whole fitting steps from the end.
  const factor = fitFactor(stepMs);
  const fitStepMs = stepMs * factor;
  const { leading } = countLeadingTrailingNaN(series);
  let raw = series.values.slice(leading);
  const maxRaw = MAX_FIT_POINTS * factor;
  if (raw.length > maxRaw) {
    notes.push(`history capped to the last ${daysLabel(maxRaw * stepMs)} (${MAX_FIT_POINTS} fitting points)`);
    raw = raw.slice(raw.length - maxRaw);
  }
  raw = raw.slice(raw.length % factor);
  const n = raw.length / factor;
  const dayRatio = DAY / fitStepMs;
  const daySteps = Number.isInteger(dayRatio) && dayRatio >= 2 ? dayRatio : undefined;
  const horizonFit = Math.ceil(horizonSteps / factor);
  const windowSteps = Math.min(horizonFit, daySteps ?? horizonFit);
  const minFit = daySteps ?? Math.max(8, windowSteps);
  const need = minFit + windowSteps;
  const observed = raw.filter((v) => !Number.isNaN(v)).length;
  if (observed === 0 || n < need) {
    const have = observed === 0 ? 0 : series.values.length - leading;
    const needPoints = need * factor;
    return {
      ok: false,
      insufficient: {
        reason: 'insufficient-history',
        message:
          `history of ${have} points (${daysLabel(have * stepMs)}) at ${formatDuration(stepMs)} steps; ` +
          `a forecast needs ${needPoints} (${daysLabel(needPoints * stepMs)}): ` +
          (daySteps !== undefined ? 'one day to learn the daily cycle from and one window to test it on' : `${minFit * factor} points to fit and ${windowSteps * factor} to test on`),
        havePoints: have,
        needPoints,
        haveMs: have * stepMs,
        needMs: needPoints * stepMs,
      },
    };
  }

  // 2. Fitting series: averaged when aggregated, gaps filled.
  const aggregated = factor > 1 ? aggregate({ start: series.start, stepMs, values: raw }, factor, 'mean').values : raw;
  const filled = fillGaps(aggregated, daySteps);
  const fit = filled.values;
  const start = millis(series.start + series.values.length * stepMs);
  const nonNegative = request.nonNegative ?? raw.every((v) => Number.isNaN(v) || v >= 0);
  const fitInfo = {
    stepMs: fitStepMs,
    ...(factor > 1 && {
      aggregated: {
        factor,
        reason: `${formatDuration(stepMs)} steps averaged to ${formatDuration(fitStepMs)} for fitting: the same daily and weekly shape in ${factor}× fewer points; the forecast is given at ${formatDuration(stepMs)} steps`,
      },
    }),
    points: n,
    imputed: filled.imputed,
  };

  const first = fit[0] as number;
  if (fit.every((v) => v === first)) {
    // Clamped like every other forecast: `nonNegative: true` on a negative constant gives 0.
    return constantForecast(nonNegative ? Math.max(0, first) : first, { start, stepMs, horizonSteps, levels, notes, fit: { ...fitInfo, cleaned: 0 } });
  }

  // 3. Periods: from the step, kept when two cycles exist and the autocorrelation confirms them.
  const derived = seasonalPeriods(fitStepMs, n);
  for (const s of derived.skipped) notes.push(`no ${ADJECTIVE[s.name]} period: ${s.reason}`);
  const checked = confirmPeriods(fit, derived.periods);
  for (const r of checked.rejected) notes.push(`no ${ADJECTIVE[r.name]} period: ${r.reason}`);
  const periods = checked.confirmed;

  // 4. Cleaning rule (applied to every backtest history and the final one alike).
  const cleanOptions = { periods: periods.map((p) => p.steps), levelWindow: Math.max(3, Math.round((daySteps ?? 24) / 2)) };
  const prepare = (history: readonly number[]): number[] => cleanOutliers(history, cleanOptions).values;
  const cleanedFinal = cleanOutliers(fit, cleanOptions);

  // 5. Backtest: origins end to end on the tail.
  const originCount = Math.min(request.backtestOrigins ?? DEFAULT_ORIGINS, Math.floor((n - minFit) / windowSteps));
  const origins = Array.from({ length: originCount }, (_, k) => n - (originCount - k) * windowSteps);
  const shortest = origins[0] ?? n;
  const clamp = (f: number[] | undefined): number[] | undefined => (f === undefined || !nonNegative ? f : f.map((v) => Math.max(0, v)));
  const candidates = buildCandidates(periods, daySteps, engines, shortest).map((c) => ({ name: c.name, forecast: (y: readonly number[], h: number) => clamp(c.forecast(y, h)) }));
  if (engines.mstl === undefined) notes.push('mstl-ets not tried: the augurs engine was not provided');
  const scaleLag = daySteps !== undefined ? daySteps * factor : 1;
  const results = runBacktest({ fit, raw, factor, prepare, origins, horizon: windowSteps, scaleLag }, candidates);
  const selection = selectModel(results, candidates.map((c) => c.name));

  // 6. Final fit on the whole (cleaned) history, expanded to the output step.
  const finals = selection.components.map((name) => {
    const c = candidates.find((x) => x.name === name);
    return c?.forecast(cleanedFinal.values, horizonFit);
  });
  let mean: number[];
  let components = selection.components;
  if (finals.every((f): f is number[] => f !== undefined)) {
    mean = expand(combineMean(finals), factor).slice(0, horizonSteps);
  } else {
    // A model that forecast at every origin failed on the full history (augurs rejected it):
    // fall back to the best single model that works, and say so.
    const fallback = selection.ranking.map((name) => ({ name, f: candidates.find((x) => x.name === name)?.forecast(cleanedFinal.values, horizonFit) })).find((x) => x.f !== undefined);
    notes.push(`${selection.model} failed on the full history; using ${fallback?.name ?? 'seasonal naive'}`);
    components = [fallback?.name ?? 'snaive'];
    mean = expand(fallback?.f ?? repeatTail(cleanedFinal.values, daySteps ?? 1, horizonFit), factor).slice(0, horizonSteps);
  }

  // 7. Quantiles from the backtest's out-of-sample errors of the chosen model.
  const chosenForecasts = leaveOneOutForecasts(results, candidates.map((c) => c.name));
  // Errors at points the cleaner replaced (a flash crowd, an outage) are left out: such an
  // event is not forecastable, the reactive loop answers it, and counting it would widen
  // every band for days after.
  const outlier = (i: number): boolean => cleanedFinal.values[Math.floor(i / factor)] !== fit[Math.floor(i / factor)];
  const calibrationActuals = results.map((r) => r.actual.map((a, j) => (outlier(r.origin * factor + j) ? NaN : a)));
  const floor = FLOOR_MULTIPLE * meanAbs(raw.slice(-Math.min(raw.length, (daySteps ?? 24) * factor))) + 1e-9;
  const calibration = calibrate(chosenForecasts, calibrationActuals, floor);
  const quantiles: Record<string, number[]> = {};
  let below: number[] | undefined;
  for (const q of levels) {
    let band = quantileBand(calibration, mean, q);
    if (nonNegative) band = band.map((v) => Math.max(0, v));
    if (below !== undefined) band = band.map((v, i) => Math.max(v, (below as number[])[i] as number));
    quantiles[quantileKey(q)] = band;
    below = band;
  }
  if (originCount < DEFAULT_ORIGINS) notes.push(`backtest on ${originCount} origin${originCount === 1 ? '' : 's'} only (short history): quantiles are less certain`);

  return {
    ok: true,
    forecast: {
      model: components.length === 1 ? (components[0] as string) : `mean(${components.join(', ')})`,
      components: components.map((model) => ({ model, weight: 1 / components.length })),
      periods: periods.map((p) => p.steps * factor),
      stepMs,
      start,
      mean,
      quantiles,
      backtest: {
        origins: originCount,
        horizonSteps: windowSteps * factor,
        scaledBy: daySteps !== undefined ? `seasonal naive, period ${daySteps * factor}` : 'naive',
        candidates: selection.scores,
        chosen: selection.model,
      },
      fit: { ...fitInfo, cleaned: cleanedFinal.cleaned },
      notes,
    },
  };
}

function meanAbs(values: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += Math.abs(v);
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

function repeatTail(y: readonly number[], period: number, horizon: number): number[] {
  const p = Math.min(period, y.length);
  return Array.from({ length: horizon }, (_, h) => y[y.length - p + (h % p)] as number);
}

function constantForecast(
  value: number,
  o: { start: Millis; stepMs: number; horizonSteps: number; levels: readonly number[]; notes: string[]; fit: FitInfo },
): ForecastOutcome {
  const mean = new Array<number>(o.horizonSteps).fill(value);
  const quantiles: Record<string, number[]> = {};
  for (const q of o.levels) quantiles[quantileKey(q)] = mean.slice();
  return {
    ok: true,
    forecast: {
      model: 'constant',
      components: [{ model: 'constant', weight: 1 }],
      periods: [],
      stepMs: o.stepMs,
      start: o.start,
      mean,
      quantiles,
      backtest: { origins: 0, horizonSteps: 0, scaledBy: 'naive', candidates: [], chosen: 'constant' },
      fit: o.fit,
      notes: [...o.notes, 'the history is constant: it forecasts itself, with no band'],
    },
  };
}
