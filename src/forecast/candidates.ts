// The candidate models the backtest chooses among, built for one series' periods. Each is a
// plain function from a (clean, gap-free) history to a point forecast, or undefined when it
// cannot forecast from that history (too short, engine absent). The same candidates run at
// every backtest origin and for the final forecast, so what is scored is what is used.
//
// Families, and where each wins:
// - seasonal naive (day, week): unbeatable when the last cycle is the best guess;
// - seasonal median (day, week; with and without a fading level shift): robust to one odd
//   cycle, and tracks today's level;
// - MSTL + AutoETS (augurs): trend and smooth multi-seasonal structure;
// - naive and non-seasonal AutoETS: when no period is usable, or the cycles are weak.

import type { ForecastEngines } from './engines.js';
import { autoEtsNonSeasonal, mstlEts, periodsWithTwoCycles } from './mstl-ets.js';
import type { SeasonalPeriod } from './periods.js';
import { seasonalMedian } from './seasonal-median.js';

export interface Candidate {
  readonly name: string;
  readonly forecast: (y: readonly number[], horizon: number) => number[] | undefined;
}

function repeatLastCycle(y: readonly number[], period: number, horizon: number): number[] | undefined {
  const n = y.length;
  if (n < period) return undefined;
  return Array.from({ length: horizon }, (_, h) => y[n - period + (h % period)] as number);
}

/**
 * Candidates for a series with the given confirmed periods (shortest first, in fitting
 * steps). `daySteps` is the length of a day in fitting steps when the step divides a day
 * (used for the level window: a few hours), else undefined. `shortest` is the shortest
 * history any candidate will see (the first backtest origin): a model that needs two cycles
 * of a period is offered only if it has them there, so the model scored in the backtest is
 * the very model used for the forecast (e.g. with 14 days of history MSTL fits the day only,
 * because at the origins a day or more before the end there are not two weeks).
 */
export function buildCandidates(
  periods: readonly SeasonalPeriod[],
  daySteps: number | undefined,
  engines: ForecastEngines,
  shortest: number,
): Candidate[] {
  const candidates: Candidate[] = [];
  const shortWindow = Math.max(2, Math.round((daySteps ?? 24) / 12)); // ~2 hours of a day
  for (const p of periods) {
    const level = { window: shortWindow, halfLife: Math.max(1, Math.round((daySteps ?? p.steps) / 4)) };
    candidates.push({ name: `snaive-${p.name}`, forecast: (y, h) => repeatLastCycle(y, p.steps, h) });
    candidates.push({ name: `snaive-${p.name}+level`, forecast: (y, h) => seasonalMedian(y, h, { period: p.steps, cycles: 1, level }) });
    if (shortest < 2 * p.steps) continue; // a median of one cycle is seasonal naive
    const cycles = p.name === 'day' ? 7 : 4;
    candidates.push({ name: `median-${p.name}`, forecast: (y, h) => seasonalMedian(y, h, { period: p.steps, cycles }) });
    candidates.push({ name: `median-${p.name}+level`, forecast: (y, h) => seasonalMedian(y, h, { period: p.steps, cycles, level }) });
  }
  const mstlPeriods = periodsWithTwoCycles(
    periods.map((p) => p.steps),
    shortest,
  );
  if (mstlPeriods.length > 0 && engines.mstl !== undefined) {
    candidates.push({ name: 'mstl-ets', forecast: (y, h) => mstlEts(engines, y, mstlPeriods, h, daySteps) });
  }
  // Naive always competes: some load has no usable cycle, and when the cycles are weak the
  // last value beats copying yesterday's noise. Non-seasonal ETS only when no period is
  // confirmed: where there is a cycle it has never won in tuning, and it costs a fit per origin.
  candidates.push({ name: 'naive', forecast: (y, h) => (y.length > 0 ? new Array<number>(h).fill(y[y.length - 1] as number) : undefined) });
  if (periods.length === 0 && engines.autoEts !== undefined) {
    candidates.push({ name: 'ets', forecast: (y, h) => autoEtsNonSeasonal(engines, y, h) });
  }
  return candidates;
}
