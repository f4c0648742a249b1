// Which seasonal periods a series can support. Load has a daily and a weekly rhythm; the
// periods follow from the step (a day and a week counted in steps), never guessed from the
// data, and a period is used only when the history holds at least two full cycles: with one
// cycle a seasonal model cannot tell the season from noise (the same rule as R's
// forecast::stl, which refuses series with fewer than two periods).
//
// Worked examples: 5-minute steps → day 288, week 2016; 14 days at 5 min (4032 points) keeps
// both; 3 days keeps only the day (the week needs 14 days); a 7-minute step does not divide
// a day (1440 / 7 = 205.7…) and gives neither — even though it happens to divide a week
// (10 080 / 7 = 1440): a step off the day's grid is a sign the trace should be resampled to
// one that is on it (1, 5, 10, 15, 30 min, 1 h), and a week whose days do not start on a
// step would make "same time yesterday" and "same time last week" disagree.

import { DAY, WEEK, formatDuration } from '../spec/duration.js';

export type PeriodName = 'day' | 'week';

export interface SeasonalPeriod {
  readonly name: PeriodName;
  /** Length of one cycle in steps; a whole number ≥ 2. */
  readonly steps: number;
}

/** A candidate that was not kept, and why (for the forecast's explanation). */
export interface SkippedPeriod {
  readonly name: PeriodName;
  readonly reason: string;
}

export type SeasonalPeriods =
  | { kind: 'found'; periods: readonly SeasonalPeriod[]; skipped: readonly SkippedPeriod[] }
  | { kind: 'none'; periods: readonly []; skipped: readonly SkippedPeriod[]; reason: string };

const CANDIDATES: ReadonlyArray<{ name: PeriodName; ms: number; adjective: string }> = [
  { name: 'day', ms: DAY, adjective: 'daily' },
  { name: 'week', ms: WEEK, adjective: 'weekly' },
];

/** Full cycles a period needs before it is used. */
export const MIN_CYCLES = 2;

/**
 * The daily and weekly periods usable for `length` points at `stepMs`, shortest first.
 * A step that does not divide a day gives none (see the header). When nothing is kept,
 * `reason` is the daily candidate's reason, the one closest to usable.
 */
export function seasonalPeriods(stepMs: number, length: number): SeasonalPeriods {
  const periods: SeasonalPeriod[] = [];
  const skipped: SkippedPeriod[] = [];
  const historyDays = ((length * stepMs) / DAY).toFixed(1);
  // `!(stepMs > 0)` also catches NaN; a day in whole steps implies a week in whole steps.
  const offGrid = !(stepMs > 0) || !Number.isInteger(DAY / stepMs);
  for (const c of CANDIDATES) {
    const steps = c.ms / stepMs;
    if (offGrid) {
      skipped.push({ name: c.name, reason: `a step of ${formatDuration(stepMs)} does not divide a day into whole steps` });
    } else if (steps < 2) {
      // A one-step "cycle" repeats the previous value: that is the naive model, not a season.
      skipped.push({ name: c.name, reason: `a step of ${formatDuration(stepMs)} leaves a ${c.name} of ${steps} step` });
    } else if (length < MIN_CYCLES * steps) {
      const needDays = (MIN_CYCLES * c.ms) / DAY;
      skipped.push({ name: c.name, reason: `history of ${historyDays} days: a ${c.adjective} period needs ${needDays} days` });
    } else {
      periods.push({ name: c.name, steps });
    }
  }
  if (periods.length > 0) return { kind: 'found', periods, skipped };
  return { kind: 'none', periods: [], skipped, reason: skipped[0]?.reason ?? 'no candidate periods' };
}
