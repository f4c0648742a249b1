// Where the forecasting benchmark cuts its series: the M4 holdout (report and tune splits)
// and the rolling daily origins over the last week of a load trace. Pure: numbers in,
// index ranges out (origins.test.ts). See BENCHMARKS.md, "Forecasting (issue 3)".
//
// The two splits never overlap in what they score: `tune` first removes exactly the points
// `report` scores (the last 48 M4 points, the last 7 days of a trace), so a method tuned on
// `tune` has never seen a scored `report` point.

export const SPLITS = ['report', 'tune'] as const;
export type Split = (typeof SPLITS)[number];

/** M4 hourly: horizon 48, seasonality 24, two seasonal periods for the multi-seasonal methods. */
export const M4_HORIZON = 48;
export const M4_SEASONALITY = 24;
export const M4_PERIODS: readonly number[] = [24, 168];

export const DAY_MS = 86_400_000;

/**
 * The fit history and the scored points of one M4 series. `report`: the last `h` points are
 * scored, the rest is the history. `tune`: the last `h` points are dropped first, then the
 * same. Returns undefined when too little is left (at least one history point is needed).
 *
 * Example: values 1..10, h 3 → report: fit 1..7, test 8..10; tune: fit 1..4, test 5..7.
 */
export function m4Split(values: readonly number[], split: Split, h: number = M4_HORIZON): { fit: number[]; test: number[] } | undefined {
  const end = split === 'report' ? values.length : values.length - h;
  const cut = end - h;
  if (cut < 1) return undefined;
  return { fit: values.slice(0, cut), test: values.slice(cut, end) };
}

/** Steps per day (and per week) at a trace's step; throws unless a day is a whole number of steps. */
export function stepsPerDay(stepMs: number): number {
  const day = DAY_MS / stepMs;
  if (!Number.isInteger(day) || day < 1) throw new RangeError(`a day is not a whole number of ${stepMs} ms steps`);
  return day;
}

export interface TraceOriginPlan {
  /** Steps per day at the (possibly aggregated) step: the horizon and the daily period. */
  day: number;
  week: number;
  /** Points of the series that the split may use (the tune split drops the last week). */
  usable: number;
  /** Origins scored, oldest first. */
  origins: TraceOrigin[];
  /** Origins left out because fewer than `minHistoryDays` days precede them. */
  skipped: { k: number; origin: number; history: number }[];
}

export interface TraceOrigin {
  /** Days before the end of the usable series (7 = the oldest of the last week). */
  k: number;
  /** Index of the first forecast point; the fit window ends just before it. */
  origin: number;
  /** Fit window [fitStart, origin): at most `fitDays` days. */
  fitStart: number;
  /** Scored points [origin, origin + day). */
  end: number;
}

export interface TraceOriginOptions {
  split: Split;
  /** Days scored (one origin per day boundary). Default 7. */
  evalDays?: number;
  /** Longest fit window in days. Default 14. */
  fitDays?: number;
  /** Origins with less history before them are skipped. Default 2 days. */
  minHistoryDays?: number;
}

/**
 * Rolling daily origins over the last `evalDays` days: origin_k = usable − k·day for
 * k = evalDays..1, horizon one day, fit window [max(0, origin − fitDays·day), origin).
 * `usable` is the series length for `report`, and that minus `evalDays` days for `tune`.
 *
 * Example: day 10, n 100, report → origins 30, 40, …, 90; the origin at 30 fits on [0, 30);
 * with minHistoryDays 2, an origin at 10 would be skipped. Tune on n 100: usable 30, origins
 * −40, −30, …, 20 → only 20 (exactly 2 days of history) is kept, the other six are skipped.
 */
export function traceOrigins(n: number, stepMs: number, options: TraceOriginOptions): TraceOriginPlan {
  const evalDays = options.evalDays ?? 7;
  const fitDays = options.fitDays ?? 14;
  const minHistoryDays = options.minHistoryDays ?? 2;
  const day = stepsPerDay(stepMs);
  const usable = Math.max(0, options.split === 'report' ? n : n - evalDays * day);
  const origins: TraceOrigin[] = [];
  const skipped: TraceOriginPlan['skipped'] = [];
  for (let k = evalDays; k >= 1; k--) {
    const origin = usable - k * day;
    if (origin < minHistoryDays * day) {
      skipped.push({ k, origin, history: Math.max(0, origin) });
      continue;
    }
    origins.push({ k, origin, fitStart: Math.max(0, origin - fitDays * day), end: origin + day });
  }
  return { day, week: 7 * day, usable, origins, skipped };
}

/**
 * The seasonal periods a multi-seasonal model gets at one origin: those of `candidates` with
 * at least `minCycles` full cycles in `historyLength` points. Example: candidates [288, 2016],
 * 4032 points → both; 4031 → [288]; 575 → [].
 */
export function periodsWithCycles(candidates: readonly number[], historyLength: number, minCycles = 2): number[] {
  return candidates.filter((p) => historyLength >= minCycles * p);
}
