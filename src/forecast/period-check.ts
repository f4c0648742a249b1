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
    if (!(s.acf > s.limit)) {
      rejected.push({ name: p.name, reason: `autocorrelation at ${p.steps} steps is ${fmt(s.acf)}, within the 90 % limit ${fmt(s.limit)}` });
      continue;
    }
    if (day !== undefined && p.name === 'week') {
      const weekAgo = meanAbsLagDifference(y, p.steps, p.steps);
      const dayAgo = meanAbsLagDifference(y, day.steps, p.steps);
      if (!(weekAgo < dayAgo)) {
        rejected.push({ name: p.name, reason: `a week ago differs from now by ${fmt(weekAgo)} on average, a day ago by ${fmt(dayAgo)}: no weekly pattern beyond the daily one` });
        continue;
      }
    }
    confirmed.push(p);
  }
  return { confirmed, rejected };
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
