// Rolling-origin backtest on the tail of the series' own history: for each origin, every
// candidate is fitted on the data before it and forecasts the window after it, and its
// error is measured against what actually happened. The windows sit end to end on the tail
// (the most recent behaviour is what the next forecast must match), and the same errors
// later calibrate the quantiles, so they are out-of-sample by construction.
//
// Two resolutions: models fit at the fitting step (possibly coarser than the data); their
// forecasts are expanded to the output step and scored against the raw observations there.

import { seasonalScale } from './accuracy.js';
import type { Candidate } from './candidates.js';

export interface BacktestSetup {
  /** Gap-free history at the fitting step. */
  readonly fit: readonly number[];
  /** Raw observations at the output step (NaN = missing); fit[i] covers raw[i·factor, (i+1)·factor). */
  readonly raw: readonly number[];
  readonly factor: number;
  /** Prepares a history slice for the models (outlier cleaning), as the final fit does. */
  readonly prepare: (history: readonly number[]) => number[];
  /** Origins (indices into `fit`), each followed by `horizon` fitting steps inside the history. */
  readonly origins: readonly number[];
  readonly horizon: number;
  /** MASE scaling lag at the output step (a day), or 1 for naive scaling. */
  readonly scaleLag: number;
}

export interface OriginResult {
  readonly origin: number;
  /** Raw actuals of the window at the output step. */
  readonly actual: readonly number[];
  /** MASE denominator for this origin (in-sample MAE of the seasonal naive at `scaleLag`). */
  readonly scale: number;
  /** Candidate name → forecast at the output step (absent when the candidate could not forecast). */
  readonly forecasts: ReadonlyMap<string, readonly number[]>;
}

/** Repeats each fitting-step value `factor` times (a 5-minute mean stands for each of its minutes). */
export function expand(values: readonly number[], factor: number): number[] {
  if (factor === 1) return values.slice();
  const out = new Array<number>(values.length * factor);
  for (let i = 0; i < out.length; i++) out[i] = values[Math.floor(i / factor)] as number;
  return out;
}

export function runBacktest(setup: BacktestSetup, candidates: readonly Candidate[]): OriginResult[] {
  const { fit, raw, factor, origins, horizon } = setup;
  return origins.map((origin) => {
    const history = setup.prepare(fit.slice(0, origin));
    const actual = raw.slice(origin * factor, (origin + horizon) * factor);
    const forecasts = new Map<string, number[]>();
    for (const c of candidates) {
      const f = c.forecast(history, horizon);
      if (f !== undefined) forecasts.set(c.name, expand(f, factor).slice(0, actual.length));
    }
    const rawHistory = raw.slice(0, origin * factor);
    let scale = seasonalScale(rawHistory, setup.scaleLag);
    if (!(scale > 0)) scale = seasonalScale(rawHistory, 1);
    if (!(scale > 0)) scale = 1; // a constant history: errors are reported unscaled
    return { origin, actual, scale, forecasts };
  });
}

/** MAE over the non-NaN actuals. */
export function meanAbsoluteError(actual: readonly number[], forecast: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    if (Number.isNaN(a)) continue;
    sum += Math.abs(a - (forecast[i] as number));
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

/** sMAPE (percent, M4 definition) over the non-NaN actuals; 0/0 terms count as 0. */
export function smapeSkippingGaps(actual: readonly number[], forecast: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    if (Number.isNaN(a)) continue;
    const f = forecast[i] as number;
    const d = Math.abs(a) + Math.abs(f);
    sum += d === 0 ? 0 : (200 * Math.abs(a - f)) / d;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}
