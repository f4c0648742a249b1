// MSTL with an AutoETS trend (augurs): the series is split into one seasonal component per
// period plus a trend, the trend is forecast by the best ETS model, and the seasonals are
// carried forward. It follows trend and slow level changes that a seasonal profile cannot.
// The engine comes in from the shell (engines.ts); a WASM error becomes "no forecast from
// this model", never an exception out of the core.

import type { ForecastEngines } from './engines.js';

/** Periods with at least two full cycles in `length` points (MSTL needs two to separate a season). */
export function periodsWithTwoCycles(periods: readonly number[], length: number): number[] {
  return periods.filter((p) => p >= 2 && length >= 2 * p);
}

/**
 * Steps per day above which MSTL is fitted on averages of `MSTL_COARSEN` steps (5-minute data
 * → 30 minutes). MSTL's cost grows with the length (≈ 80 ms for 14 days at 5 minutes, 25 ms at
 * 15, under 10 at 30) and it runs once per backtest origin; its smooth seasonal shapes lose
 * little at 30 minutes (on the tuning split the forecasts scored the same as at 15 minutes
 * while the whole forecast took 96 instead of 150 ms), and the sharp intra-hour detail is
 * what the seasonal profiles (snaive, median) keep.
 */
export const MSTL_COARSEN_ABOVE = 96;
export const MSTL_COARSEN = 6;

/**
 * MSTL + AutoETS point forecast, or undefined when the engine is absent, no period has two
 * cycles, or augurs fails (its errors are strings thrown from WASM). `daySteps` (when known)
 * decides the coarsening above.
 */
export function mstlEts(
  engines: ForecastEngines,
  y: readonly number[],
  periods: readonly number[],
  horizon: number,
  daySteps?: number,
): number[] | undefined {
  const mstl = engines.mstl;
  if (mstl === undefined) return undefined;
  const k = daySteps !== undefined && daySteps > MSTL_COARSEN_ABOVE && periods.every((p) => p % MSTL_COARSEN === 0) ? MSTL_COARSEN : 1;
  const drop = y.length % k; // whole buckets ending at the last point
  const series = k === 1 ? y : averageBuckets(y.slice(drop), k);
  const usable = periodsWithTwoCycles(periods.map((p) => p / k), series.length);
  if (usable.length === 0) return undefined;
  let model: ReturnType<typeof mstl.ets> | undefined;
  try {
    model = mstl.ets(usable);
    model.fit(Float64Array.from(series));
    // Coarse: one bucket more than the horizon covers, so the last fine steps lie between two centres.
    const point = model.predict(k === 1 ? horizon : Math.ceil(horizon / k) + 1).point;
    if (!point.every(Number.isFinite)) return undefined;
    return k === 1 ? point : interpolate(series[series.length - 1] as number, point, k).slice(0, horizon);
  } catch {
    return undefined;
  } finally {
    model?.free();
  }
}

function averageBuckets(y: readonly number[], k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + k <= y.length; i += k) {
    let sum = 0;
    for (let j = i; j < i + k; j++) sum += y[j] as number;
    out.push(sum / k);
  }
  return out;
}

/**
 * Back to the fine step: each coarse value is the mean of its k steps, placed at the bucket's
 * centre, with straight lines between centres (the first line starts from the last observed
 * bucket's mean at its centre; after the last centre the value is held). A straight line is
 * continued exactly. Example k = 3, last 0 (a line 1 per step whose last bucket is −1, 0, 1),
 * forecast [3, 6, 9] → 2, 3, 4, 5, 6, 7, 8, 9, 9.
 */
function interpolate(last: number, coarse: readonly number[], k: number): number[] {
  // Knot j sits at fine step (j − 1)·k + (k − 1)/2 (step 0 is the first forecast step).
  const knots = [last, ...coarse];
  const out: number[] = [];
  for (let s = 0; s < coarse.length * k; s++) {
    const x = (s - (k - 1) / 2) / k + 1;
    const j = Math.min(Math.floor(x), knots.length - 1);
    const a = knots[j] as number;
    const b = knots[Math.min(j + 1, knots.length - 1)] as number;
    out.push(a + (b - a) * (x - j));
  }
  return out;
}

/** Points a non-seasonal ETS is fitted on: its level and trend live in the recent past, and
 * fitting costs time in proportion to the length (≈ 90 ms for 4032 points, 13 ms for 576). */
export const ETS_TAIL = 576;

/** Non-seasonal AutoETS (level, optional damped trend) on the last ETS_TAIL points. */
export function autoEtsNonSeasonal(engines: ForecastEngines, history: readonly number[], horizon: number): number[] | undefined {
  const Ets = engines.autoEts;
  const y = history.slice(-ETS_TAIL);
  if (Ets === undefined || y.length < 4) return undefined;
  let model: InstanceType<typeof Ets> | undefined;
  try {
    model = new Ets(1, 'ZZN');
    model.fit(Float64Array.from(y));
    const point = model.predict(horizon).point;
    return point.every(Number.isFinite) ? point : undefined;
  } catch {
    return undefined;
  } finally {
    model?.free();
  }
}
