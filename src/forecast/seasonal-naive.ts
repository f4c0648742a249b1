// The two baseline forecasts every other model must beat (issue 3, and the M4 benchmarks):
// seasonal naive — tomorrow looks like the last full day — and naive — the last value
// persists. They are also the fallbacks when a richer model has too little history.
// Outputs are copies of observed values, so a non-negative series (counts) always gets a
// non-negative forecast without clamping.

import type { RegularSeries } from './series.js';

export type BaselineForecast =
  | {
      kind: 'forecast';
      values: number[];
      /** Template slots that were NaN and taken from the cycle before / from the nearest value. */
      filledFromPreviousCycle: number;
      filledFromNearest: number;
    }
  | { kind: 'insufficient'; reason: string };

function checkHorizon(horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new RangeError(`horizon must be a whole number of steps ≥ 0, got ${horizon}`);
  }
}

/**
 * Repeats the last full cycle of `period` steps for `horizon` steps: forecast h is the value
 * at `n - period + (h mod period)`. Example: period 3, values [.., 4, 5, 6], horizon 5 →
 * [4, 5, 6, 4, 5].
 *
 * NaN in the last cycle (a gap, or data not yet arrived) is filled first from the same slot
 * one cycle earlier — the same hour yesterday is the best seasonal guess — and, when that is
 * NaN too or lies before the start, from the nearest non-NaN value anywhere in the series
 * (ties go to the earlier value, which is already observed history either way).
 * Needs at least one full cycle and one non-NaN value; otherwise says so.
 */
export function seasonalNaive(series: RegularSeries, period: number, horizon: number): BaselineForecast {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a whole number of steps ≥ 1, got ${period}`);
  checkHorizon(horizon);
  const v = series.values;
  const n = v.length;
  if (n < period) {
    return { kind: 'insufficient', reason: `history of ${n} steps: seasonal naive with a period of ${period} steps needs ${period}` };
  }
  if (!v.some((x) => !Number.isNaN(x))) return { kind: 'insufficient', reason: `all ${n} values are missing (NaN)` };

  let filledFromPreviousCycle = 0;
  let filledFromNearest = 0;
  const template: number[] = [];
  for (let j = 0; j < period; j++) {
    const i = n - period + j;
    let x = v[i] ?? NaN;
    if (Number.isNaN(x)) {
      const before = i - period >= 0 ? (v[i - period] ?? NaN) : NaN;
      if (!Number.isNaN(before)) {
        x = before;
        filledFromPreviousCycle++;
      } else {
        x = nearestValue(v, i);
        filledFromNearest++;
      }
    }
    template.push(x);
  }
  const values = Array.from({ length: horizon }, (_, h) => template[h % period] ?? NaN);
  return { kind: 'forecast', values, filledFromPreviousCycle, filledFromNearest };
}

/** The non-NaN value closest in index to `i` (earlier wins a tie); the caller ensures one exists. */
function nearestValue(v: readonly number[], i: number): number {
  for (let d = 1; d < v.length; d++) {
    const earlier = v[i - d];
    if (earlier !== undefined && !Number.isNaN(earlier)) return earlier;
    const later = v[i + d];
    if (later !== undefined && !Number.isNaN(later)) return later;
  }
  return NaN;
}

/** Repeats the last non-NaN value for `horizon` steps (trailing NaN are data not yet arrived). */
export function naive(series: RegularSeries, horizon: number): BaselineForecast {
  checkHorizon(horizon);
  const v = series.values;
  let i = v.length - 1;
  while (i >= 0 && Number.isNaN(v[i])) i--;
  const last = v[i];
  if (last === undefined) {
    return { kind: 'insufficient', reason: v.length === 0 ? 'the series is empty' : `all ${v.length} values are missing (NaN)` };
  }
  return { kind: 'forecast', values: new Array<number>(horizon).fill(last), filledFromPreviousCycle: 0, filledFromNearest: 0 };
}
