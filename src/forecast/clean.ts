// Outlier cleaning before fitting, so a flash crowd (NASA on launch day, a retweet storm)
// or an outage does not come back next cycle: every seasonal model copies last week into
// next week, spikes included. A point is an outlier when it sits far from what the same
// phase looked like in the other cycles, after allowing for the local level (so a genuine
// level shift, which moves many consecutive points, moves the level with it and is kept).
// Outliers are replaced by that expectation. A run of outliers that reaches the end of the
// history is kept untouched: it may be a level shift still in progress, and only the data
// after it can tell — this is the same rule as R's `tsclean`, which we follow in spirit
// (seasonal-robust baseline, MAD scale), not in code.

import { median } from 'simple-statistics';

export interface CleanOptions {
  /**
   * Seasonal periods (steps), shortest first. A point is an outlier only if it is one against
   * every period's baseline: with a daily and a weekly cycle, Saturday night differs from the
   * other nights but not from last Saturday night, so it stays; a flash crowd differs from
   * both. The replacement comes from the longest period with three cycles (else the shortest).
   */
  readonly periods: readonly number[];
  /** Window (steps) of the rolling median that tracks the local level; about half a day. */
  readonly levelWindow: number;
  /** Robust z-score above which a point is an outlier. */
  readonly threshold?: number;
  /** Cycles on each side used for the baseline. */
  readonly cyclesEachSide?: number;
}

export interface Cleaned {
  readonly values: number[];
  readonly cleaned: number;
}

const MAD_TO_SIGMA = 1.4826;

/** A copy of `y` (NaN-free) with outliers replaced; `y` itself is never modified. */
export function cleanOutliers(y: readonly number[], options: CleanOptions): Cleaned {
  const n = y.length;
  const out = y.slice();
  // Two cycles at least, or there is nothing to compare a point with.
  const periods = options.periods.filter((p) => p >= 2 && n >= 2 * p);
  if (periods.length === 0 || periods.length < options.periods.length) return { values: out, cleaned: 0 };
  const judged = periods.map((period) => judge(y, period, options));
  const replaceWith = [...judged].reverse().find((j) => n >= 3 * j.period) ?? judged[0];
  if (replaceWith === undefined) return { values: out, cleaned: 0 };
  // Keep the run that reaches the end: it may be the start of a new level.
  let end = n - 1;
  while (end >= 0 && judged.every((j) => j.isOutlier[end] === true)) end--;
  let cleaned = 0;
  for (let t = 0; t <= end; t++) {
    if (!judged.every((j) => j.isOutlier[t] === true)) continue;
    out[t] = replaceWith.expected[t] as number;
    cleaned++;
  }
  return { values: out, cleaned };
}

interface Judgement {
  readonly period: number;
  readonly isOutlier: readonly boolean[];
  /** What the point should have been: baseline + local level. */
  readonly expected: readonly number[];
}

/** Flags outliers against one period's baseline (all false when the noise scale is 0). */
function judge(y: readonly number[], period: number, options: CleanOptions): Judgement {
  const { levelWindow } = options;
  const threshold = options.threshold ?? 5;
  const k = options.cyclesEachSide ?? 3;
  const n = y.length;
  const baseline = new Array<number>(n);
  // With exactly two others their median is their mean, so one flash crowd among them makes a
  // normal point look like an outlier (and its replacement would be half the flash crowd):
  // such a point must also be the odd one out of the three, i.e. far from their median.
  const ofThree = new Array<number | undefined>(n);
  const others: number[] = [];
  for (let t = 0; t < n; t++) {
    others.length = 0;
    for (let c = 1; c <= k; c++) {
      const before = t - c * period;
      const after = t + c * period;
      if (before >= 0) others.push(y[before] as number);
      if (after < n) others.push(y[after] as number);
    }
    baseline[t] = median(others);
    if (others.length === 2) ofThree[t] = median([...others, y[t] as number]);
  }
  const residual = y.map((v, t) => v - (baseline[t] as number));
  const level = rollingMedian(residual, Math.max(3, levelWindow));
  const error = residual.map((r, t) => r - (level[t] as number));
  const center = median(error);
  const scale = MAD_TO_SIGMA * median(error.map((e) => Math.abs(e - center)));
  const expected = baseline.map((b, t) => b + (level[t] as number) + center);
  // A zero scale (e.g. a series that is mostly zeros) makes every non-typical point an
  // "outlier"; in that case there is no noise model to judge by, so nothing is flagged.
  const far = (e: number): boolean => Math.abs(e - center) > threshold * scale;
  const isOutlier =
    scale > 0
      ? error.map((e, t) => {
          const m3 = ofThree[t];
          return far(e) && (m3 === undefined || far((y[t] as number) - m3 - (level[t] as number)));
        })
      : new Array<boolean>(n).fill(false);
  return { period, isOutlier, expected };
}

/**
 * Centred rolling median with window `w` (shrinking at the edges). Evaluated every
 * `stride` points and held in between: the level moves slowly by construction, and an exact
 * rolling median over a 14-day 5-minute history would cost O(n·w·log w) for nothing.
 */
export function rollingMedian(x: readonly number[], w: number): number[] {
  const n = x.length;
  const half = Math.floor(w / 2);
  const stride = Math.max(1, Math.floor(w / 16));
  const out = new Array<number>(n);
  for (let t0 = 0; t0 < n; t0 += stride) {
    const center = Math.min(n - 1, t0 + Math.floor(stride / 2));
    const m = median(x.slice(Math.max(0, center - half), Math.min(n, center + half + 1)));
    for (let t = t0; t < Math.min(n, t0 + stride); t++) out[t] = m;
  }
  return out;
}
