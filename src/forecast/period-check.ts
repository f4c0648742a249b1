// Confirming a period rather than guessing one: the day and the week come from the step
// (periods.ts); here the data has to show them. A period is kept when the autocorrelation at
// its lag clears the M4 seasonality test's 90 % limit (Bartlett's formula, as naive2.ts). The
// week must also beat the day — with a strong daily cycle every multiple of a day correlates,
// so the week is only real if a week ago resembles today better than yesterday does: the
// mean absolute difference at a week's lag must be smaller than at a day's, over the same
// points. (Comparing the two autocorrelations instead is biased: the sample ACF divides
// by n whatever the lag, so at a week's lag in two weeks of data it is roughly halved.)

import { autocorrelation } from './naive2.js';
import type { PeriodName, SeasonalPeriod } from './periods.js';

export interface PeriodCheck {
  readonly confirmed: SeasonalPeriod[];
  readonly rejected: { name: PeriodName; reason: string }[];
}

/** Autocorrelation at lag m and its 90 % limit; computed once up to the longest lag. */
function acfWithLimits(y: readonly number[], lags: readonly number[]): Map<number, { acf: number; limit: number }> {
  const maxLag = Math.max(...lags);
  const acf = autocorrelation(y, maxLag);
  const out = new Map<number, { acf: number; limit: number }>();
  for (const m of lags) {
    let sumSq = 0;
    for (let k = 0; k < m - 1; k++) sumSq += (acf[k] as number) ** 2;
    out.set(m, { acf: acf[m - 1] as number, limit: (1.645 / Math.sqrt(y.length)) * Math.sqrt(1 + 2 * sumSq) });
  }
  return out;
}

export function confirmPeriods(y: readonly number[], periods: readonly SeasonalPeriod[]): PeriodCheck {
  if (periods.length === 0) return { confirmed: [], rejected: [] };
  const stats = acfWithLimits(y, periods.map((p) => p.steps));
  const confirmed: SeasonalPeriod[] = [];
  const rejected: { name: PeriodName; reason: string }[] = [];
  const day = periods.find((p) => p.name === 'day');
  for (const p of periods) {
    const s = stats.get(p.steps) as { acf: number; limit: number };
    const short = y.length < SHORT_HISTORY_CYCLES * p.steps ? shortHistoryCheck(y, p.steps) : undefined;
    if (!(s.acf > s.limit) && short?.confirmed !== true) {
      rejected.push({
        name: p.name,
        reason: `autocorrelation at ${p.steps} steps is ${fmt(s.acf)}, within the 90 % limit ${fmt(s.limit)}` + (short === undefined ? '' : `; ${short.reason}`),
      });
      continue;
    }
    if (day !== undefined && p.name === 'week') {
      const weekAgo = meanAbsLagDifference(y, p.steps, p.steps);
      const dayAgo = meanAbsLagDifference(y, day.steps, p.steps);
      // The absolute term keeps floating-point dust (a daily sine computed for each t) from
      // deciding between two differences that are both zero.
      const dust = 1e-9 * (meanAbs(y) + 1);
      if (!(weekAgo < WEEK_MARGIN * dayAgo && dayAgo - weekAgo > dust)) {
        rejected.push({ name: p.name, reason: `a week ago differs from now by ${fmt(weekAgo)} on average, a day ago by ${fmt(dayAgo)} (the week must be ${Math.round((1 - WEEK_MARGIN) * 100)} % closer): no weekly pattern beyond the daily one` });
        continue;
      }
    }
    confirmed.push(p);
  }
  return { confirmed, rejected };
}

/**
 * Below this many cycles the M4 test cannot confirm even a clean cycle: its limit grows with
 * the short lags' autocorrelation, which a smooth daily curve has in plenty, while the sample
 * autocorrelation at the period is capped near (cycles − 1) / cycles. A noiseless daily sine
 * fails it with 2 and 3 days of history and passes from 4. Short histories get a second test.
 */
export const SHORT_HISTORY_CYCLES = 4;

/**
 * A week ago must be this much closer to now than a day ago (mean absolute difference) for
 * the week to count: without a margin, noise alone decides the comparison for a purely daily
 * series about half the time (18 of 40 seeded hourly series at 28 days).
 */
export const WEEK_MARGIN = 0.9;

/**
 * The short-history test: one cycle ago must correlate with now (Pearson r > 0.5 over the
 * pairs that exist) and be closer to now than half a cycle ago is. The second condition
 * keeps out a trend or a random walk, which correlate at every lag but drift further the
 * longer the lag; noise fails the first.
 */
export function shortHistoryCheck(y: readonly number[], m: number): { confirmed: boolean; reason: string } {
  const r = lagCorrelation(y, m);
  const full = meanAbsLagDifference(y, m, m);
  const half = meanAbsLagDifference(y, Math.max(1, Math.floor(m / 2)), m);
  const confirmed = r > 0.5 && full < half;
  return {
    confirmed,
    reason: `with under ${SHORT_HISTORY_CYCLES} cycles: correlation with one cycle ago ${fmt(r)} (needs > 0.5), mean distance to one cycle ago ${fmt(full)} vs half a cycle ago ${fmt(half)}`,
  };
}

function meanAbs(y: readonly number[]): number {
  let sum = 0;
  for (const v of y) sum += Math.abs(v);
  return y.length === 0 ? 0 : sum / y.length;
}

/** Pearson correlation of y[t] with y[t − lag] over t ≥ lag (NaN when either side is constant). */
function lagCorrelation(y: readonly number[], lag: number): number {
  const n = y.length - lag;
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let t = lag; t < y.length; t++) {
    ma += y[t] as number;
    mb += y[t - lag] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let t = lag; t < y.length; t++) {
    const a = (y[t] as number) - ma;
    const b = (y[t - lag] as number) - mb;
    sab += a * b;
    saa += a * a;
    sbb += b * b;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Mean |y[t] − y[t − lag]| over t ≥ from (the same points for every lag compared). */
function meanAbsLagDifference(y: readonly number[], lag: number, from: number): number {
  let sum = 0;
  for (let t = from; t < y.length; t++) sum += Math.abs((y[t] as number) - (y[t - lag] as number));
  return sum / Math.max(1, y.length - from);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : String(x);
}
