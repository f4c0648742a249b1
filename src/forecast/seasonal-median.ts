// The robust seasonal profile: each future step is the median of the same phase over the
// last K cycles (same time of day over the last week of days, or same time of week over
// the last weeks). A median ignores one unusual cycle — a holiday, a flash crowd the
// cleaner missed — where seasonal naive copies it and a mean smears it. Optionally the
// forecast is shifted by the current departure from the profile (the last few hours ran
// 20 % hot → start 20 % hot), and that shift fades with a half-life, because today's
// surprise says more about the next hour than about tomorrow.

import { median } from 'simple-statistics';

export interface SeasonalMedianOptions {
  readonly period: number;
  /** Cycles back to take the median over (fewer when the history is shorter). */
  readonly cycles: number;
  /** When set: steps over which the current level departure is measured, and its half-life. */
  readonly level?: { readonly window: number; readonly halfLife: number };
}

/** Median of the same phase over the last `cycles` cycles; undefined without one full cycle. */
export function seasonalMedian(y: readonly number[], horizon: number, options: SeasonalMedianOptions): number[] | undefined {
  const { period, cycles } = options;
  const n = y.length;
  if (n < period || period < 1) return undefined;
  const profileAt = (t: number): number => {
    // The K most recent same-phase points strictly before index n (the forecast origin).
    const phase: number[] = [];
    let i = t - period * Math.ceil((t - n + 1) / period);
    if (i >= n) i -= period;
    for (; i >= 0 && phase.length < cycles; i -= period) phase.push(y[i] as number);
    return median(phase);
  };
  const forecast = Array.from({ length: horizon }, (_, h) => profileAt(n + h));
  const level = options.level;
  if (level === undefined) return forecast;

  // Departure of the last `window` points from the profile the model would have given them
  // (the median of the same phase in the cycles before each of them).
  const window = Math.min(level.window, n - period);
  if (window < 1) return forecast;
  const departures: number[] = [];
  for (let t = n - window; t < n; t++) {
    const phase: number[] = [];
    for (let i = t - period; i >= 0 && phase.length < cycles; i -= period) phase.push(y[i] as number);
    departures.push((y[t] as number) - median(phase));
  }
  const shift = median(departures);
  const decay = Math.log(2) / Math.max(1, level.halfLife);
  return forecast.map((f, h) => f + shift * Math.exp(-decay * (h + 1)));
}
