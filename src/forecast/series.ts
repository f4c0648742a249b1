// A regular time series — the one input shape of the forecasting core — and the small,
// pure helpers every model needs: where a point sits in time, cutting a series at an
// instant, and coarsening it (1-minute traces are fitted at 5 minutes, issue 3).
//
// Conventions used throughout forecast/:
// - point i is at `start + i · stepMs`; a missing observation is NaN, never a hole;
// - functions never mutate their input and return new series.

import { millis, type Millis } from '../spec/units.js';

/** Values on a regular grid: `values[i]` is the observation at `start + i · stepMs`. */
export interface RegularSeries {
  readonly start: Millis;
  /** Grid spacing in milliseconds; positive. */
  readonly stepMs: number;
  /** Observations; NaN marks a gap (missing row), never undefined or null. */
  readonly values: readonly number[];
}

/** The instant of point `i` (`i` may be ≥ length: that is where forecast step `i - length` lands). */
export function timeAt(series: RegularSeries, i: number): Millis {
  return millis(series.start + i * series.stepMs);
}

/**
 * The exclusive end: one step after the last point, i.e. `timeAt(series, length)`.
 * This is where the first forecast value of a horizon lands. Empty series → `start`.
 * Example: start 0, step 300 000 (5 min), 3 points at 0, 5, 10 min → end at 15 min.
 */
export function seriesEnd(series: RegularSeries): Millis {
  return timeAt(series, series.values.length);
}

/**
 * The prefix whose timestamps are ≤ `untilMs` (inclusive, so `--until` names the last point
 * used). Same start and step. `untilMs` before start → empty; after the end → a copy.
 * Worked example: start 0, step 10, values at 0,10,20,30; until 25 → 0,10,20 (floor(25/10)+1 = 3).
 */
export function sliceUntil(series: RegularSeries, untilMs: number): RegularSeries {
  const raw = Math.floor((untilMs - series.start) / series.stepMs) + 1;
  // Clamp to [0, length]: NaN (e.g. untilMs NaN) counts as "nothing is before it".
  const count = Number.isNaN(raw) ? 0 : Math.min(series.values.length, Math.max(0, raw));
  return { start: series.start, stepMs: series.stepMs, values: series.values.slice(0, count) };
}

export type AggregateHow = 'sum' | 'mean';

/**
 * Coarsens by `factor` consecutive points per bucket (buckets aligned to `start`), giving a
 * series with step `stepMs · factor`. `sum` suits counts (requests per 5 min from per-minute
 * counts); `mean` suits levels (CPU %).
 *
 * NaN handling: a bucket with some NaN uses the mean of its non-NaN values — for `sum` scaled
 * back up by `factor`, so one missing minute does not read as a dip of 1/5 in a 5-minute
 * count. Bucket [1, NaN, 3] with factor 3: mean → 2, sum → 2 · 3 = 6. An all-NaN bucket → NaN.
 *
 * A trailing partial bucket (length not a multiple of `factor`) is dropped: its sum would
 * under-count and its timestamp would claim a full bucket. `factor` must be a positive
 * integer (a programming error otherwise, so it throws RangeError).
 */
export function aggregate(series: RegularSeries, factor: number, how: AggregateHow): RegularSeries {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`aggregate factor must be a positive integer, got ${factor}`);
  }
  const buckets = Math.floor(series.values.length / factor);
  const values: number[] = new Array<number>(buckets);
  for (let b = 0; b < buckets; b++) {
    let sum = 0;
    let seen = 0;
    for (let k = b * factor; k < (b + 1) * factor; k++) {
      const v = series.values[k] ?? NaN;
      if (!Number.isNaN(v)) {
        sum += v;
        seen++;
      }
    }
    // seen = 0 → NaN: we never divide by zero, an empty bucket is a gap in the output too.
    const mean = seen === 0 ? NaN : sum / seen;
    values[b] = how === 'sum' ? mean * factor : mean;
  }
  return { start: series.start, stepMs: series.stepMs * factor, values };
}

/**
 * How many NaN values open and close the series. The two never overlap: an all-NaN series of
 * length n reports `{ leading: n, trailing: 0 }`, so `leading + trailing ≤ length` always.
 * Models trim trailing NaN (data not yet arrived) differently from NaN inside the history.
 */
export function countLeadingTrailingNaN(series: RegularSeries): { leading: number; trailing: number } {
  const v = series.values;
  let leading = 0;
  while (leading < v.length && Number.isNaN(v[leading])) leading++;
  let trailing = 0;
  while (trailing < v.length - leading && Number.isNaN(v[v.length - 1 - trailing])) trailing++;
  return { leading, trailing };
}
